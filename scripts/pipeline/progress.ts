/** One line per finished step with its elapsed time, e.g. `[cell v0.9.0/control/kubeadm-1.30/containerd/host] install ✓ 12.3s`.
 *  With CI=true (or no terminal) the lines are plain; on a terminal a live line shows the running step's time. */
export class Progress {
  private live?: NodeJS.Timeout;

  constructor(
    private readonly write: (text: string) => void = (text) => process.stdout.write(text),
    private readonly liveLine: boolean = !process.env.CI && Boolean(process.stdout.isTTY),
  ) {}

  async step<T>(cellId: string, step: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const prefix = `[cell ${cellId}] ${step}`;
    if (this.liveLine) {
      // A display refresh, not a wait: nothing depends on it.
      this.live = setInterval(() => this.write(`\r${prefix} … ${seconds(started)}`), 1000);
      this.write(`${prefix} …`);
    }
    try {
      const value = await work();
      this.line(`${prefix} ✓ ${seconds(started)}`);
      return value;
    } catch (error) {
      this.line(`${prefix} ✗ ${seconds(started)}: ${firstLine(error)}`);
      throw error;
    }
  }

  /** A line outside any step (a skipped step, the summary). */
  note(cellId: string, text: string): void {
    this.line(`[cell ${cellId}] ${text}`);
  }

  private line(text: string): void {
    if (this.live) {
      clearInterval(this.live);
      this.live = undefined;
      this.write('\r\x1b[2K');
    }
    this.write(`${text}\n`);
  }
}

function seconds(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)}s`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
