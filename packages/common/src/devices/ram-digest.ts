/**
 * The `verify` digest of a RAM device: one XXH64 hash per 16 KiB unit (4
 * pages of 4 KiB), kept by a UnitDigest. Pages map to units; a page written,
 * sent or loaded makes its unit stale. A unit none of whose pages is in
 * `written` is known zero: its hash is a constant, and its memory is never read
 * (a zero RAM of 4 GiB is digested without faulting a page in). Both ends
 * hash the same units of the same bytes, whatever page runs carried them.
 */
import { hashBytes, UnitDigest } from '../digest';
import type { DirtyBitmap } from '../dirty-bitmap';
import type { RamBlocks } from './ram-blocks';

/**
 * Bytes per digest unit (or one page, if pages are larger). A power of two no
 * larger than a RAM block (64 KiB at least), so a unit never spans two blocks. Larger units hash
 * the bulk faster (fewer native calls) but re-hash a whole unit for each dirty
 * page: 16 KiB hashes a bulk pass ~1.3× faster than per-page units, at 4× the work
 * per re-sent page (64 KiB: a little faster again, at 16×).
 */
export const RAM_DIGEST_UNIT_BYTES = 16 * 1024;

export class RamDigest {
  private readonly units: UnitDigest;
  private readonly shift: number;
  private readonly unitPages: number;
  private readonly pages: number;
  private readonly zeroHash = new Uint32Array(4); // [full unit lo, hi, last unit lo, hi]

  private readonly pageSize: number;

  constructor(
    private readonly memory: RamBlocks,
    private readonly written: DirtyBitmap,
  ) {
    const pageSize = memory.pageSize;
    this.pageSize = pageSize;
    this.pages = memory.pages;
    this.unitPages = Math.max(1, RAM_DIGEST_UNIT_BYTES / pageSize);
    this.shift = Math.log2(this.unitPages);
    const count = Math.ceil(this.pages / this.unitPages);
    const lastPages = this.pages - (count - 1) * this.unitPages;
    hashBytes(new Uint8Array(this.unitPages * pageSize), this.zeroHash, 0);
    hashBytes(new Uint8Array(lastPages * pageSize), this.zeroHash, 2);
    this.units = new UnitDigest(count, this.unitPages * pageSize, (u, out, o) => this.hashUnit(u, out, o));
  }

  markStale(page: number): void {
    this.units.markStale(page >>> this.shift);
  }

  markAllStale(): void {
    this.units.markAllStale();
  }

  /** Hashes now the stale units that pages [first, first + count) touch (just sent or loaded: in cache). */
  refreshPages(first: number, count: number): void {
    const u0 = first >>> this.shift;
    this.units.refreshRange(u0, ((first + count - 1) >>> this.shift) - u0 + 1);
  }

  /** Background work: about `budgetBytes` of stale units, or with `knownZeroOnly` only units that need no read. */
  refresh(budgetBytes: number, knownZeroOnly: boolean): number {
    return knownZeroOnly ? this.units.refreshWhere((u) => !this.unitHasData(u), budgetBytes) : this.units.refresh(budgetBytes);
  }

  digest(): Buffer {
    return this.units.digest();
  }

  private unitHasData(u: number): boolean {
    const first = u << this.shift;
    return anySetIn(this.written, first, Math.min(this.unitPages, this.pages - first));
  }

  private hashUnit(u: number, out: Uint32Array, o: number): void {
    const first = u << this.shift;
    const count = Math.min(this.unitPages, this.pages - first);
    if (anySetIn(this.written, first, count)) {
      hashBytes(this.memory.view(first, count), out, o);
    } else {
      // Known zero: the hash reading it would give, without touching the pages.
      const z = count === this.unitPages ? 0 : 2;
      out[o] = this.zeroHash[z]!;
      out[o + 1] = this.zeroHash[z + 1]!;
    }
  }
}

/** Whether any bit of [first, first + count) is set, a word at a time. */
function anySetIn(bitmap: DirtyBitmap, first: number, count: number): boolean {
  const words = bitmap.words;
  const end = first + count;
  for (let i = first; i < end; ) {
    const w = i >>> 5;
    const lo = i & 31;
    const n = Math.min(32 - lo, end - i);
    const mask = n === 32 ? 0xffffffff : ((1 << n) - 1) << lo;
    if ((words[w]! & mask) !== 0) return true;
    i += n;
  }
  return false;
}
