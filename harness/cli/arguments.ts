import { parseArgs } from 'node:util';
import { encodedPlatformIds, encodedReleases, FEATURES, RELEASE_KEYWORDS } from '../../matrix/index.ts';

/** A wrong flag, a flag without its value, a value the flag does not take, a missing argument: one line, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What a flag takes:
 *  - `switch`: nothing (`--json`);
 *  - `value`: one value (`--matrix FILE`, `--matrix=FILE`);
 *  - `list`: one value, comma-separated (`--format html,md`);
 *  - `values`: one or more, up to the next flag, each also comma-separated when `commas` (`--suite a b`, `--suite a,b`);
 *    the flag may be given again, adding to the list.
 *  `choices` limits the values (for value, list and values); an unknown one is named with the closest choice. Choices
 *  that are data (the platforms the release profiles define) are a function, read only when the flag is given (or
 *  its command's --help shown). Every flag has a `description` (its line in --help) and every flag with a value the
 *  name of that value (`FILE`, `NIGHTS`). */
export type Choices = readonly string[] | (() => readonly string[]);
export type FlagSpec =
  | { takes: 'switch'; description: string }
  | { takes: 'value' | 'list'; value: string; description: string; choices?: Choices }
  | { takes: 'values'; value: string; description: string; choices?: Choices; commas?: boolean };

export type FlagSpecs = Record<string, FlagSpec>;

/** A command's syntax: its flags, the arguments no flag takes, and what its exit codes mean. The parser checks
 *  against it and --help renders it (harness/cli/help.ts), so a flag cannot exist undescribed. */
export interface CommandSyntax<S extends FlagSpecs = FlagSpecs> {
  name: string;
  /** The arguments no flag takes (`RESULTS…`) and what they are; a command without them refuses any. */
  operands?: { usage: string; description: string };
  flags: S;
  /** Every exit code the command can end with, and its meaning (0 and 2 included). */
  exitCodes: Record<number, string>;
  /** A paragraph after the flags: defaults, examples, where the output goes. */
  details?: string;
}

/** `--help` or `-h` was given: nothing else is checked, and the CLI prints the command's help (exit 0). */
export class HelpRequested extends Error {
  override name = 'HelpRequested';
  constructor(readonly syntax: CommandSyntax) {
    super(`help for ${syntax.name}`);
  }
}

/** The exit codes every command shares. */
export const EXIT_CODES = {
  0: 'done',
  1: 'a command the harness ran failed',
  2: 'bad input: an unknown flag or value, a missing argument, a file that is not what it should be (one line on stderr)',
} as const;

/** The flags that choose cells of a runner matrix, as `plan` and `run` take them. */
export const CELL_SELECTION_FLAGS = {
  matrix: { takes: 'value', value: 'FILE', description: 'the runner matrix (default: matrix/local.yaml, one local runner on the control platform)' },
  runner: { takes: 'value', value: 'NAME', description: 'only the cells of this runner' },
  cell: { takes: 'value', value: 'ID', description: 'only this cell (an id as `plan` prints it)' },
  platform: { takes: 'value', value: 'PLATFORM', description: 'only the cells of this platform', choices: () => encodedPlatformIds() },
  suite: { takes: 'values', value: 'SUITE', description: 'only these suites (one or more, also comma-separated)', choices: FEATURES, commas: true },
} as const satisfies FlagSpecs;

/** The parsed flags, by name (without the dashes): true, a string, or a list of strings. */
export type ParsedFlags<S extends FlagSpecs> = {
  [K in keyof S]?: S[K] extends { takes: 'switch' } ? true : S[K] extends { takes: 'value' } ? string : string[];
};

export interface ParsedArguments<S extends FlagSpecs> {
  flags: ParsedFlags<S>;
  /** The arguments no flag took (after `--`, everything). */
  positionals: string[];
}

/** Parses a command's arguments against its syntax, on node:util's parseArgs (which gives `--flag=value`, `--` and
 *  `-h`); the checks and every message are ours, so each problem is one line that names the flag:
 *  `unknown flag --matirx; did you mean --matrix?`, `--matrix needs a value`, `--suite: unknown value "nosuch" …`.
 *  A command without operands refuses arguments that no flag took. `--help` throws HelpRequested. */
export function parseArguments<S extends FlagSpecs>(argv: readonly string[], syntax: CommandSyntax<S>): ParsedArguments<S> {
  const specs = syntax.flags;
  const parseOptions = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [name, { type: spec.takes === 'switch' ? ('boolean' as const) : ('string' as const) }]),
  );
  const { tokens } = parseArgs({
    args: [...argv],
    options: { ...parseOptions, help: { type: 'boolean', short: 'h' } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  if (tokens.some((token) => token.kind === 'option' && token.name === 'help')) throw new HelpRequested(syntax as unknown as CommandSyntax);

  const flags: Record<string, true | string | string[]> = {};
  const positionals: string[] = [];
  /** The `values` flag that takes the positionals right after it, until the next flag. */
  let collecting: { name: string; spec: FlagSpec } | undefined;
  for (const token of tokens) {
    if (token.kind === 'option-terminator') {
      collecting = undefined;
      continue;
    }
    if (token.kind === 'positional') {
      if (collecting) addValues(flags, collecting.name, collecting.spec, token.value);
      else if (syntax.operands) positionals.push(token.value);
      else throw new UsageError(`unexpected argument ${quote(token.value)} (this command takes flags only)`);
      continue;
    }
    collecting = undefined;
    const spec = Object.hasOwn(specs, token.name) ? specs[token.name] : undefined;
    if (!spec) throw new UsageError(unknownFlag(token.rawName, Object.keys(specs)));
    const flag = `--${token.name}`;
    if (spec.takes === 'switch') {
      if (token.value !== undefined) throw new UsageError(`${flag} takes no value (got ${quote(token.value)})`);
      flags[token.name] = true;
      continue;
    }
    // parseArgs gives a flag the next argument even when that is another flag: `--matrix --json` lacks a value. A
    // negative number (`--history -3`) is a value, which the flag's own check then judges.
    const value = token.value;
    if (value === undefined || value === '' || (!token.inlineValue && value.startsWith('-') && value !== '-' && !/^-\d/.test(value))) {
      throw new UsageError(`${flag} needs a value`);
    }
    if (spec.takes === 'values') {
      addValues(flags, token.name, spec, value);
      collecting = { name: token.name, spec };
      continue;
    }
    if (token.name in flags) throw new UsageError(`${flag} is given twice`);
    if (spec.takes === 'value') {
      checkChoices(flag, [value], spec.choices);
      flags[token.name] = value;
    } else {
      const items = value.split(',').map((item) => item.trim()).filter(Boolean);
      if (items.length === 0) throw new UsageError(`${flag} needs a value`);
      checkChoices(flag, items, spec.choices);
      flags[token.name] = items;
    }
  }
  return { flags: flags as ParsedFlags<S>, positionals };
}

function addValues(flags: Record<string, true | string | string[]>, name: string, spec: FlagSpec, value: string): void {
  const items = spec.takes === 'values' && spec.commas ? value.split(',').map((item) => item.trim()).filter(Boolean) : [value];
  if (items.length === 0) throw new UsageError(`--${name} needs a value`);
  checkChoices(`--${name}`, items, spec.takes === 'switch' ? undefined : spec.choices);
  flags[name] = [...((flags[name] as string[] | undefined) ?? []), ...items];
}

function checkChoices(flag: string, values: readonly string[], choicesSpec: Choices | undefined): void {
  if (!choicesSpec) return;
  const choices = typeof choicesSpec === 'function' ? choicesSpec() : choicesSpec;
  const unknown = values.find((value) => !choices.includes(value));
  if (unknown === undefined) return;
  const closest = closestName(unknown, choices);
  const hint = closest ? `; did you mean ${closest}?` : '';
  throw new UsageError(`${flag}: unknown value ${quote(unknown)}${hint} (expected one of: ${choices.join(', ')})`);
}

function unknownFlag(rawName: string, names: readonly string[]): string {
  const given = rawName.replace(/^-+/, '');
  const closest = closestName(given, names);
  if (closest) return `unknown flag ${quote(rawName, false)}; did you mean --${closest}?`;
  return `unknown flag ${quote(rawName, false)} (flags: ${[...names, 'help'].map((name) => `--${name}`).join(', ')})`;
}

/** A release named on the command line (`--release`, `diff-release vA vB`) is one of the encoded release tags.
 *  Anything else — `0.9.0`, a typo, `../local` — is one line with the closest tag and the list, never a file read. */
export function checkReleaseTag(release: string, flag?: string): string {
  const releases = encodedReleases();
  // The matrix keywords (latest, previous) name a release too; report and signoff resolve them.
  if (releases.includes(release) || (RELEASE_KEYWORDS as readonly string[]).includes(release)) return release;
  // `0.9.0` and `matrix/releases/v0.9.0.yaml` both meant v0.9.0.
  const bare = release.slice(release.lastIndexOf('/') + 1).replace(/\.ya?ml$/, '');
  const closest = [bare, `v${bare}`].find((tag) => releases.includes(tag)) ?? closestName(release, releases);
  throw new UsageError(`${flag ? `${flag}: ` : ''}unknown release ${quote(release)}${closest ? `; did you mean ${closest}?` : ''} ` +
    `(releases: ${[...releases, ...RELEASE_KEYWORDS].join(', ')})`);
}

/** The name a typo most likely meant: the one fewest edits away (a swap of two neighbours counts as one edit), within
 *  a third of the name's length, or the only name that starts with what was typed. Undefined when nothing is close. */
export function closestName(typed: string, names: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(lower.length / 3)) + 1;
  for (const name of names) {
    const distance = editDistance(lower, name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  if (best !== undefined) return best;
  const extending = lower.length >= 3 ? names.filter((name) => name.toLowerCase().startsWith(lower)) : [];
  return extending.length === 1 ? extending[0] : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and transpositions of neighbours. */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return Math.abs(a.length - b.length);
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = distance;
    }
  }
  return rows[a.length]![b.length]!;
}

/** An argument as a message shows it: quoted (unless `quoted` is false) and cut short, since it may be anything. */
export function quote(text: string, quoted = true): string {
  const short = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return quoted ? JSON.stringify(short) : JSON.stringify(short).slice(1, -1);
}
