import { readFileSync } from 'node:fs';
import { escapeControls, EXIT_BAD_INPUT, InputError } from '../../matrix/input-error.ts';
import { sourcePath } from '../../matrix/source-root.ts';
import { CommandError } from '../../lib/exec/command-error.ts';
import { closestName, HelpRequested, quote, UsageError } from './arguments.ts';

type Command = (argv: string[]) => Promise<number>;

/** Every command: its name, its one line in `--help`, and its module, loaded only when asked for (so `plan` never
 *  pays for Playwright). Adding a command is one entry here; its module exports the function and parses its flags
 *  against its CommandSyntax (harness/cli/arguments.ts), which also makes its --help. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  plan: { summary: 'expand a matrix and print its cells', load: async () => (await import('./commands/plan.ts')).planCommand },
  run: { summary: 'provision, install, run the suites, write result records', load: async () => (await import('./commands/run.ts')).runCommand },
  report: { summary: 'merge result records into the compatibility report', load: async () => (await import('./commands/report.ts')).reportCommand },
  signoff: { summary: 'release sign-off verdict: exit 0 PASS, 1 FAIL, 3 INCONCLUSIVE', load: async () => (await import('./commands/signoff.ts')).signoffCommand },
  doctor: { summary: 'what this runner has and lacks; exit 1 when a run would miss something', load: async () => (await import('./commands/doctor.ts')).doctorCommand },
  cleanup: { summary: 'remove what a killed run left of the local cluster', load: async () => (await import('./commands/cleanup.ts')).cleanupCommand },
  releases: { summary: 'list the encoded releases', load: async () => (await import('./commands/releases.ts')).releasesCommand },
  'diff-release': { summary: 'what changed between two releases', load: async () => (await import('./commands/releases.ts')).diffReleaseCommand },
  import: { summary: 'turn upstream CI\'s bats results (TAP or JUnit) into result records', load: async () => (await import('./commands/import.ts')).importCommand },
  'new-release': { summary: 'write a candidate release profile from the previous one and kata\'s versions.yaml', load: async () => (await import('./commands/new-release.ts')).newReleaseCommand },
};

/** An error line never runs longer than this: a message quoting a 100 KB argument is cut, not echoed whole. */
const MAX_ERROR_CHARS = 2_400;

/** The harness's version: package.json's. */
export function harnessVersion(): string {
  return (JSON.parse(readFileSync(sourcePath('package.json'), 'utf8')) as { version: string }).version;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const names = Object.keys(COMMANDS);
  if (name === '--version' || name === '-V' || name === 'version') {
    if (name === 'version' && rest.length) return fail(`version takes no arguments (got ${quote(rest[0]!)})`);
    console.log(`coco-conformance ${harnessVersion()} (node ${process.version})`);
    return 0;
  }
  if (name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    const { programHelp } = await import('./help.ts');
    console.log(programHelp(harnessVersion(), names.map((command) => ({ name: command, summary: COMMANDS[command]!.summary }))));
    return 0;
  }
  if (name === 'help') return main([rest[0]!, '--help']);
  if (!name) return fail(`no command given (commands: ${names.join(', ')}; --help says more)`);
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const closest = closestName(name, [...names, 'version', 'help']);
    return fail(`unknown command ${quote(name)}${closest ? `; did you mean ${closest}?` : ''} (commands: ${names.join(', ')})`);
  }
  try {
    return await (await command.load())(rest);
  } catch (error) {
    if (error instanceof HelpRequested) {
      const { commandHelp } = await import('./help.ts');
      console.log(commandHelp(command.summary, error.syntax));
      return 0;
    }
    if (error instanceof InputError || error instanceof UsageError) return fail(error.message);
    if (error instanceof CommandError) {
      // Not bad input: the failed command, its exit code and the tail of its stderr, over several lines.
      console.error(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** Bad input, as every command reports it: one line, `error: …`, on stderr; exit 2. */
function fail(message: string): number {
  const line = escapeControls(message);
  console.error(`error: ${line.length > MAX_ERROR_CHARS ? `${line.slice(0, MAX_ERROR_CHARS)}… (cut; ${line.length} characters)` : line}`);
  return EXIT_BAD_INPUT;
}
