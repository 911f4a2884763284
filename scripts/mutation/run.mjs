#!/usr/bin/env node
// `npm run test:mutation`: StrykerJS over the pure core, one group per folder, each with the self-tests that cover
// it, then the mutation score per folder. A figure for the reader, not a gate: it exits 0 whatever the score (CI does
// not run it; it takes tens of minutes on two cores). Incremental: a second run re-tests only mutants whose code or
// tests changed (reports/mutation/<group>.incremental.json). Usage: node scripts/mutation/run.mjs [group…]
import { Stryker } from '@stryker-mutator/core';

// Playwright's CLI straight from node_modules: npx would add an npm start to every mutant's run.
const playwright = (...specs) => `node node_modules/@playwright/test/cli.js test -c test/playwright.mutation.config.ts --workers=1 ${specs.join(' ')}`;

/** Each folder's pure modules (the grading, escaping and checking cores; I/O-bound modules are covered by their own
 *  integration tests instead) and the self-tests that exercise them. */
const GROUPS = {
  reporters: {
    mutate: ['reporters/grid-state.ts', 'reporters/signoff-verdict.ts'],
    command: playwright('test/reporters/grid-state.spec.ts', 'test/reporters/signoff-verdict.spec.ts', 'test/reporters/history-agrees-with-grid.spec.ts',
      'test/reporters/cell-history.spec.ts', 'test/reporters/signoff-truth-table.spec.ts'),
  },
  matrix: {
    mutate: ['matrix/derive-expected-outcome.ts', 'matrix/kata-hypervisor.ts'],
    command: playwright('test/matrix/expected-outcome.spec.ts', 'test/suites/resource-policy-keying.spec.ts'),
  },
  lib: {
    mutate: ['test/support/sealed-secret-shape.ts', 'lib/cluster/failure-evidence.ts', 'lib/kbs/admin-token-verifier.ts', 'lib/exec/redact.ts',
      'lib/manifests/kbs-policies.ts'],
    command: playwright('test/lib/sealed-secret.spec.ts', 'test/lib/failure-evidence.spec.ts', 'test/lib/shared-redaction.spec.ts', 'test/lib/kbs-double.spec.ts',
      'test/suites/resource-policy-keying.spec.ts'),
  },
};

const wanted = process.argv.slice(2);
for (const name of wanted) if (!(name in GROUPS)) throw new Error(`unknown group ${name}; groups: ${Object.keys(GROUPS).join(', ')}`);
const figures = [];
for (const [name, group] of Object.entries(GROUPS)) {
  if (wanted.length && !wanted.includes(name)) continue;
  const results = await new Stryker({
    testRunner: 'command',
    commandRunner: { command: group.command },
    mutate: group.mutate,
    concurrency: 2,
    // On two shared cores a niced Playwright run can wait minutes for a CPU: a short timeout makes load look like a
    // detection ("timed out" counts as detected) and flatters the score. Only redact.ts (lib group) has counted
    // loops a mutant can make endless; each such mutant costs this timeout once. The matrix and reporters cores
    // iterate finite lists only: a timeout there is load, never a detection.
    timeoutMS: 300_000,
    incremental: true,
    incrementalFile: `reports/mutation/${name}.incremental.json`,
    reporters: ['clear-text', 'progress'],
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
    tempDirName: '.stryker-tmp',
    ignorePatterns: ['results', 'test-results', 'report', 'reports', 'playwright-report', 'allure-results', 'bundle', '.cache'],
    logLevel: 'warn',
  }).runMutationTest();
  const counted = results.filter((r) => !['Ignored', 'CompileError'].includes(r.status));
  const detected = counted.filter((r) => r.status === 'Killed' || r.status === 'Timeout').length;
  const survived = counted.filter((r) => r.status === 'Survived' || r.status === 'NoCoverage');
  figures.push({ name, mutants: counted.length, detected, score: counted.length ? (100 * detected) / counted.length : NaN });
  for (const s of survived) console.log(`survived ${name}: ${s.fileName}:${s.location.start.line}:${s.location.start.column + 1} ${s.mutatorName}${s.replacement ? ` → ${s.replacement.split('\n')[0].slice(0, 80)}` : ''}`);
}
console.log('\nmutation score per folder (killed or timed out / mutants):');
for (const f of figures) console.log(`  ${f.name.padEnd(10)} ${f.score.toFixed(1).padStart(5)} %  (${f.detected} / ${f.mutants})`);
