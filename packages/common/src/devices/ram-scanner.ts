/**
 * The save-side scan of a RAM device: takes pending pages from the send
 * bitmap and groups them into a batch of page runs for one PART section
 * (QEMU ram_find_and_save_block + save_zero_page, batched).
 *
 * - Contiguous non-zero pages become one normal run and one view of guest
 *   memory in the payload (no copy). A normal run ends at a block boundary
 *   (ram-blocks.ts), so each view lies in one block; zero runs carry no
 *   bytes and may go on across it.
 * - Zero pages become zero runs (a flag, no bytes). A page that was never
 *   written (`written` bit clear) is known to be zero without reading it; a
 *   written page is zero when its first word is 0 and a memcmp against a zero
 *   page says so (random data fails the first test at once).
 * - The bitmaps are walked a 32-bit word at a time: clean words are skipped,
 *   and a word whose 32 pages are all pending and never written becomes 32
 *   zero pages in one step (4 GiB of untouched RAM is 32 768 words).
 * - No closures or promises per page; the batch arrays are reused, so the
 *   consumer must be done with them (not with the payload views) when it returns.
 */
import type { DirtyBitmap } from '../dirty-bitmap';
import type { RamBlocks } from './ram-blocks';

export interface PageBatch {
  /** (first page, count) pairs of pages sent with their bytes, in payload order. */
  readonly normalRuns: number[];
  /** (first page, count) pairs of zero pages. */
  readonly zeroRuns: number[];
  /** Views of guest memory, one per normal run. */
  readonly payload: Buffer[];
  normalPages: number;
  zeroPages: number;
}

export interface ScanLimits {
  /** Most normal pages in one batch (payload size ÷ page size). */
  maxNormalPages: number;
  /** Most runs (normal + zero) in one batch: keeps the header small. */
  maxRuns: number;
  /** Most zero pages in one batch: bounds the work of one batch on zero memory. */
  maxZeroPages: number;
}

export class RamScanner {
  private readonly memory: RamBlocks;
  private readonly pages: number;
  private readonly toSend: DirtyBitmap;
  private readonly written: DirtyBitmap;
  private readonly batch: PageBatch = { normalRuns: [], zeroRuns: [], payload: [], normalPages: 0, zeroPages: 0 };
  /** Where the next scan starts (QEMU's last_seen_block/last_page). */
  cursor = 0;

  constructor(opts: { memory: RamBlocks; toSend: DirtyBitmap; written: DirtyBitmap }) {
    this.memory = opts.memory;
    this.pages = opts.toSend.size;
    this.toSend = opts.toSend;
    this.written = opts.written;
  }

  /** True if the page holds only zero bytes. Reads memory only for pages that were written. */
  isZeroPage(page: number): boolean {
    return !this.written.test(page) || this.memory.isZero(page);
  }

  /** Takes the next batch of pending pages, or null when none are pending. */
  next(limits: ScanLimits): PageBatch | null {
    const b = this.batch;
    b.normalRuns.length = 0;
    b.zeroRuns.length = 0;
    b.payload.length = 0;
    b.normalPages = 0;
    b.zeroPages = 0;
    const toSend = this.toSend;
    if (toSend.count === 0) return null;
    const pending = toSend.words;
    const written = this.written.words;
    const pages = this.pages;
    let runStart = 0;
    let runLen = 0;
    let runZero = false;
    let runs = 0;
    let page = this.cursor >= pages ? 0 : this.cursor;

    while (toSend.count > 0 && b.normalPages < limits.maxNormalPages && b.zeroPages < limits.maxZeroPages && runs < limits.maxRuns) {
      if (page >= pages) {
        // Wrap around; a run never spans the end of RAM.
        if (runLen > 0) {
          runs++;
          this.pushRun(runStart, runLen, runZero);
          runLen = 0;
        }
        page = 0;
      }
      const w = page >>> 5;
      const shift = page & 31;
      const bits = shift === 0 ? pending[w]! : pending[w]! >>> shift;
      if (bits === 0) {
        page = (w + 1) << 5;
        continue;
      }
      if (shift === 0 && bits === -1 >>> 0 && written[w] === 0) {
        // 32 pending pages, none ever written: 32 zero pages at once.
        toSend.clearWord(w);
        if (runLen > 0 && runZero && runStart + runLen === page) runLen += 32;
        else {
          if (runLen > 0) {
            runs++;
            this.pushRun(runStart, runLen, runZero);
          }
          runStart = page;
          runLen = 32;
          runZero = true;
        }
        b.zeroPages += 32;
        page += 32;
        continue;
      }
      // Skip to the first pending page in this word.
      page += 31 - Math.clz32(bits & -bits);
      if (page >= pages) continue;
      toSend.clear(page);
      const zero = this.isZeroPage(page);
      // A normal run (one view of memory) does not go on into the next block.
      if (runLen > 0 && (zero !== runZero || runStart + runLen !== page || (!zero && this.memory.startsBlock(page)))) {
        runs++;
        this.pushRun(runStart, runLen, runZero);
        runLen = 0;
      }
      if (runLen === 0) {
        runStart = page;
        runZero = zero;
      }
      runLen++;
      if (zero) {
        b.zeroPages++;
        // Verified zero: no need to read it again until it is written.
        this.written.clear(page);
      } else b.normalPages++;
      page++;
    }
    if (runLen > 0) this.pushRun(runStart, runLen, runZero);
    this.cursor = page >= pages ? 0 : page;
    return b.normalRuns.length === 0 && b.zeroRuns.length === 0 ? null : b;
  }

  private pushRun(first: number, count: number, zero: boolean): void {
    const b = this.batch;
    if (zero) b.zeroRuns.push(first, count);
    else {
      b.normalRuns.push(first, count);
      b.payload.push(this.memory.view(first, count));
    }
  }
}
