import { expect, test } from '@playwright/test';
import { scratchDirectory } from '../lib/scratch-directory.ts';
import { join } from 'node:path';
import { ExistingProvider } from '../../harness/providers/existing/provider.ts';
import type { ProviderContext } from '../../harness/providers/index.ts';

const scratch = scratchDirectory('existing-unreachable');

// The existing provider against a real API server is checked in the e2e, on the cluster a run keeps
// (test/e2e/sigkill-cleanup.spec.ts); here, what it says when there is none.
test('existing provider names the kubeconfig when the cluster cannot be reached', async () => {
  const ctx: ProviderContext = { workDir: scratch(), dryRun: false, record: () => {}, log: () => {} };
  const missing = join(scratch(), 'no-such-kubeconfig');
  await expect(new ExistingProvider().create({ distro: 'existing', kubeconfig: missing, context: 'nowhere' }, ctx)).rejects.toThrow(
    `failed to reach the existing cluster (kubeconfig ${missing}, context nowhere): command failed (exit 1: general error): kubectl --kubeconfig ${missing} --context nowhere get nodes -o json`,
  );
});
