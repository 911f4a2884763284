import { expect, test } from '@playwright/test';
import { encodedReleases, expandCells, FEATURES, InputError, loadRunnerMatrix, type CellFilter, type RunnerMatrix } from '../../matrix/index.ts';
import { SOURCE_ROOT } from '../../matrix/source-root.ts';

process.chdir(SOURCE_ROOT);

const MATRIX: RunnerMatrix = {
  schemaVersion: 1,
  name: 'table',
  file: 'table.yaml',
  runners: [
    {
      name: 'snp-01', platform: 'snp', arch: 'x86_64',
      runs: [
        { releases: ['v0.9.0'], cluster: { distro: 'kubeadm', kubernetes: '1.30' }, containerRuntime: 'containerd', pullModes: ['nydus', 'forced'] },
        { releases: ['v0.9.0', 'v0.10.0'], cluster: { distro: 'existing' }, containerRuntime: 'containerd', pullModes: ['nydus'],
          suites: ['attestation', 'sealed-secrets'], required: false },
      ],
    },
    {
      name: 'dev-01', platform: 'coco-dev', arch: 'x86_64',
      runs: [{ releases: ['v0.9.0'], cluster: { distro: 'kind', kubernetes: '1.30' }, containerRuntime: 'containerd', pullModes: ['nydus'] }],
    },
  ],
};

const ALL_IDS = [
  'v0.9.0/snp/kubeadm-1.30/containerd/nydus',
  'v0.9.0/snp/kubeadm-1.30/containerd/forced',
  'v0.9.0/snp/existing/containerd/nydus',
  'v0.10.0/snp/existing/containerd/nydus',
  'v0.9.0/coco-dev/kind-1.30/containerd/nydus',
];

const ROWS: Array<{ name: string; filter: CellFilter; ids: string[]; suites?: string[][] }> = [
  { name: 'no filter: every release × pull mode, in matrix order', filter: {}, ids: ALL_IDS },
  { name: 'by runner', filter: { runner: 'dev-01' }, ids: ['v0.9.0/coco-dev/kind-1.30/containerd/nydus'] },
  { name: 'by platform', filter: { platform: 'snp' }, ids: ALL_IDS.slice(0, 4) },
  { name: 'by cell id', filter: { cell: 'v0.10.0/snp/existing/containerd/nydus' }, ids: ['v0.10.0/snp/existing/containerd/nydus'] },
  { name: 'by suite: narrows suites, drops cells without them', filter: { suites: ['sealed-secrets', 'guest-pull'] }, ids: ALL_IDS,
    suites: [['sealed-secrets', 'guest-pull'], ['sealed-secrets', 'guest-pull'], ['sealed-secrets'], ['sealed-secrets'], ['sealed-secrets', 'guest-pull']] },
  { name: 'by suite outside a narrowed run', filter: { suites: ['tee-evidence'] }, ids: [ALL_IDS[0]!, ALL_IDS[1]!, ALL_IDS[4]!] },
  { name: 'runner and suite together', filter: { runner: 'snp-01', suites: ['attestation'] }, ids: ALL_IDS.slice(0, 4) },
];

for (const row of ROWS) {
  test(`expand: ${row.name}`, () => {
    const cells = expandCells(MATRIX, row.filter);
    expect(cells.map((c) => c.id)).toEqual(row.ids);
    if (row.suites) expect(cells.map((c) => c.suites)).toEqual(row.suites);
  });
}

test('a cell carries its runner, release, platform, cluster, runtime, pull mode; suites default to all, required to true', () => {
  const [first, , existing] = expandCells(MATRIX);
  expect(first).toEqual({
    id: 'v0.9.0/snp/kubeadm-1.30/containerd/nydus', runner: 'snp-01', release: 'v0.9.0', platform: 'snp', arch: 'x86_64',
    cluster: { distro: 'kubeadm', kubernetes: '1.30' }, containerRuntime: 'containerd', pullMode: 'nydus', suites: [...FEATURES], required: true,
  });
  expect(existing?.required).toBe(false);
});

const BAD_FILTERS: Array<{ filter: CellFilter; message: string }> = [
  { filter: { runner: 'tdx-01' }, message: 'table.yaml: runners: no runner named "tdx-01" (runners: snp-01, dev-01)' },
  { filter: { platform: 'sgx' }, message: 'table.yaml: runners: unknown platform "sgx" (expected one of: tdx, snp, sev, se, coco-dev, enclave-cc-hw, enclave-cc-sim, control, nvidia-gpu-snp, nvidia-gpu-tdx)' },
  { filter: { suites: ['attestations'] }, message: `table.yaml: runners: unknown suite "attestations" (expected one of: ${FEATURES.join(', ')})` },
  { filter: { cell: 'v0.9.0/snp' }, message: `table.yaml: runners: no cell "v0.9.0/snp" (cells: ${ALL_IDS.join(', ')})` },
  { filter: { platform: 'tdx' }, message: 'table.yaml: runners: no cell matches platform tdx' },
  { filter: { runner: 'dev-01', platform: 'snp' }, message: 'table.yaml: runners: no cell matches runner dev-01, platform snp' },
];

for (const { filter, message } of BAD_FILTERS) {
  test(`a filter that matches nothing is an input error: ${JSON.stringify(filter)}`, () => {
    expect(() => expandCells(MATRIX, filter)).toThrow(new InputError('table.yaml', 'runners', message.replace(/^table\.yaml: runners: /, '')));
  });
}

test('two runners may run the same stack (the report shows a cell\'s runners); one runner twice is refused, in a matrix built in code too', () => {
  const twoRunners: RunnerMatrix = { ...MATRIX, runners: [MATRIX.runners[1]!, { ...MATRIX.runners[1]!, name: 'dev-02' }] };
  expect(expandCells(twoRunners).map((cell) => `${cell.runner} ${cell.id}`)).toEqual([
    'dev-01 v0.9.0/coco-dev/kind-1.30/containerd/nydus', 'dev-02 v0.9.0/coco-dev/kind-1.30/containerd/nydus']);
  const runner = MATRIX.runners[1]!;
  const twice: RunnerMatrix = { ...MATRIX, runners: [{ ...runner, runs: [...runner.runs, ...runner.runs] }] };
  expect(() => expandCells(twice)).toThrow('table.yaml: runners: duplicate cell id "v0.9.0/coco-dev/kind-1.30/containerd/nydus" of runner dev-01');
});

test('the shipped matrices load and expand on the newest release, the nightly with the previous one beside it', () => {
  const [latest, previous] = encodedReleases().slice(-2).reverse();
  const local = expandCells(loadRunnerMatrix('matrix/local.yaml'));
  expect(local).toEqual([
    expect.objectContaining({
      id: `${latest}/control/kubeadm-1.35/containerd/host`, runner: 'local', platform: 'control', release: latest,
      cluster: { distro: 'kubeadm', kubernetes: '1.35', source: 'bundle' }, suites: [...FEATURES],
    }),
  ]);
  const nightly = expandCells(loadRunnerMatrix('matrix/nightly.yaml'));
  // The platforms the current release ships, each runner with the release and its baseline.
  expect(new Set(nightly.map((c) => c.platform))).toEqual(new Set(['tdx', 'snp', 'se', 'coco-dev', 'nvidia-gpu-snp', 'nvidia-gpu-tdx', 'control']));
  for (const runner of new Set(nightly.map((c) => c.runner))) {
    expect(new Set(nightly.filter((c) => c.runner === runner).map((c) => c.release)), runner).toEqual(new Set([latest, previous]));
  }
  expect(nightly.map((c) => c.id)).toEqual(expect.arrayContaining([
    `${latest}/tdx/existing/containerd/nydus`, `${previous}/snp/existing/containerd/nydus`,
    `${latest}/coco-dev/kubeadm-1.34/containerd/forced`,
  ]));
  expect(nightly.find((c) => c.platform === 'se')?.arch).toBe('s390x');
});
