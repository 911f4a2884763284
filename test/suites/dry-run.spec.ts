import { expect, test } from '@playwright/test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { runDryRun } from '../../lib/dry-run/index.ts';
import { catalogTest, FEATURES } from '../../matrix/index.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';

const KBS = 'http://192.0.2.10:30080';
const scratch = scratchDirectory('dry-run');

for (const [platform, runtimeClass] of [['snp', 'kata-qemu-snp'], ['tdx', 'kata-qemu-tdx'], ['se', 'kata-qemu-se']] as const) {
  test(`dry run on ${platform} writes manifests and redacted KBS calls per test`, async () => {
    const { files } = await runDryRun({ release: 'v0.9.0', platform, outDir: join(scratch(), platform), kbsUrl: KBS });
    const summary = JSON.parse(readFileSync(join(scratch(), platform, 'suites', 'summary.json'), 'utf8'));
    expect(summary.runtimeClass).toBe(runtimeClass);
    const attestation = join(scratch(), platform, 'suites', 'attestation', 'resource-released-allow-all');
    expect(files).toContain(join(attestation, 'manifests.yaml'));
    const pod = YAML.parse(readFileSync(join(attestation, 'manifests.yaml'), 'utf8'));
    expect(pod.spec.runtimeClassName).toBe(runtimeClass);
    const kernelParams = pod.metadata.annotations['io.katacontainers.config.hypervisor.kernel_params'];
    if (platform === 'se') expect(kernelParams).toBeUndefined();
    else expect(kernelParams).toContain(`agent.aa_kbc_params=cc_kbc::${KBS}`);
    const calls = JSON.parse(readFileSync(join(attestation, 'kbs-calls.json'), 'utf8'));
    expect(calls.map((c: { path: string }) => c.path)).toEqual([expect.stringMatching(/^\/kbs\/v0\/resource\/default\/aa\/key-[0-9a-f]{8}$/), '/kbs/v0/resource-policy']);
    for (const call of calls) expect(call.headers.authorization).toBe('Bearer [REDACTED]');
    // Every test that is not skipped has its manifests, in the folder of its suite; the summary names files from suites/.
    const suites = readdirSync(join(scratch(), platform, 'suites'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(suites.every((name) => (FEATURES as readonly string[]).includes(name)), suites.join(', ')).toBe(true);
    for (const t of summary.tests) {
      if (t.expected.expect === 'skip') continue;
      expect(t.files, t.id).toContain(`${catalogTest(t.id).feature}/${t.id.slice(t.id.indexOf('/') + 1)}/manifests.yaml`);
      for (const file of t.files) expect(existsSync(join(scratch(), platform, 'suites', file)), file).toBe(true);
    }
  });
}

test('dry run on tdx: the right-key KBS call carries the raw 32-byte key, the wrong-length one 8 bytes', async () => {
  await runDryRun({ release: 'v0.9.0', platform: 'tdx', outDir: join(scratch(), 'tdx-keys'), kbsUrl: KBS });
  const keyCall = (testCase: string) => {
    const calls = JSON.parse(readFileSync(join(scratch(), 'tdx-keys', 'suites', 'encrypted-images', testCase, 'kbs-calls.json'), 'utf8'));
    return calls.find((c: { path: string }) => c.path.startsWith('/kbs/v0/resource/default/key/'));
  };
  // kata 3.7.0 kbs_set_resource_base64: KBS holds the decoded key, which the guest's CDH uses as the AES-256 key.
  expect(keyCall('right-key-runs').bodySummary).toMatch(/^32 bytes /);
  expect(keyCall('wrong-key-fails').bodySummary).toMatch(/^32 bytes /);
  expect(keyCall('wrong-length-key-fails').bodySummary).toMatch(/^8 bytes /);
  const plan = JSON.parse(readFileSync(join(scratch(), 'tdx-keys', 'suites', 'encrypted-images', 'right-key-runs', 'plan.json'), 'utf8'));
  expect(plan.kbs[0].value).toBe('<32 bytes, raw>');
});

test('dry run on coco-dev says v0.9.0 does not ship it and invents no runtime class', async () => {
  const { files } = await runDryRun({ release: 'v0.9.0', platform: 'coco-dev', outDir: join(scratch(), 'coco-dev'), kbsUrl: KBS });
  expect(files.map((f) => f.slice(join(scratch(), 'coco-dev').length + 1)).sort()).toEqual(['suites/NOT-SHIPPED.md', 'suites/summary.json']);
  const notice = readFileSync(join(scratch(), 'coco-dev', 'suites', 'NOT-SHIPPED.md'), 'utf8');
  expect(notice).toContain('release v0.9.0 does not ship runtime class kata-qemu-coco-dev');
  expect(notice).toContain('writes no manifests');
});
