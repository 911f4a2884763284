import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateAdminKeyPair, KbsDouble, loadAdminPublicKey } from '../../lib/kbs/index.ts';
import { encodedReleases, loadRelease } from '../../matrix/index.ts';
import { kbsDoubleDescription } from './control-platform-setup.ts';

/** The KBS test double the control run uses, on its own, for the developer path: the suites run against a cluster
 *  the harness did not create (`KUBECONFIG=… COCO_PLATFORM=control npx playwright test --grep @attestation`) need a
 *  KBS to set resources in; on the control platform nothing in the cluster reads them, so the double serves. Prints
 *  the environment the suites read (COCO_KBS_URL, COCO_KBS_ADMIN_KEY, COCO_KBS_DOUBLE, COCO_RELEASE), then serves
 *  until SIGINT or SIGTERM and removes its admin key pair.
 *  Usage: npx tsx harness/platforms/serve-kbs-double.ts [--release vX] [--host 127.0.0.1] [--port 0] */
const { values } = parseArgs({ options: { release: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' } } });
const release = values.release ?? encodedReleases().at(-1)!;
const port = Number(values.port ?? '0');
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve-kbs-double: --port must be a port number, got ${values.port}`);
  process.exit(2);
}
const profile = loadRelease(release);
const keyDir = mkdtempSync(join(tmpdir(), 'coco-kbs-double-'));
const keys = generateAdminKeyPair(keyDir);
const kbs = await new KbsDouble({ adminPublicKey: loadAdminPublicKey(keys.publicKeyFile), kbs: profile.kbs, host: values.host ?? '127.0.0.1', port }).start();
const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
console.log(`# ${kbsDoubleDescription(profile.kbs)}`);
console.log(`export COCO_RELEASE=${release}`);
console.log(`export COCO_KBS_URL=${kbs.url}`);
console.log(`export COCO_KBS_ADMIN_KEY=${keys.privateKeyFile}`);
console.log(`export COCO_KBS_DOUBLE=${quote(kbsDoubleDescription(profile.kbs))}`);
console.log('# serving until Ctrl-C');
const stop = async () => {
  await kbs.stop();
  rmSync(keyDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
