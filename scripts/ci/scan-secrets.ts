// Scans a run's output folders for the run's actual secret values, after the fact: redaction (lib/exec/redact.ts)
// guards what the harness writes; this proves what was written, whoever wrote it — a log a daemon wrote, an
// attachment, a config file copied into the results. It reads the secrets the run registered from the file that
// COCO_SECRETS_FILE named (one line per secret: `<base64 replacement> <base64 value>`), so it looks for the real
// values, not for patterns.
//
//   tsx scripts/ci/scan-secrets.ts --secrets FILE [--expect-label PREFIX…] FOLDER…
//
// --expect-label guards the scan itself: a secrets file without a secret so labelled means some process's
// registrations never reached it (a worker given another file, say), and a scan for the rest would pass too easily.
//
// Exit 0 with "secret scan: N files, M secrets, no hit"; exit 1 with one line per file and secret found (the
// secret's label and the forms it was found in, never the value); exit 2 for bad input.
//
// The parts: the secrets file (secret-scan/secrets-file.ts), the forms of each secret, shared with the redactor
// (lib/exec/secret-forms.ts), one matcher for all of them (secret-scan/needle-matcher.ts), and the walk over the
// folders that opens gzip files and zip members (secret-scan/scan-folders.ts, secret-scan/zip-members.ts).
import { existsSync, realpathSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { EXIT_BAD_INPUT, InputError } from '../../matrix/input-error.ts';
import { scanFolders } from './secret-scan/scan-folders.ts';
import { checkExpectedLabels, readSecretsFile } from './secret-scan/secrets-file.ts';

interface ScanArguments {
  secretsFile: string;
  expectedLabels: string[];
  folders: string[];
}

function parseArguments(argv: string[]): ScanArguments {
  const folders: string[] = [];
  const expectedLabels: string[] = [];
  let secretsFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--secrets' || arg === '--expect-label') {
      const value = argv[++i];
      if (!value) throw new UsageError(`${arg} needs a value`);
      if (arg === '--secrets') secretsFile = value;
      else expectedLabels.push(value);
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else folders.push(arg);
  }
  if (!secretsFile) throw new UsageError('--secrets FILE is required (the file COCO_SECRETS_FILE named during the run)');
  if (folders.length === 0) throw new UsageError('name at least one output folder to scan');
  const secretsReal = existsSync(secretsFile) ? realpathSync(secretsFile) : resolve(secretsFile);
  for (const folder of folders) {
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`${folder} is not a folder`);
    // The secrets file inside a scanned folder would be found, and would be uploaded with the outputs.
    const folderReal = realpathSync(folder);
    if (secretsReal.startsWith(folderReal + sep)) throw new UsageError(`the secrets file ${secretsFile} lies inside ${folder}; keep it outside every output folder`);
  }
  return { secretsFile, expectedLabels, folders };
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  try {
    const { secretsFile, expectedLabels, folders } = parseArguments(argv);
    const secrets = readSecretsFile(secretsFile);
    checkExpectedLabels(secretsFile, secrets, expectedLabels);
    const result = await scanFolders(folders, secrets);
    for (const line of result.notInspected) console.log(`secret scan: warning: ${line}`);
    for (const line of result.unreadable) console.log(`secret scan: ${line}`);
    for (const line of result.hits) console.log(`secret scan: HIT ${line}`);
    const failures = result.hits.length + result.unreadable.length;
    if (failures === 0) {
      console.log(`secret scan: ${result.files} files, ${secrets.length} secrets, no hit`);
      return 0;
    }
    console.log(`secret scan: ${result.files} files, ${secrets.length} secrets, ${result.hits.length} hits, ${result.unreadable.length} unreadable`);
    return 1;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`secret scan: ${error.message} (usage: tsx scripts/ci/scan-secrets.ts --secrets FILE [--expect-label PREFIX…] FOLDER…)`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof InputError) {
      console.error(`secret scan: ${error.message}`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
