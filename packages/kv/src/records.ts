/**
 * kv's PART payload: a block of fixed-size record metas, then each record's
 * key and value bytes in order. A meta (RECORD_META bytes, big-endian):
 * op u8 (OP_SET / OP_DEL), key length u32, value length u32, absolute expiry
 * f64 (ms since the epoch, 0 = none).
 */
import { ProtocolError } from '@livemig/common/devices';

export const RECORD_META = 17;
export const OP_SET = 1;
export const OP_DEL = 2;

/** Reads across the payload's slices without joining them. */
export class RecordReader {
  private i = 0;
  private off = 0;
  remaining: number;

  constructor(
    private readonly parts: readonly Buffer[],
    private readonly id: string,
  ) {
    this.remaining = parts.reduce((n, p) => n + p.length, 0);
  }

  private need(n: number): void {
    if (n > this.remaining) throw new ProtocolError(`${this.id}: kv record runs past the section (${n} > ${this.remaining})`);
  }

  /** The next n bytes: a view when they lie in one slice, else a copy. */
  take(n: number): Buffer {
    this.need(n);
    while (this.i < this.parts.length && this.off === this.parts[this.i]!.length) {
      this.i++;
      this.off = 0;
    }
    const p = this.parts[this.i];
    if (n === 0) return Buffer.alloc(0);
    if (p && this.off + n <= p.length) {
      const b = p.subarray(this.off, this.off + n);
      this.off += n;
      this.remaining -= n;
      return b;
    }
    const b = Buffer.allocUnsafe(n);
    this.copyInto(b);
    return b;
  }

  /** Copies the next dst.length bytes into dst. */
  copyInto(dst: Buffer): void {
    this.need(dst.length);
    let w = 0;
    while (w < dst.length) {
      const p = this.parts[this.i]!;
      const n = Math.min(p.length - this.off, dst.length - w);
      p.copy(dst, w, this.off, this.off + n);
      w += n;
      this.off += n;
      if (this.off === p.length) {
        this.i++;
        this.off = 0;
      }
    }
    this.remaining -= dst.length;
  }
}
