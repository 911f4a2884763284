import fc from 'fast-check';

/** Mutations of a real input file, as fast-check values: each is a small edit a person, a crashed writer or a
 *  hostile file could make — insert a fragment that means something to the format, delete or repeat a stretch,
 *  cut the file, move or re-indent a line, splice in a line of another file, or corrupt raw bytes. fast-check
 *  shrinks a failing list of edits to the fewest that still fail. */
export type Mutation =
  | { kind: 'insert'; at: number; fragment: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'repeat'; at: number; length: number; times: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'swap-lines'; at: number; other: number }
  | { kind: 'reindent'; at: number; by: number }
  | { kind: 'splice-line'; at: number; donor: number }
  | { kind: 'byte'; at: number; byte: number };

/** Positions are drawn as large numbers and taken modulo the current length, so an edit stays valid whatever the
 *  edits before it did to the text. */
const position = fc.nat({ max: 1_000_000 });

export function mutationsOf(fragments: readonly string[], maxEdits = 6): fc.Arbitrary<Mutation[]> {
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: position, fragment: fc.oneof(fc.constantFrom(...fragments), fc.string({ unit: 'binary', maxLength: 4 })) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 40 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), at: position, length: fc.integer({ min: 1, max: 80 }), times: fc.integer({ min: 1, max: 30 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: position }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('swap-lines' as const), at: position, other: position }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('reindent' as const), at: position, by: fc.integer({ min: -6, max: 6 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('splice-line' as const), at: position, donor: position }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('byte' as const), at: position, byte: fc.integer({ min: 0, max: 255 }) }) },
  );
  return fc.array(mutation, { minLength: 1, maxLength: maxEdits });
}

/** Applies the edits to `text` (line splices take their line from `donor`), then the raw byte edits to its UTF-8. */
export function applyMutations(text: string, mutations: readonly Mutation[], donor: string): Buffer {
  const donorLines = donor.split('\n');
  let out = text;
  for (const m of mutations) {
    const at = m.at % (out.length + 1);
    switch (m.kind) {
      case 'insert': out = out.slice(0, at) + m.fragment + out.slice(at); break;
      case 'delete': out = out.slice(0, at) + out.slice(at + m.length); break;
      case 'repeat': out = out.slice(0, at) + out.slice(at, at + m.length).repeat(m.times + 1) + out.slice(at + m.length); break;
      case 'truncate': out = out.slice(0, at); break;
      case 'swap-lines': {
        const lines = out.split('\n');
        const a = m.at % lines.length;
        const b = m.other % lines.length;
        [lines[a], lines[b]] = [lines[b]!, lines[a]!];
        out = lines.join('\n');
        break;
      }
      case 'reindent': {
        const lines = out.split('\n');
        const index = m.at % lines.length;
        const line = lines[index]!;
        lines[index] = m.by >= 0 ? ' '.repeat(m.by) + line : line.replace(new RegExp(`^ {0,${-m.by}}`), '');
        out = lines.join('\n');
        break;
      }
      case 'splice-line': {
        const lines = out.split('\n');
        lines.splice(m.at % (lines.length + 1), 0, donorLines[m.donor % donorLines.length]!);
        out = lines.join('\n');
        break;
      }
      case 'byte': break; // applied to the bytes below
    }
  }
  const bytes = Buffer.from(out, 'utf8');
  for (const m of mutations) if (m.kind === 'byte' && bytes.length > 0) bytes[m.at % bytes.length] = m.byte;
  return bytes;
}

/** Fragments that mean something in YAML: indicators, anchors and aliases (an alias bomb in two lines), tags,
 *  directives, document markers, quotes, tabs, line breaks, control and non-BMP characters, deep nesting. */
export const YAML_FRAGMENTS = [
  ': ', '- ', '? ', '[', ']', '{', '}', ', ', '&a ', '*a', '&b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', '*b',
  'x: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ny: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n', '&loop [*loop]', '*nowhere',
  '!!binary ', '!!str ', '!!int ', '!custom ', '!<tag:x> ', '<<: *a\n', '%YAML 1.1\n---\n', '%TAG ! tag:x:\n', '---\n', '...\n',
  '|\n', '>-\n', "'", '"', '\\', '\\u', '# ', '\t', '\n', '\r\n', '\r', '    ', '~', 'null', 'true', '1.30', '1e400', '0x1F', '.nan',
  '__proto__: ', 'constructor: ', 'prototype: ', 'toString: ', '\u0000', '\u001b[2J', '\uFEFF', '\u0085', '\u2028', '\uD800', '😀',
  '['.repeat(70), '{a: '.repeat(70), '- '.repeat(70), `${'x'.repeat(5000)}`, '? [a, b]\n: c\n', 'releases: [v0.8.0]', 'platform: tdx',
  'distro: kind', 'kubernetes: 1.30', 'status: supported', 'required: maybe',
];

/** Fragments that mean something in JSON: brackets, separators, escapes, literals cut short, numbers out of range,
 *  control characters, a BOM, a line separator, deep nesting, and record fields with wrong values. */
export const JSON_FRAGMENTS = [
  '{', '}', '[', ']', ',', ':', '"', '\\', '\\u12', '\\ud800', 'true', 'nul', 'fals', '-', '1e', '0.5', '01', '1e999', '-0',
  ' ', '\n', '\t', '\u0000', '\u001f', '\u2028', '\uFEFF', '😀', '['.repeat(200), '{"a":'.repeat(200), '"schemaVersion": 2, ',
  '"schemaVersion": "1", ', '"tests": {}, ', '"tests": [[[[]]]], ', '"outcome": "sort-of", ', '"status": "running", ', '"runId": 7, ',
  '"__proto__": {"x": 1}, ', '"extra": null, ',
];
