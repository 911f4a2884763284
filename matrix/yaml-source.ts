import path from 'node:path';
import type { Document, LineCounter, Node } from 'yaml';
import { InputError } from './input-error.ts';
import { formatPath, type ObjectPath } from './object-path.ts';
import { readTextFile } from './text-file.ts';
import { checkYamlStructure, findUnprintable, parseOneDocument, YAML_LIMITS, yamlLibrary, type YamlProblem } from './yaml-limits.ts';

/** A parsed YAML file that remembers where every value came from, so any problem found later — by the schema or
 *  by a cross-check — can be reported as `file:line:col: path: what is wrong`. */
export class YamlSource {
  private constructor(
    /** The file as messages name it: relative to the working directory when inside it. */
    readonly displayFile: string,
    readonly value: unknown,
    private readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Reads and parses a file. Anything that is not a small, shallow UTF-8 YAML text — a missing file, a folder, a
   *  binary or huge file, a syntax error, an alias bomb, nesting past YAML_LIMITS — is an InputError. */
  static read(file: string): YamlSource {
    const displayFile = displayPath(file);
    return YamlSource.parse(readTextFile(file, displayFile, { format: 'YAML', maxBytes: YAML_LIMITS.maxBytes }), displayFile);
  }

  /** Parses YAML text (already read and within the size limit); every problem is an InputError with a position. */
  static parse(text: string, displayFile: string): YamlSource {
    const lines = new (yamlLibrary().LineCounter)();
    const refuse = (found: YamlProblem) => {
      const at = lines.linePos(found.offset);
      return new InputError(displayFile, formatPath(found.path), found.problem, at.line, at.col);
    };
    const unprintable = findUnprintable(text);
    if (unprintable) {
      lineStarts(text).forEach((offset) => lines.addNewLine(offset));
      throw refuse(unprintable);
    }
    const document = parseOneDocument(text, lines);
    if (!yamlLibrary().isDocument(document)) throw refuse(document);
    const [syntaxError] = document.errors;
    if (syntaxError) {
      const at = lines.linePos(syntaxError.pos[0]);
      const firstLine = syntaxError.message.split('\n')[0] ?? syntaxError.message;
      throw new InputError(displayFile, '', `invalid YAML: ${firstLine}`, at.line, at.col);
    }
    const structural = checkYamlStructure(document, lines);
    if (structural) throw refuse(structural);
    let value: unknown;
    try {
      // The structure check has bounded what aliases expand to; the library's own alias limit stays as a second line.
      value = document.toJS({ maxAliasCount: YAML_LIMITS.maxAliasExpansion });
    } catch (error) {
      throw new InputError(displayFile, '', `failed to build the document: ${String((error as Error).message ?? error).split('\n')[0]}`);
    }
    return new YamlSource(displayFile, value, document, lines);
  }

  /** An InputError at `path`, positioned at the key (`at: 'key'`) or the value; when the path does not exist in the
   *  file (a missing key), at the deepest part of it that does. */
  error(objectPath: ObjectPath, problem: string, at: 'key' | 'value' = 'value'): InputError {
    const position = this.position(objectPath, at);
    return new InputError(this.displayFile, formatPath(objectPath), problem, position?.line, position?.col);
  }

  position(objectPath: ObjectPath, at: 'key' | 'value' = 'value'): { line: number; col: number } | undefined {
    const { isMap, isPair, isScalar, isSeq } = yamlLibrary();
    let node: unknown = this.document.contents;
    let located: unknown = node;
    for (const [index, segment] of objectPath.entries()) {
      node = this.resolve(node);
      const last = index === objectPath.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
        if (!pair) break;
        node = last && at === 'key' ? pair.key : pair.value ?? pair.key;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
        if (node === undefined) break;
      } else break;
      located = node;
    }
    const range = (located as Node | null | undefined)?.range;
    return range ? this.lines.linePos(range[0]) : undefined;
  }

  private resolve(node: unknown): unknown {
    return yamlLibrary().isAlias(node) ? node.resolve(this.document) : node;
  }
}

/** Paths inside the working directory are shown relative to it (what the user typed); others stay absolute. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : path.resolve(file);
}

/** Offsets where lines start, for positions in text the YAML parser was not run over. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
