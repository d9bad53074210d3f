/**
 * RamScanner's edges, exactly: the run limit, whole words of untouched pages
 * (only when all 32 are pending and none written, joined to a zero run before
 * them), a RAM that ends inside a word, normal runs ended at a block boundary
 * while zero runs go on, the cursor after a batch, and what isZeroPage reads.
 */
import { describe, expect, it, vi } from 'vitest';
import { DirtyBitmap } from '../src/dirty-bitmap';
import { RamBlocks } from '../src/devices/ram-blocks';
import { RamScanner } from '../src/devices/ram-scanner';

const PS = 4096;
const LIMITS = { maxNormalPages: 1 << 20, maxRuns: 1 << 20, maxZeroPages: 1 << 20 };

function setup(pages: number, blockBytes = 1 << 30) {
  const memory = new RamBlocks(pages * PS, PS, blockBytes, 'ram0');
  const toSend = new DirtyBitmap(pages);
  const written = new DirtyBitmap(pages);
  const scanner = new RamScanner({ memory, toSend, written });
  const dataPage = (p: number): void => {
    memory.write(p * PS + 9, Buffer.from([5]));
    written.set(p);
  };
  return { memory, toSend, written, scanner, dataPage };
}

describe('RamScanner edges', () => {
  it('stops at the run limit (the open run included), the rest stays pending', () => {
    const { toSend, scanner, dataPage } = setup(64);
    toSend.setAll();
    for (const p of [1, 3, 5, 7]) dataPage(p);
    const b = scanner.next({ ...LIMITS, maxRuns: 3 })!;
    // zero 0, normal 1, zero 2 are closed when the limit is reached; the run still open (normal 3)
    // goes in too, so a batch holds at most maxRuns + 1 runs (the header bound has room for it).
    expect(b.zeroRuns).toEqual([0, 1, 2, 1]);
    expect(b.normalRuns).toEqual([1, 1, 3, 1]);
    expect(scanner.cursor).toBe(4);
    expect(toSend.count).toBe(60);
    const rest = scanner.next(LIMITS)!;
    expect(rest.normalRuns).toContain(7);
    expect(toSend.count).toBe(0);
  });

  it('a whole untouched word is 32 zero pages at once, joined to the zero run before it', () => {
    const { toSend, written, scanner, memory } = setup(96);
    toSend.setAll();
    written.set(5); // written but zero: read, found zero
    const isZero = vi.spyOn(memory, 'isZero');
    const b = scanner.next(LIMITS)!;
    expect(b.zeroRuns).toEqual([0, 96]);
    expect(b.normalRuns).toEqual([]);
    expect(b.zeroPages).toBe(96);
    // Only page 5 was read (the first word has a written page: page by page; the other two words at once).
    expect(isZero.mock.calls).toEqual([[5]]);
    expect(written.test(5)).toBe(false);
  });

  it('a word with a page not pending is taken page by page; a normal run before a whole zero word ends there', () => {
    const { toSend, scanner, dataPage } = setup(96);
    toSend.setAll();
    toSend.clear(40); // word 1 is not all pending
    dataPage(31); // a normal page right before word 1
    const b = scanner.next(LIMITS)!;
    expect(b.normalRuns).toEqual([31, 1]);
    expect(b.zeroRuns).toEqual([0, 31, 32, 8, 41, 55]);
    expect(b.zeroPages).toBe(94);
  });

  it('a RAM that ends inside a bitmap word: no page past the end, the cursor wraps to 0', () => {
    const { toSend, scanner, dataPage } = setup(40);
    toSend.setAll();
    dataPage(39);
    const b = scanner.next(LIMITS)!;
    expect(b.normalRuns).toEqual([39, 1]);
    expect(b.zeroRuns).toEqual([0, 39]);
    expect(b.normalPages + b.zeroPages).toBe(40);
    expect(scanner.cursor).toBe(0);
    expect(scanner.next(LIMITS)).toBeNull();
  });

  it('a cursor at or past the end starts at 0', () => {
    const { toSend, scanner, dataPage } = setup(64);
    dataPage(2);
    toSend.set(2);
    scanner.cursor = 64;
    expect(scanner.next(LIMITS)!.normalRuns).toEqual([2, 1]);
    expect(scanner.cursor).toBe(3);
    toSend.set(2);
    scanner.cursor = 1000;
    expect(scanner.next(LIMITS)!.normalRuns).toEqual([2, 1]);
  });

  it('normal runs end at a block boundary (one view per block); zero runs go on across it', () => {
    const { toSend, scanner, dataPage, memory } = setup(64, 64 * 1024); // 16 pages per block
    toSend.setAll();
    for (let p = 14; p < 18; p++) dataPage(p);
    const b = scanner.next(LIMITS)!;
    expect(b.normalRuns).toEqual([14, 2, 16, 2]);
    expect(b.payload.map((v) => v.length)).toEqual([2 * PS, 2 * PS]);
    expect(b.payload[1]!.buffer).toBe(memory.blocks[1]!.buffer);
    expect(b.zeroRuns).toEqual([0, 14, 18, 46]);
  });

  it('the normal-page limit: exactly that many, and the batch ends there', () => {
    const { toSend, scanner, dataPage } = setup(64);
    toSend.setAll();
    for (let p = 0; p < 10; p++) dataPage(p);
    const b = scanner.next({ ...LIMITS, maxNormalPages: 4 })!;
    expect(b.normalRuns).toEqual([0, 4]);
    expect(b.zeroRuns).toEqual([]);
    expect(scanner.cursor).toBe(4);
    const c = scanner.next({ ...LIMITS, maxNormalPages: 6 })!;
    expect(c.normalRuns).toEqual([4, 6]);
  });

  it('the zero-page limit counts pages one by one too', () => {
    const { toSend, written, scanner } = setup(64);
    toSend.setAll();
    written.setAll(); // every page must be read: no whole-word steps
    const b = scanner.next({ ...LIMITS, maxZeroPages: 5 })!;
    expect(b.zeroRuns).toEqual([0, 5]);
    expect(b.zeroPages).toBe(5);
    expect(toSend.count).toBe(59);
  });

  it('isZeroPage reads memory only for written pages', () => {
    const { scanner, written, memory } = setup(64);
    const isZero = vi.spyOn(memory, 'isZero');
    expect(scanner.isZeroPage(3)).toBe(true);
    expect(isZero).not.toHaveBeenCalled();
    written.set(3);
    expect(scanner.isZeroPage(3)).toBe(true);
    expect(isZero).toHaveBeenCalledWith(3);
    memory.write(3 * PS, Buffer.from([1]));
    expect(scanner.isZeroPage(3)).toBe(false);
  });

  it('the batch is reused: each call starts empty', () => {
    const { toSend, scanner, dataPage } = setup(64);
    dataPage(1);
    toSend.set(1);
    const a = scanner.next(LIMITS)!;
    expect(a.normalPages).toBe(1);
    toSend.set(9);
    const b = scanner.next(LIMITS)!;
    expect(b).toBe(a);
    expect(b.normalRuns).toEqual([]);
    expect(b.zeroRuns).toEqual([9, 1]);
    expect([b.normalPages, b.zeroPages, b.payload.length]).toEqual([0, 1, 0]);
  });

  it('at the wrap, the open run is closed and counts against the run limit (checked at each step)', () => {
    const { toSend, scanner, dataPage } = setup(64);
    for (const p of [63, 0, 2, 4]) {
      dataPage(p);
      toSend.set(p);
    }
    scanner.cursor = 63;
    const b = scanner.next({ ...LIMITS, maxRuns: 1 })!;
    // 63 is closed at the wrap: one run, the limit; the page in hand (0) still goes in, then the scan ends.
    expect(b.normalRuns).toEqual([63, 1, 0, 1]);
    expect(b.zeroRuns).toEqual([]);
    expect(scanner.cursor).toBe(1);
    expect(scanner.next(LIMITS)!.normalRuns).toEqual([2, 1, 4, 1]);
  });

  it('one pending page at the start of an untouched word is one zero page, not the word', () => {
    const { toSend, scanner } = setup(64);
    toSend.set(0);
    toSend.set(33);
    const b = scanner.next(LIMITS)!;
    expect(b.zeroRuns).toEqual([0, 1, 33, 1]);
    expect(b.zeroPages).toBe(2);
  });

  it('a normal run right before a whole untouched word ends there; the word is a zero run of its own', () => {
    const { toSend, scanner, dataPage } = setup(96);
    toSend.setAll();
    dataPage(31);
    const b = scanner.next(LIMITS)!;
    expect(b.normalRuns).toEqual([31, 1]);
    expect(b.payload.map((v) => v.length)).toEqual([PS]);
    expect(b.zeroRuns).toEqual([0, 31, 32, 64]);
  });

  it('no room for a single normal page: nothing is taken, and the answer is null', () => {
    const { toSend, scanner, dataPage } = setup(64);
    dataPage(1);
    toSend.set(1);
    expect(scanner.next({ ...LIMITS, maxNormalPages: 0 })).toBeNull();
    expect(toSend.count).toBe(1);
  });
});
