import { expect, test } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { storedNodeContainers } from '../../harness/providers/kind/kind-cleanup.ts';
import { KIND_LAYOUT } from '../../harness/providers/kind/kind-engine.ts';
import { freshFolder, scratchDirectory } from '../lib/scratch-directory.ts';

const scratch = scratchDirectory('kind-engine');

/** What `cleanup` counts as left over when the kind engine is stopped: the node containers its data root still holds.
 *  The data root is a DOUBLE written here: containers/<id>/config.v2.json with the fields of moby's own record of a
 *  container (v20.10.24, Debian's dockerd here: container/container.go:46 configFileName, :77 Name, :73 Config;
 *  api/types/container/config.go:65 Labels), not recorded from an engine. */
function dataRoot(containers: Record<string, unknown>): string {
  const root = freshFolder(scratch);
  for (const [id, record] of Object.entries(containers)) {
    mkdirSync(join(root, 'containers', id), { recursive: true });
    writeFileSync(join(root, 'containers', id, 'config.v2.json'), typeof record === 'string' ? record : JSON.stringify(record));
  }
  return root;
}

test('a stopped engine\'s kind node containers are found by kind\'s cluster label; other containers and unreadable records are not', () => {
  const root = dataRoot({
    a1: { Name: '/coco-1a2b3c4d-control-plane', Config: { Labels: { [KIND_LAYOUT.clusterLabel]: 'coco-1a2b3c4d', 'io.x-k8s.kind.role': 'control-plane' } } },
    b2: { Name: '/registry', Config: { Labels: {} } },
    c3: '{"Name": "/half-writ',
  });
  mkdirSync(join(root, 'containers', 'd4')); // a folder without a record yet
  expect(storedNodeContainers(root)).toEqual(['coco-1a2b3c4d-control-plane']);
});

test('an engine that never ran (no containers folder) keeps nothing', () => {
  expect(storedNodeContainers(freshFolder(scratch))).toEqual([]);
});
