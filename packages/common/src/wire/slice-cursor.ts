/**
 * Reads a payload delivered as a list of slices, front to back, copying straight
 * into the destination memory (one copy: socket chunk → device memory).
 */
import { ProtocolError } from '../errors';

export class SliceCursor {
  private readonly slices: readonly Buffer[];
  private index = 0;
  private offset = 0;
  private left: number;

  constructor(slices: readonly Buffer[], total: number) {
    this.slices = slices;
    this.left = total;
  }

  get remaining(): number {
    return this.left;
  }

  /** Copies the next `length` bytes into target[targetStart…]. */
  copyTo(target: Buffer, targetStart: number, length: number): void {
    // The peer's section named more bytes than its frame carries: its error, not ours.
    if (length > this.left) throw new ProtocolError(`payload too short: need ${length} bytes, ${this.left} left`);
    let t = targetStart;
    let n = length;
    while (n > 0) {
      const s = this.slices[this.index]!;
      const k = Math.min(s.length - this.offset, n);
      s.copy(target, t, this.offset, this.offset + k);
      t += k;
      n -= k;
      this.offset += k;
      if (this.offset === s.length) {
        this.index++;
        this.offset = 0;
      }
    }
    this.left -= length;
  }
}
