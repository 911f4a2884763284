/** A run stopped by SIGINT or SIGTERM: the reason the current step's AbortSignal carries. */
export class InterruptedError extends Error {
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted by ${signal}`);
    this.name = 'InterruptedError';
  }

  /** Shell convention: 128 + signal number. */
  get exitCode(): number {
    return this.signal === 'SIGINT' ? 130 : 143;
  }
}

export interface SignalGuard {
  readonly signal: AbortSignal;
  /** The signal received, once one was. */
  interrupted(): InterruptedError | undefined;
  dispose(): void;
}

/** First SIGINT/SIGTERM aborts the current step so teardown can run; a second one means "now" and exits at once
 *  (teardown may then leave things behind, which the user asked for). */
export function guardSignals(onSecond: (code: number) => void = (code) => process.exit(code)): SignalGuard {
  const controller = new AbortController();
  let received: InterruptedError | undefined;
  const handler = (signal: 'SIGINT' | 'SIGTERM') => () => {
    if (received) return onSecond(received.exitCode);
    received = new InterruptedError(signal);
    controller.abort(received);
  };
  const onInt = handler('SIGINT');
  const onTerm = handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    interrupted: () => received,
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
