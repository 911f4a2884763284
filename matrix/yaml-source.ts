import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { InputError } from './input-error.ts';
import { formatPath, type ObjectPath } from './object-path.ts';

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

  /** Reads and parses a file; a missing file or a YAML syntax error is an InputError. */
  static read(file: string): YamlSource {
    const displayFile = displayPath(file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InputError(displayFile, '', code === 'ENOENT' ? 'file not found' : `failed to read file: ${code ?? String(error)}`);
    }
    return YamlSource.parse(text, displayFile);
  }

  static parse(text: string, displayFile: string): YamlSource {
    const lines = new LineCounter();
    const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
    const [syntaxError] = document.errors;
    if (syntaxError) {
      const at = lines.linePos(syntaxError.pos[0]);
      const firstLine = syntaxError.message.split('\n')[0] ?? syntaxError.message;
      throw new InputError(displayFile, '', `invalid YAML: ${firstLine}`, at.line, at.col);
    }
    return new YamlSource(displayFile, document.toJS({ maxAliasCount: 1000 }), document, lines);
  }

  /** An InputError at `path`, positioned at the key (`at: 'key'`) or the value; when the path does not exist in the
   *  file (a missing key), at the deepest part of it that does. */
  error(objectPath: ObjectPath, problem: string, at: 'key' | 'value' = 'value'): InputError {
    const position = this.position(objectPath, at);
    return new InputError(this.displayFile, formatPath(objectPath), problem, position?.line, position?.col);
  }

  position(objectPath: ObjectPath, at: 'key' | 'value' = 'value'): { line: number; col: number } | undefined {
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
    return isAlias(node) ? node.resolve(this.document) : node;
  }
}

/** Paths inside the working directory are shown relative to it (what the user typed); others stay absolute. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : path.resolve(file);
}
