/** Positions in JSON text, for messages that point into a record file: where its syntax breaks (JSON.parse's own
 *  message has no position for an unexpected character and quotes the text around it), and where the value at a
 *  path starts (for a schema problem). One pass, no recursion, so a file of a million `[` costs a loop, not a stack. */

export interface JsonSyntaxError {
  offset: number;
  /** What is wrong, without quoting the text. */
  problem: string;
}

/** A path as the schema validator writes it: `tests[3].outcome`, `(document)` for the root. */
type PathPart = string | number;

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const result = walkJson(text, () => false);
  return result.kind === 'error' ? result.error : undefined;
}

/** The offset where the value at `path` starts (a path from validateResultRecord's problems), or where its
 *  deepest existing part starts when the path names something missing. Undefined for text that is not JSON. */
export function jsonValueOffset(text: string, path: string): number | undefined {
  let deepest: number | undefined;
  const result = walkJson(text, (stack, offset) => {
    if (stack.length > path.length) return false; // deeper than any path of that length: not on the way to it
    const written = pathText(stack);
    if (written === path) {
      deepest = offset;
      return true;
    }
    // An ancestor of the path: the walk meets them in order, so the last one met is the deepest.
    if (written === '(document)' || (path.startsWith(written) && /^[.[]/.test(path.slice(written.length)))) deepest = offset;
    return false;
  });
  return result.kind === 'error' ? undefined : deepest;
}

/** 1-based line and column of an offset (columns count UTF-16 units, as editors mostly do). */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function pathText(stack: readonly Container[]): string {
  let text = '';
  for (const { at: part } of stack) text += typeof part === 'number' ? `[${part}]` : text ? `.${part}` : part;
  return text || '(document)';
}

type WalkResult = { kind: 'done' } | { kind: 'stopped' } | { kind: 'error'; error: JsonSyntaxError };

interface Container {
  kind: 'object' | 'array';
  /** The key (object) or index (array) of the value being read in it. */
  at: PathPart;
}

const LITERALS = ['true', 'false', 'null'] as const;

/** Reads JSON text, telling `onValue` the open containers (the path) and the offset of every value as it starts;
 *  `onValue` returning true stops the walk. */
function walkJson(text: string, onValue: (stack: readonly Container[], offset: number) => boolean): WalkResult {
  const stack: Container[] = [];
  let i = 0;
  const fail = (problem: string): WalkResult => ({ kind: 'error', error: { offset: i, problem } });
  const skipSpace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  /** Reads a string at i (at its opening quote); returns its value, or a problem. */
  const readString = (): string | WalkResult => {
    const start = ++i;
    let value = '';
    let plainFrom = start;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        value += text.slice(plainFrom, i++);
        return value;
      }
      if (c < 0x20) return fail('a control character inside a string (a raw line break or tab must be escaped)');
      if (c === 0x5c) {
        value += text.slice(plainFrom, i);
        const escape = text[i + 1];
        if (escape === 'u') {
          const hex = /^[0-9a-fA-F]{0,4}/.exec(text.slice(i + 2, i + 6))![0];
          if (hex.length < 4) {
            i += 2 + hex.length; // at the first character that is not a hex digit, where JSON.parse points too
            return fail(i >= text.length ? 'the text ends inside a string (truncated?)' : 'a \\u escape without four hex digits');
          }
          value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) {
          value += escape;
          i += 2;
        } else {
          i += 1; // at the character after the backslash, where JSON.parse points too
          return fail(escape === undefined ? 'the text ends inside a string (truncated?)' : 'an unknown escape in a string');
        }
        plainFrom = i;
        continue;
      }
      i++;
    }
    return fail('the text ends inside a string (truncated?)');
  };

  /** Reads a number at i; on a malformed one, stops at the character that breaks it (where JSON.parse points). */
  const readNumber = (): string | undefined => {
    const digits = () => {
      const start = i;
      while (i < text.length && text[i]! >= '0' && text[i]! <= '9') i++;
      return i > start;
    };
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (!digits()) return 'a number without digits after its minus sign';
    if (text[i] === '.') {
      i++;
      if (!digits()) return 'a number without digits after its decimal point';
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!digits()) return 'a number without digits in its exponent';
    }
    return undefined;
  };

  /** What comes next: a value, or (right after `[` / `{`) possibly the closing bracket. */
  let expect: 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'after-value' | 'end' = 'value';
  for (;;) {
    skipSpace();
    if (i >= text.length) return expect === 'end' ? { kind: 'done' } : fail('the text ends before the document does (truncated?)');
    const c = text[i]!;
    const top = stack[stack.length - 1];
    const afterValue = () => (stack.length > 0 ? 'after-value' : 'end') as typeof expect;

    if (expect === 'end') return fail(`${describe(c)} after the end of the document`);
    if (expect === 'after-value') {
      if (c === ',') {
        i++;
        if (top!.kind === 'array') top!.at = (top!.at as number) + 1;
        expect = top!.kind === 'array' ? 'value' : 'key';
      } else if ((c === ']' && top!.kind === 'array') || (c === '}' && top!.kind === 'object')) {
        i++;
        stack.pop();
        expect = afterValue();
      } else return fail(`expected "," or "${top!.kind === 'array' ? ']' : '}'}", got ${describe(c)}`);
      continue;
    }
    if (expect === 'key' || expect === 'key-or-close') {
      if (expect === 'key-or-close' && c === '}') {
        i++;
        stack.pop();
        expect = afterValue();
        continue;
      }
      if (c !== '"') return fail(`expected a property name in double quotes, got ${describe(c)}`);
      const key = readString();
      if (typeof key !== 'string') return key;
      skipSpace();
      if (text[i] !== ':') return i >= text.length ? fail('the text ends after a property name (truncated?)') : fail(`expected ":" after a property name, got ${describe(text[i]!)}`);
      i++;
      top!.at = key;
      expect = 'value';
      continue;
    }
    // expect is 'value' or 'value-or-close'
    if (expect === 'value-or-close' && c === ']') {
      i++;
      stack.pop();
      expect = afterValue();
      continue;
    }
    if (onValue(stack, i)) return { kind: 'stopped' };
    if (c === '{' || c === '[') {
      i++;
      stack.push({ kind: c === '{' ? 'object' : 'array', at: c === '{' ? '' : 0 });
      expect = c === '{' ? 'key-or-close' : 'value-or-close';
      continue;
    }
    if (c === '"') {
      const value = readString();
      if (typeof value !== 'string') return value;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const problem = readNumber();
      if (problem) return fail(problem);
    } else {
      const literal = LITERALS.find((word) => word[0] === c);
      if (!literal) return fail(`expected a value, got ${describe(c)}`);
      let matched = 0;
      while (matched < literal.length && text[i + matched] === literal[matched]) matched++;
      i += matched; // on a misspelling, at its first wrong character (where JSON.parse points)
      if (matched < literal.length) return fail(i >= text.length ? 'the text ends before the document does (truncated?)' : `a misspelled ${literal}`);
    }
    expect = afterValue();
  }
}

/** A character as a message names it: printable ASCII quoted, anything else by code point (never raw bytes). */
function describe(c: string): string {
  const code = c.charCodeAt(0);
  return code >= 0x21 && code <= 0x7e ? `"${c}"` : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
