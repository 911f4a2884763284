import type { PathSegment } from '../object-path.ts';
import { inlineLocalRefs, type JsonSchema } from './validate.ts';

/** The path (root first) of the first value, in document order, that is an object or a list nested `limit` levels
 *  below the root, or undefined. The recursion stops at the limit, and nothing is allocated unless a path is found. */
export function firstValueNestedBeyond(value: unknown, limit: number): PathSegment[] | undefined {
  return deepPathReversed(value, limit)?.reverse();
}

function deepPathReversed(value: unknown, remaining: number): PathSegment[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (remaining === 0) return [];
  // Plain values are passed over here rather than in a call each: most of what is walked is strings.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== 'object' || item === null) continue;
      const below = deepPathReversed(item, remaining - 1);
      if (below) return (below.push(i), below);
    }
    return undefined;
  }
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item !== 'object' || item === null) continue;
    const below = deepPathReversed(item, remaining - 1);
    if (below) return (below.push(key), below);
  }
  return undefined;
}

/** What a JSON Schema says about the nesting of the values it accepts: `levels`, the most levels of objects and lists
 *  a valid value can have (a string 0, an object of strings 1; Infinity where the schema leaves it open), and for a
 *  closed object or a list the same of each key or item. */
interface NestingBound {
  levels: number;
  /** A closed object: the keys whose values can nest at all, with their bounds (the others hold plain values). */
  properties?: [string, NestingBound][];
  items?: NestingBound;
}

const OPEN: NestingBound = { levels: Infinity };
const PRIMITIVE_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);

/** firstValueNestedBeyond for documents that `schema` accepts, looking only where the schema leaves the nesting open
 *  (a map it does not close, a value of any type): where it closes every key and types every value, a valid
 *  document cannot nest beyond it, and a walk there would only count levels the schema has already bounded. The answer
 *  is firstValueNestedBeyond's for every valid document; for one the schema refuses, use that walk itself. */
export function nestingCheckForValid(schema: JsonSchema): (value: unknown, limit: number) => PathSegment[] | undefined {
  const root = boundOf(inlineLocalRefs(schema));
  const walks = new Map<number, OpenWalk | undefined>();
  return (value, limit) => {
    if (!walks.has(limit)) walks.set(limit, openWalkOf(root, limit));
    const walk = walks.get(limit);
    return walk ? openPathReversed(value, walk, limit)?.reverse() : undefined;
  };
}

/** Where a valid document can still nest beyond a limit: the bounds cut down, once per limit, to the keys and items
 *  that can reach it. Every test of a record is looked at, so a key the schema bounds above the limit left at its
 *  depth (a test's artifacts, its failure signature) must cost nothing there. */
interface OpenWalk {
  items?: OpenWalk;
  /** A closed object: its keys that can nest past the limit, and how. */
  keys?: string[];
  walks?: OpenWalk[];
}

/** The walk of `bound` with `remaining` levels left before the limit; undefined when nothing under it can get there. */
function openWalkOf(bound: NestingBound, remaining: number): OpenWalk | undefined {
  if (bound.levels <= remaining) return undefined;
  if (remaining === 0) return {};
  if (bound.items) return { items: openWalkOf(bound.items, remaining - 1)! };
  if (!bound.properties) return {};
  const keys: string[] = [];
  const walks: OpenWalk[] = [];
  for (const [key, child] of bound.properties) {
    const walk = openWalkOf(child, remaining - 1);
    if (walk) {
      keys.push(key);
      walks.push(walk);
    }
  }
  return { keys, walks };
}

function openPathReversed(value: unknown, walk: OpenWalk, remaining: number): PathSegment[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (remaining === 0) return [];
  if (Array.isArray(value)) {
    if (!walk.items) return deepPathReversed(value, remaining);
    for (let i = 0; i < value.length; i++) {
      const below = openPathReversed(value[i], walk.items, remaining - 1);
      if (below) return (below.push(i), below);
    }
    return undefined;
  }
  if (!walk.keys) return deepPathReversed(value, remaining);
  // Only the keys that can nest are looked at, not every key of the map (a valid map has no other); when more than
  // one of them is too deep, the first in the document is the one the full walk would find.
  let found: { key: string; path: PathSegment[] } | undefined;
  for (let k = 0; k < walk.keys.length; k++) {
    const key = walk.keys[k]!;
    if (!Object.hasOwn(value, key)) continue;
    const below = openPathReversed((value as Record<string, unknown>)[key], walk.walks![k]!, remaining - 1);
    if (!below) continue;
    if (found) {
      const order = Object.keys(value);
      if (order.indexOf(key) > order.indexOf(found.key)) continue;
    }
    found = { key, path: below };
  }
  return found ? (found.path.push(found.key), found.path) : undefined;
}

/** The bound of a schema node with its local references inlined. Only keywords that limit what a value may be are
 *  read (type, enum, const, properties with additionalProperties false, items): every other keyword of a schema can
 *  only refuse more, never let a deeper value through, so a node's bound holds whatever else it says — except
 *  patternProperties and prefixItems, which admit keys and items of their own, and are treated as open. */
function boundOf(node: unknown): NestingBound {
  if (node === false) return { levels: 0 };
  if (typeof node !== 'object' || node === null) return OPEN;
  const schema = node as JsonSchema;
  const primitives = (list: unknown[]) => list.every((v) => typeof v !== 'object' || v === null);
  if (Array.isArray(schema.enum) && primitives(schema.enum)) return { levels: 0 };
  if ('const' in schema && primitives([schema.const])) return { levels: 0 };
  const types = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? (schema.type as string[]) : undefined;
  if (types && types.every((t) => PRIMITIVE_TYPES.has(t))) return { levels: 0 };
  if (Array.isArray(schema.allOf)) {
    // A value every member accepts is bounded by the tightest of them.
    const own = boundOf({ ...schema, allOf: undefined });
    const members = [own, ...schema.allOf.map(boundOf)];
    return members.reduce((tightest, b) => (b.levels < tightest.levels ? b : tightest));
  }
  if (types?.length === 1 && types[0] === 'object' && schema.additionalProperties === false && !('patternProperties' in schema)) {
    const properties: [string, NestingBound][] = [];
    let levels = 1;
    for (const [key, child] of Object.entries((schema.properties ?? {}) as Record<string, unknown>)) {
      const bound = boundOf(child);
      if (bound.levels > 0) properties.push([key, bound]);
      levels = Math.max(levels, 1 + bound.levels);
    }
    return { levels, properties };
  }
  if (types?.length === 1 && types[0] === 'array' && schema.items !== undefined && !('prefixItems' in schema)) {
    const items = boundOf(schema.items);
    return { levels: 1 + items.levels, items };
  }
  return OPEN;
}
