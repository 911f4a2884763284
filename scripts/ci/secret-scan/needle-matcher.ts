import { secretForms } from '../../../lib/exec/secret-forms.ts';
import type { Secret } from './secrets-file.ts';

/** One byte string to look for, and the secrets it is a form of (a registered base64 form of a password and the
 *  password's own base64 form are the same bytes). */
export interface Needle {
  bytes: Buffer;
  owners: Array<{ secret: Secret; form: string }>;
}

/** The matcher's table holds 256 transitions per state; past this many states it would not fit in memory. */
const MAX_MATCHER_STATES = 2_000_000;

/** Each distinct byte string once, with every secret and form it stands for (the forms are the redactor's:
 *  lib/exec/secret-forms.ts). */
export function needlesOfAll(secrets: Secret[]): Needle[] {
  const byBytes = new Map<string, Needle>();
  for (const secret of secrets) {
    for (const { form, bytes } of secretForms(secret.value)) {
      const key = bytes.toString('latin1');
      const needle = byBytes.get(key) ?? byBytes.set(key, { bytes, owners: [] }).get(key)!;
      if (!needle.owners.some((owner) => owner.secret === secret)) needle.owners.push({ secret, form });
    }
  }
  return [...byBytes.values()];
}

/** Aho-Corasick over bytes: one pass over a stream finds every needle, however many, and the state carries from
 *  one chunk to the next, so a value split across two reads is still found. */
export class NeedleMatcher {
  private readonly next: Int32Array;
  /** The needle ending at a state, -1 for none. */
  private readonly needleAt: Int32Array;
  /** The nearest shorter suffix state where a needle ends, -1 for none. */
  private readonly outputLink: Int32Array;
  private readonly emits: Uint8Array;

  constructor(readonly needles: Needle[]) {
    const capacity = needles.reduce((sum, n) => sum + n.bytes.length, 1);
    if (capacity > MAX_MATCHER_STATES) {
      throw new Error(`failed to build the secret matcher: the secrets add up to ${capacity} bytes of needles, expected at most ${MAX_MATCHER_STATES}`);
    }
    const next = new Int32Array(capacity * 256).fill(-1);
    const needleAt = new Int32Array(capacity).fill(-1);
    let states = 1;
    needles.forEach((needle, id) => {
      let state = 0;
      for (const byte of needle.bytes) {
        const slot = state * 256 + byte;
        if (next[slot] === -1) next[slot] = states++;
        state = next[slot]!;
      }
      needleAt[state] = id;
    });
    const fail = new Int32Array(states);
    const outputLink = new Int32Array(states).fill(-1);
    const queue: number[] = [];
    for (let byte = 0; byte < 256; byte++) {
      const child = next[byte]!;
      if (child === -1) next[byte] = 0;
      else queue.push(child);
    }
    // Breadth first: a state's failure state is shallower, so its row is already complete.
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      const failure = fail[state]!;
      outputLink[state] = needleAt[failure] !== -1 ? failure : outputLink[failure]!;
      for (let byte = 0; byte < 256; byte++) {
        const slot = state * 256 + byte;
        const child = next[slot]!;
        if (child === -1) {
          next[slot] = next[failure * 256 + byte]!;
        } else {
          fail[child] = next[failure * 256 + byte]!;
          queue.push(child);
        }
      }
    }
    this.next = next;
    this.needleAt = needleAt;
    this.outputLink = outputLink;
    this.emits = new Uint8Array(states);
    for (let state = 0; state < states; state++) this.emits[state] = needleAt[state] !== -1 || outputLink[state] !== -1 ? 1 : 0;
  }

  /** Feeds one chunk from `state`; calls `found` with each needle id that ends in it. Returns the state after it. */
  feed(chunk: Buffer, state: number, found: (needle: number) => void): number {
    const { next, emits } = this;
    for (let i = 0; i < chunk.length; i++) {
      state = next[state * 256 + chunk[i]!]!;
      if (emits[state] === 1) {
        for (let s = this.needleAt[state] !== -1 ? state : this.outputLink[state]!; s !== -1; s = this.outputLink[s]!) found(this.needleAt[s]!);
      }
    }
    return state;
  }
}
