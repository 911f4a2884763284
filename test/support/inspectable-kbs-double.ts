import { StartedKbsDouble, type KbsDoubleOptions } from '../../lib/kbs/index.ts';

/** The KBS double with one look more, for self-tests only: the exact bytes a resource was set to. The harness's
 *  double never hands out a value (not in inspect(), the request log or any artifact); a self-test that checks what
 *  the harness stores (a 32-byte raw image key, not its base64 text) starts this one instead. */
export class InspectableKbsDouble extends StartedKbsDouble {
  /** The bytes of resource "repository/type/tag", a copy, or undefined if it was never set. */
  storedResource(path: string): Buffer | undefined {
    const value = this.resources.get(path);
    return value === undefined ? undefined : Buffer.from(value);
  }
}

/** Starts an inspectable double as KbsDouble.start() starts the harness's. */
export async function startInspectableKbsDouble(options: KbsDoubleOptions): Promise<InspectableKbsDouble> {
  const started = new InspectableKbsDouble(options);
  await started.listen(options.host ?? '127.0.0.1', options.port ?? 0);
  return started;
}
