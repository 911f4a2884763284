/** The cells of the shared memory: one lock word, then each thread's range as [next unclaimed, end). */
const LOCK = 0;
const nextCell = (thread: ReadingThread) => 1 + 2 * thread;
const endCell = (thread: ReadingThread) => 2 + 2 * thread;

/** The calling thread (0) and the worker (1). */
export type ReadingThread = 0 | 1;

/**
 * How two threads share out a list of files while they read it, without a message between them (a thread that is
 * reading never returns to its event loop, so it would not hear one): each claims the files of its own range from the
 * front, one at a time; a thread whose range is done takes the back half of what the other has not claimed yet and
 * reads that as a range of its own, until nothing is left. Both finish within a file of each other however fast each
 * turns out to be (the worker starts late: it loads its modules first; on a busy machine either may be slowed), and
 * every range a thread reads is a run of consecutive files, so the folds of the ranges join in file order
 * (RecordFold.absorb). The ranges live in shared memory, guarded by one lock word (held for a few instructions).
 */
export class SharedFileRanges {
  private readonly cells: Int32Array;

  /** `memory`: from split(), here or as received by the other thread. */
  constructor(readonly memory: SharedArrayBuffer) {
    this.cells = new Int32Array(memory);
  }

  /** The files [0, count) as two ranges: [0, cut) for the calling thread, [cut, count) for the worker. */
  static split(count: number, cut: number): SharedFileRanges {
    const ranges = new SharedFileRanges(new SharedArrayBuffer(5 * Int32Array.BYTES_PER_ELEMENT));
    ranges.cells.set([0, 0, cut, cut, count]);
    return ranges;
  }

  /** The next file of `thread`'s range, now its own to read; -1 when the range is done. */
  claim(thread: ReadingThread): number {
    this.lock();
    const next = this.cells[nextCell(thread)]!;
    const claimed = next < this.cells[endCell(thread)]! ? next : -1;
    if (claimed >= 0) this.cells[nextCell(thread)] = next + 1;
    this.unlock();
    return claimed;
  }

  /** Takes the back half (rounded up) of what the other thread has not claimed as `thread`'s new range and claims its
   *  first file: returns that file, or -1 when the other has nothing left to claim. Claiming it at once means every
   *  steal reads a file, so two threads out of files can never hand the last ones back and forth. */
  steal(thread: ReadingThread): number {
    const other: ReadingThread = thread === 0 ? 1 : 0;
    this.lock();
    const next = this.cells[nextCell(other)]!;
    const end = this.cells[endCell(other)]!;
    let claimed = -1;
    if (next < end) {
      claimed = end - Math.ceil((end - next) / 2);
      this.cells[endCell(other)] = claimed;
      this.cells[nextCell(thread)] = claimed + 1;
      this.cells[endCell(thread)] = end;
    }
    this.unlock();
    return claimed;
  }

  private lock(): void {
    while (Atomics.compareExchange(this.cells, LOCK, 0, 1) !== 0);
  }

  private unlock(): void {
    Atomics.store(this.cells, LOCK, 0);
  }
}
