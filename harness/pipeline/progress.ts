/** One line per finished step with its elapsed time, e.g. `[cell v0.9.0/control/kubeadm-1.30/containerd/host] install ✓ 12.3s`,
 *  and, while a step runs, the lines it reports (one per finished test). With CI=true (or no terminal) every line
 *  is plain text; on a terminal a live line under them shows the running step's time. */
export class Progress {
  private live?: { timer: NodeJS.Timeout; text: () => string };

  constructor(
    private readonly write: (text: string) => void = (text) => process.stdout.write(text),
    private readonly liveLine: boolean = !process.env.CI && Boolean(process.stdout.isTTY),
  ) {}

  async step<T>(cellId: string, step: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const prefix = `[cell ${cellId}] ${step}`;
    if (this.liveLine) {
      const text = () => `${prefix} … ${seconds(started)}`;
      // A display refresh, not a wait: nothing depends on it.
      this.live = { timer: setInterval(() => this.write(`\r${text()}`), 1000), text };
      this.write(text());
    }
    try {
      const value = await work();
      this.endStep(`${prefix} ✓ ${seconds(started)}`);
      return value;
    } catch (error) {
      this.endStep(`${prefix} ✗ ${seconds(started)}: ${firstLine(error)}`);
      throw error;
    }
  }

  /** A line outside any step (a skipped step, a skipped cell). */
  note(cellId: string, text: string): void {
    this.print(`[cell ${cellId}] ${text}`);
  }

  /** A line the running step reports (a finished test), indented under it; the live line carries on below. */
  detail(text: string): void {
    this.print(`  ${text}`);
  }

  private endStep(text: string): void {
    if (this.live) {
      clearInterval(this.live.timer);
      this.live = undefined;
      this.write('\r\x1b[2K');
    }
    this.write(`${text}\n`);
  }

  private print(text: string): void {
    if (!this.live) return this.write(`${text}\n`);
    this.write(`\r\x1b[2K${text}\n${this.live.text()}`);
  }
}

function seconds(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)}s`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
