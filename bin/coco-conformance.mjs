#!/usr/bin/env node
// Runs the compiled CLI (dist/, from `npm run build`): no TypeScript is compiled at start. When dist/ is missing or
// older than the source, it says so in one line and runs the TypeScript source through tsx instead, slower but
// current.
import { buildProblem } from './build-state.mjs';

// A closed pipe (`releases | head -1`) ends the output, not the program with a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const problem = buildProblem();
let main;
if (problem) {
  console.error(`coco-conformance: ${problem}; running the TypeScript source (slow start) — \`npm run build\` fixes it`);
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../harness/cli/main.ts'));
} else {
  ({ main } = await import('../dist/harness/cli/main.js'));
}
process.exitCode = await main(process.argv.slice(2));
