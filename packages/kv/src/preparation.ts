/**
 * The destination's preparation from the precopy initial data (the source's
 * key-space size): one arena for the values, allocated at once and touched
 * page by page in slices between event-loop turns (so loading other sections
 * goes on), into which loaded values are copied. `done` resolves with the ms
 * it took; with switchover-ack that is the approval's time.
 *
 * The key index is the store's Map, which grows as keys load (a JS Map cannot
 * reserve capacity); what can be prepared ahead, the memory, is.
 */
const PAGE = 4096;
/** Bytes touched per event-loop turn. */
const SLICE = 8 * 1024 * 1024;

export class Preparation {
  readonly done: Promise<number>;
  private readonly arena: Buffer;
  private pos = 0;
  private touched = 0;
  private cancelled = false;

  constructor(keys: number, bytes: number, progress: (done: number, total: number) => void) {
    const t0 = performance.now();
    // Room for the values and a little growth while precopy runs.
    const size = Math.min(Math.ceil(bytes * 1.125) + PAGE, 2 ** 31 - 1);
    this.arena = Buffer.allocUnsafeSlow(size);
    void keys;
    this.done = new Promise((resolve, reject) => {
      const step = (): void => {
        if (this.cancelled) return reject(new Error('cancelled'));
        const end = Math.min(this.touched + SLICE, size);
        // Only ahead of the values already copied in.
        for (let p = Math.max(this.touched, this.pos); p < end; p += PAGE) this.arena[p] = 0;
        this.touched = end;
        progress(end, size);
        if (end >= size) resolve(Math.round(performance.now() - t0));
        else setImmediate(step);
      };
      setImmediate(step);
    });
    this.done.catch(() => undefined);
  }

  /** A region of the arena for a value of `n` bytes, or null when the arena is full. */
  slot(n: number): Buffer | null {
    if (this.pos + n > this.arena.length) return null;
    const b = this.arena.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  cancel(): void {
    this.cancelled = true;
  }
}
