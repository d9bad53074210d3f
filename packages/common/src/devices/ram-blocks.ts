/**
 * The memory of one `ram` device: a list of blocks (QEMU's RAMBlocks), each
 * one Node Buffer, addressed by page number across the whole device.
 *
 * Why blocks: a Node Buffer is at most 4 GiB (buffer.constants.MAX_LENGTH),
 * and real guests have more. Why 1 GiB: a 1 GiB device stays one block (the
 * figures of one-buffer RAM are kept), byte offsets inside a block stay small
 * integers for V8, and a block boundary every 262 144 pages (4 KiB) costs the
 * scanner nothing measurable. Each block is `Buffer.alloc` (calloc): the
 * kernel hands out zero pages lazily, so untouched RAM costs nothing.
 *
 * The device's bitmaps (dirty log, send set, `written`) stay one per device
 * over all pages; only storage is split. The rule that keeps page data moving
 * without copies: a view of memory never spans a block boundary. The scanner
 * ends a normal run at a boundary; the receiving side splits a run it is
 * given into one region per block (the sender's block size is its own
 * business: it is not on the wire).
 */
import { DeviceSpecError } from '../errors';
import type { SliceCursor } from '../wire/slice-cursor';

/** Bytes per block: a power of two, 1 GiB unless a test asks for smaller (RamSpec.blockBytes). */
export const RAM_BLOCK_BYTES = 1024 ** 3;
/**
 * The smallest block: the largest page size (64 KiB), so a page never spans
 * two blocks and a block is a whole number of any per-unit digest.
 */
export const MIN_RAM_BLOCK_BYTES = 64 * 1024;

/** Checks a block size (tests and the test-only override): a power of two from 64 KiB to 1 GiB. */
export function checkRamBlockBytes(bytes: number, what: string): number {
  if (!Number.isInteger(bytes) || bytes < MIN_RAM_BLOCK_BYTES || bytes > RAM_BLOCK_BYTES || (bytes & (bytes - 1)) !== 0) {
    throw new DeviceSpecError(`${what}: block size ${bytes} must be a power of two from ${MIN_RAM_BLOCK_BYTES} to ${RAM_BLOCK_BYTES} bytes`);
  }
  return bytes;
}

export class RamBlocks {
  /** Bytes of memory in all. */
  readonly size: number;
  readonly pageSize: number;
  readonly pages: number;
  readonly blockBytes: number;
  readonly pagesPerBlock: number;
  /** The blocks in address order; all are blockBytes long but the last. */
  readonly blocks: readonly Buffer[];
  /** A 32-bit word view of each block (page contents for the workload's writes and word checks). */
  readonly words: readonly Int32Array[];
  /** log2(pagesPerBlock): page → block is a shift. */
  private readonly blockShift: number;
  private readonly pageMask: number;
  private readonly wordsPerPage: number;
  private readonly zero: Buffer;

  constructor(size: number, pageSize: number, blockBytes: number = RAM_BLOCK_BYTES, deviceId = 'ram') {
    checkRamBlockBytes(blockBytes, `device '${deviceId}'`);
    if (pageSize > blockBytes) throw new DeviceSpecError(`device '${deviceId}': page size ${pageSize} is larger than the block size ${blockBytes}`);
    this.size = size;
    this.pageSize = pageSize;
    this.pages = size / pageSize;
    this.blockBytes = blockBytes;
    this.pagesPerBlock = blockBytes / pageSize;
    this.blockShift = Math.log2(this.pagesPerBlock);
    this.pageMask = this.pagesPerBlock - 1;
    this.wordsPerPage = pageSize >>> 2;
    this.zero = Buffer.alloc(pageSize);
    const blocks: Buffer[] = [];
    for (let off = 0; off < size; off += blockBytes) {
      const n = Math.min(blockBytes, size - off);
      try {
        // calloc: zero pages from the kernel, resident only once touched. (Not a
        // SharedArrayBuffer: V8 copies into those with a word-by-word relaxed-atomic
        // memmove, which cost 2/3 of the destination's CPU.)
        blocks.push(Buffer.alloc(n));
      } catch (err) {
        // The process cannot map this much (address space, overcommit, a cgroup's
        // limit): the operator's configuration, not a crash (exit 2 at start-up).
        throw new DeviceSpecError(
          `device '${deviceId}': cannot allocate ${size} bytes of RAM: block ${blocks.length + 1} of ${Math.ceil(size / blockBytes)} (${n} bytes) failed (${err instanceof Error ? err.message : String(err)})`,
        );
      }
    }
    this.blocks = blocks;
    this.words = blocks.map((b) => new Int32Array(b.buffer, b.byteOffset, b.length >>> 2));
  }

  /** The block holding a page. */
  blockOf(page: number): number {
    return page >>> this.blockShift;
  }

  /** Whether a page is the first of its block (a normal run must not go on across it). */
  startsBlock(page: number): boolean {
    return (page & this.pageMask) === 0;
  }

  /** Pages from `page` to the end of its block. */
  pagesLeftInBlock(page: number): number {
    return this.pagesPerBlock - (page & this.pageMask);
  }

  /** A view (no copy) of pages [first, first + count), which must lie in one block. */
  view(first: number, count: number): Buffer {
    const b = first >>> this.blockShift;
    const at = (first & this.pageMask) * this.pageSize;
    const block = this.blocks[b];
    if (!block || at + count * this.pageSize > block.length) throw new RangeError(`pages ${first}+${count} are not inside one block`);
    return block.subarray(at, at + count * this.pageSize);
  }

  /**
   * Views (no copy) of pages [first, first + count), one per block it touches,
   * pushed onto `out`. A receiver's regions for a run the sender cut otherwise.
   */
  viewsOf(first: number, count: number, out: Buffer[]): void {
    let p = first;
    const end = first + count;
    while (p < end) {
      const n = Math.min(end - p, this.pagesLeftInBlock(p));
      out.push(this.view(p, n));
      p += n;
    }
  }

  /** Copies the cursor's next count pages into pages [first, first + count), block by block. */
  copyIn(cursor: SliceCursor, first: number, count: number): void {
    let p = first;
    const end = first + count;
    while (p < end) {
      const n = Math.min(end - p, this.pagesLeftInBlock(p));
      cursor.copyTo(this.blocks[p >>> this.blockShift]!, (p & this.pageMask) * this.pageSize, n * this.pageSize);
      p += n;
    }
  }

  /** Copies pages [from, from + count) over pages [to, to + count) (the ranges must not overlap), block by block on both sides. */
  copyPages(from: number, to: number, count: number): void {
    while (count > 0) {
      const n = Math.min(count, this.pagesLeftInBlock(from), this.pagesLeftInBlock(to));
      this.view(to, n).set(this.view(from, n));
      from += n;
      to += n;
      count -= n;
    }
  }

  /** True if the page holds only zero bytes (reads it: the caller knows it was written). */
  isZero(page: number): boolean {
    const b = page >>> this.blockShift;
    const inBlock = page & this.pageMask;
    // Random data fails the first word at once; only then a memcmp.
    if (this.words[b]![inBlock * this.wordsPerPage] !== 0) return false;
    const off = inBlock * this.pageSize;
    return this.zero.compare(this.blocks[b]!, off, off + this.pageSize) === 0;
  }

  /** Writes zeroes over one page. */
  zeroPage(page: number): void {
    const off = (page & this.pageMask) * this.pageSize;
    this.blocks[page >>> this.blockShift]!.fill(0, off, off + this.pageSize);
  }

  /** Touches one page (writes a zero byte into a page known to be zero): the kernel's first-touch cost, paid now. */
  touch(page: number): void {
    this.blocks[page >>> this.blockShift]![(page & this.pageMask) * this.pageSize] = 0;
  }

  /** Sets 32-bit word `w` of a page. */
  setWord(page: number, w: number, value: number): void {
    this.words[page >>> this.blockShift]![(page & this.pageMask) * this.wordsPerPage + w] = value;
  }

  /** Copies `data` into memory at byte `offset` (may span blocks). */
  write(offset: number, data: Uint8Array): void {
    if (offset < 0 || offset + data.length > this.size) throw new RangeError(`write ${offset}+${data.length} outside ${this.size} bytes`);
    let done = 0;
    while (done < data.length) {
      const at = offset + done;
      const b = Math.floor(at / this.blockBytes);
      const inBlock = at - b * this.blockBytes;
      const n = Math.min(data.length - done, this.blockBytes - inBlock);
      this.blocks[b]!.set(data.subarray(done, done + n), inBlock);
      done += n;
    }
  }

  /** A copy of bytes [offset, offset + length) (for tests and tools, not the data path). */
  read(offset: number, length: number): Buffer {
    if (offset < 0 || offset + length > this.size) throw new RangeError(`read ${offset}+${length} outside ${this.size} bytes`);
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const at = offset + done;
      const b = Math.floor(at / this.blockBytes);
      const inBlock = at - b * this.blockBytes;
      const n = Math.min(length - done, this.blockBytes - inBlock);
      this.blocks[b]!.copy(out, done, inBlock, inBlock + n);
      done += n;
    }
    return out;
  }

  /** One byte of memory. */
  byteAt(offset: number): number {
    const b = Math.floor(offset / this.blockBytes);
    return this.blocks[b]![offset - b * this.blockBytes]!;
  }

  /** Same size and the same bytes, whatever the two block sizes are. */
  equals(other: RamBlocks): boolean {
    if (other.size !== this.size) return false;
    const step = Math.min(this.blockBytes, other.blockBytes);
    for (let off = 0; off < this.size; off += step) {
      const n = Math.min(step, this.size - off);
      if (!this.slice(off, n).equals(other.slice(off, n))) return false;
    }
    return true;
  }

  /** A view of [offset, offset + length), which must lie in one block. */
  private slice(offset: number, length: number): Buffer {
    const b = Math.floor(offset / this.blockBytes);
    const inBlock = offset - b * this.blockBytes;
    return this.blocks[b]!.subarray(inBlock, inBlock + length);
  }
}
