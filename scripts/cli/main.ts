import { InputError, EXIT_BAD_INPUT } from '../../matrix/input-error.ts';
import { CommandError } from '../exec/command-error.ts';
import { closestName, UsageError } from './arguments.ts';

type Command = (argv: string[]) => Promise<number>;

/** Each command lives in its own module and is loaded only when asked for, so `plan` never pays for Playwright. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  plan: { summary: 'expand a matrix and print its cells', load: async () => (await import('./commands/plan.ts')).planCommand },
  run: { summary: 'provision, install, run the suites, write result records', load: async () => (await import('./commands/run.ts')).runCommand },
  report: { summary: 'merge result records into the compatibility report', load: async () => (await import('./commands/report.ts')).reportCommand },
  signoff: { summary: 'release sign-off verdict: exit 0 PASS, 1 FAIL, 3 INCONCLUSIVE', load: async () => (await import('./commands/signoff.ts')).signoffCommand },
  doctor: { summary: 'what this runner has and lacks', load: async () => (await import('./commands/doctor.ts')).doctorCommand },
  cleanup: { summary: 'remove what a killed run left of the local cluster', load: async () => (await import('./commands/cleanup.ts')).cleanupCommand },
  releases: { summary: 'list the encoded releases', load: async () => (await import('./commands/releases.ts')).releasesCommand },
  'diff-release': { summary: 'what changed between two releases', load: async () => (await import('./commands/releases.ts')).diffReleaseCommand },
  'new-release': { summary: 'write a candidate release profile from the previous one and kata\'s versions.yaml', load: async () => (await import('./commands/new-release.ts')).newReleaseCommand },
};

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return ['usage: coco-conformance <command> [options]', '', 'commands:', ...lines, '', 'See README.md for every option.'].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') {
    console.log(usage());
    return 0;
  }
  const names = Object.keys(COMMANDS);
  if (!name) {
    console.error(`coco-conformance: no command given (commands: ${names.join(', ')}; --help says more)`);
    return EXIT_BAD_INPUT;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const closest = closestName(name, names);
    const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
    console.error(`coco-conformance: unknown command ${shown}${closest ? `; did you mean ${closest}?` : ''} (commands: ${names.join(', ')})`);
    return EXIT_BAD_INPUT;
  }
  try {
    return await (await command.load())(rest);
  } catch (error) {
    if (error instanceof InputError) {
      console.error(`error: ${error.message}`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof UsageError) {
      console.error(`coco-conformance ${name}: ${error.message}`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof CommandError) {
      console.error(`ERROR: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
