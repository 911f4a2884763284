import { parse, stringify, type TomlTable } from 'smol-toml';

/** A TOML document read, changed and written again with smol-toml, so every value the harness puts in is escaped by
 *  the library, never pasted into the text. Integers are read as bigint and numbers written as floats: a 1.0 stays a
 *  float and a 1 an integer (JavaScript's number alone would turn 1.0 into 1). Comments and layout are not kept;
 *  what a TOML parser reads is. Throws smol-toml's error, with line and column, for text that is not TOML. */
export function rewriteToml(text: string, edit: (document: TomlTable) => void): string {
  const document = parse(text, { integersAsBigInt: true });
  edit(document);
  return stringify(document, { numbersAsFloat: true });
}
