import type { Document, LineCounter, Node } from 'yaml';
import { loadOnFirstUse } from './load-on-first-use.ts';
import type { PathSegment } from './object-path.ts';

/** The YAML library, loaded when a first file is parsed: a start whose profiles come from the profile cache reads no
 *  YAML. */
export const yamlLibrary = loadOnFirstUse<typeof import('yaml')>('yaml');

/** What a matrix or profile may hold. The real ones are a few kilobytes, about 8 levels deep, with a dozen aliases;
 *  the limits are far above that and far below what exhausts the parser, the schema checks or the terminal. */
export const YAML_LIMITS = {
  /** Bytes in one file: the largest profile is under 30 KB. The parser's cost grows with the file; at this limit its
   *  worst case (one flow list of 130,000 items) takes 1–2 s and about 230 MB (scripts/bench/hostile-inputs.ts),
   *  at 1 MiB 4.6 s and 600 MB. */
  maxBytes: 256 * 1024,
  /** Maps and lists nested in one another, counting what aliases bring in. */
  maxDepth: 64,
  /** Values that aliases repeat, in all: an alias of a list of aliases multiplies ("billion laughs"). */
  maxAliasExpansion: 10_000,
} as const;

/** The parser itself holds one entry per open level: stopping it well past maxDepth keeps a file of a million `[`
 *  from exhausting its memory, while nesting between the two limits still gets the precise message, with its path,
 *  from checkYamlStructure. */
const PARSER_DEPTH_GUARD = YAML_LIMITS.maxDepth * 4;

/** A problem found in a file's text or structure: where (offset or node) and what. */
export interface YamlProblem {
  offset: number;
  path: PathSegment[];
  problem: string;
}

/** Characters YAML does not allow in a stream (YAML 1.2 §5.1: printable characters only, tab and line breaks aside).
 *  Any of them means a binary file, or text with a stray control code. */
const NOT_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first character that is not allowed in YAML text, named by code point only (never the content around it). */
export function findUnprintable(text: string): YamlProblem | undefined {
  const match = NOT_PRINTABLE.exec(text);
  if (!match) return undefined;
  const codePoint = match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return { offset: match.index, path: [], problem: `not a YAML text file (U+${codePoint} is not a printable character)` };
}

/** Parses the text as one YAML document (syntax errors are in its `errors`), or names what stops it: nesting past
 *  the parser's guard, or a second document. Duplicate keys are left to checkYamlStructure: the library's own check
 *  compares every key with every other (a minute for a file of 60,000 keys). */
export function parseOneDocument(text: string, lines: LineCounter): Document.Parsed | YamlProblem {
  const { Composer, Lexer, Parser } = yamlLibrary();
  const parser = new Parser(lines.addNewLine);
  const tooDeep = { offset: 0, path: [], problem: `nested more than ${YAML_LIMITS.maxDepth} levels deep; the limit is ${YAML_LIMITS.maxDepth}` };
  class TooDeep extends Error {}
  function* tokens() {
    lines.addNewLine(0);
    for (const lexeme of new Lexer().lex(text)) {
      yield* parser.next(lexeme);
      if (parser.stack.length > PARSER_DEPTH_GUARD) {
        tooDeep.offset = parser.offset;
        throw new TooDeep();
      }
    }
    yield* parser.end();
  }
  // logLevel 'error': the library would otherwise print its warnings on stderr itself.
  const composer = new Composer({ uniqueKeys: false, logLevel: 'error' });
  let document: Document.Parsed | undefined;
  try {
    for (const next of composer.compose(tokens(), true, text.length)) {
      if (document) return { offset: next.range[0], path: [], problem: 'holds more than one YAML document (a second "---" line?)' };
      document = next;
    }
  } catch (error) {
    if (error instanceof TooDeep) return tooDeep;
    throw error;
  }
  return document!; // compose(…, forceDoc = true) always ends with a document
}

/** Keys that every JavaScript object answers to (`constructor`, `__proto__`, `toString`, …). No schema uses one, and
 *  code that looks a key up in a plain object would find the prototype's member instead of nothing. */
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

interface Measure {
  /** Levels of maps and lists at and below a node, aliases expanded. */
  depth: number;
  /** Values at and below a node, aliases expanded. */
  size: number;
}

/** Checks a parsed document before it becomes JavaScript values: nesting depth (aliases expanded), what aliases
 *  repeat in all, aliases without an anchor or inside the node they name (a cycle no check could walk), map keys
 *  that are not plain values (a map or list as a key), duplicate keys, and keys named like Object.prototype's
 *  members. Walks each node once: an alias takes the measure of its anchor, taken when the anchor was walked. */
export function checkYamlStructure(document: Document, lines: LineCounter): YamlProblem | undefined {
  const { isAlias, isMap, isScalar, isSeq } = yamlLibrary();
  const anchors = new Map<string, Node>();
  const measured = new Map<Node, Measure>();
  const open = new Set<Node>();
  let expansion = 0;

  class Found extends Error {
    constructor(readonly found: YamlProblem) {
      super(found.problem);
    }
  }
  const fail = (node: Node, path: PathSegment[], problem: string): never => {
    throw new Found({ offset: node.range?.[0] ?? 0, path, problem });
  };

  /** `level`: how many maps and lists enclose the node. */
  const visit = (node: unknown, path: PathSegment[], level: number): Measure => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target) return fail(node, path, `alias *${node.source} has no anchor &${node.source} before it`);
      if (open.has(target)) return fail(node, path, `alias *${node.source} is inside the node it names`);
      const measure = measured.get(target)!;
      if (level + measure.depth > YAML_LIMITS.maxDepth) {
        fail(node, path, `nested ${level + measure.depth} levels deep through alias *${node.source}; the limit is ${YAML_LIMITS.maxDepth}`);
      }
      expansion += measure.size;
      if (expansion > YAML_LIMITS.maxAliasExpansion) {
        fail(node, path, `aliases repeat more than ${YAML_LIMITS.maxAliasExpansion} values in all; the limit is ${YAML_LIMITS.maxAliasExpansion}`);
      }
      return measure;
    }
    if (!isMap(node) && !isSeq(node)) {
      const measure = { depth: 0, size: 1 };
      if (isScalar(node) && node.anchor) {
        anchors.set(node.anchor, node);
        measured.set(node, measure);
      }
      return measure;
    }
    if (level + 1 > YAML_LIMITS.maxDepth) fail(node, path, `nested ${level + 1} levels deep; the limit is ${YAML_LIMITS.maxDepth}`);
    if (node.anchor) anchors.set(node.anchor, node);
    open.add(node);
    let depth = 0;
    let size = 1;
    const add = (child: Measure) => {
      depth = Math.max(depth, child.depth);
      size += child.size;
    };
    if (isMap(node)) {
      const keys = new Map<string, Node>();
      for (const pair of node.items) {
        const key = pair.key as unknown;
        if (key !== null && !isScalar(key)) {
          fail(key as Node, path, `a map key must be a plain value, not ${isAlias(key) ? 'an alias' : isMap(key) ? 'a map' : 'a list'}`);
        }
        // The key as the JavaScript object will have it: 1 and "1" are the same key, and a null key (`~: x`, `: x`) is "".
        const name = isScalar(key) && key.value !== null ? String(key.value) : '';
        const at = (key ?? node) as Node;
        if (PROTOTYPE_NAMES.has(name)) fail(at, [...path, name], `a key named ${JSON.stringify(name)} is not allowed (every JavaScript object already has one)`);
        const first = keys.get(name);
        if (first) fail(at, [...path, name], `duplicate key (first at line ${lines.linePos(first.range?.[0] ?? 0).line})`);
        keys.set(name, at);
        if (isScalar(key)) add(visit(key, path, level + 1));
        add(visit(pair.value, [...path, name], level + 1));
      }
    } else {
      node.items.forEach((item, index) => add(visit(item, [...path, index], level + 1)));
    }
    open.delete(node);
    const measure = { depth: depth + 1, size };
    if (node.anchor) measured.set(node, measure);
    return measure;
  };

  try {
    visit(document.contents, [], 0);
    return undefined;
  } catch (error) {
    if (error instanceof Found) return error.found;
    throw error;
  }
}
