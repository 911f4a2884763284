import { Command, Option } from 'commander';
import type { CommandSyntax, FlagSpec } from './arguments.ts';

/** The CLI's help texts, laid out by commander's help formatter (columns, wrapping to the terminal, choices) from
 *  the same syntax the parser checks against (harness/cli/arguments.ts): the help cannot list a flag the parser does
 *  not take, nor leave one out. Parsing stays ours: its messages are one line each and name the closest flag or
 *  value, where commander's span two lines. */

const PROGRAM = 'coco-conformance';
/** Wide enough for a flag's description on one line in a CI log; commander wraps to the terminal when narrower. */
const HELP_WIDTH = 110;

/** `coco-conformance --help`: the commands with their one-line summaries. */
export function programHelp(version: string, commands: ReadonlyArray<{ name: string; summary: string }>): string {
  const program = new Command(PROGRAM)
    .usage('<command> [flags]')
    .description('Conformance tests and release sign-off for Confidential Containers, driven by a matrix of runners and releases.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print this help')
    .configureHelp({ helpWidth: helpWidth() })
    .helpCommand('help [command]', 'print the help of a command');
  for (const { name, summary } of commands) program.command(name).summary(summary);
  program.command('version').summary('print the version');
  const after = [exitCodeLines({ 0: 'done', 2: 'bad input (one line on stderr)' }), `Each command's flags and exit codes: ${PROGRAM} <command> --help`];
  return [program.helpInformation().trimEnd(), ...after].join('\n\n');
}

/** `coco-conformance <command> --help`: usage, every flag with what it takes and does, the exit codes. */
export function commandHelp(summary: string, syntax: CommandSyntax): string {
  const command = new Command(`${PROGRAM} ${syntax.name}`)
    .usage(`${syntax.operands ? `${syntax.operands.usage} ` : ''}[flags]`)
    .description(summary)
    .helpOption('-h, --help', 'print this help')
    .configureHelp({ helpWidth: helpWidth() });
  for (const [name, spec] of Object.entries(syntax.flags)) command.addOption(optionOf(name, spec));
  const after = [
    ...(syntax.operands ? [`Arguments:\n  ${syntax.operands.usage.padEnd(10)}  ${syntax.operands.description}`] : []),
    ...(syntax.details ? [syntax.details] : []),
    exitCodeLines(syntax.exitCodes),
  ];
  // helpInformation() is the formatter's text alone (addHelpText goes to outputHelp only), so the rest joins here.
  return [command.helpInformation().trimEnd(), ...after].join('\n\n');
}

function optionOf(name: string, spec: FlagSpec): Option {
  if (spec.takes === 'switch') return new Option(`--${name}`, spec.description);
  const value = spec.takes === 'value' ? `<${spec.value}>` : spec.takes === 'list' ? `<${spec.value},…>` : `<${spec.value}…>`;
  const option = new Option(`--${name} ${value}`, spec.description);
  if (spec.choices) option.choices(typeof spec.choices === 'function' ? spec.choices() : spec.choices);
  return option;
}

function exitCodeLines(codes: Record<number, string>): string {
  return ['Exit codes:', ...Object.entries(codes).map(([code, meaning]) => `  ${code.padStart(3)}  ${meaning}`)].join('\n');
}

function helpWidth(): number {
  return Math.min(process.stdout.columns || HELP_WIDTH, HELP_WIDTH);
}
