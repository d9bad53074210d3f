/**
 * RamScanner: pending pages become batches of runs; never-written pages are
 * zero without a read; written zero pages are found by content; limits hold;
 * and the scan wraps around from its cursor.
 */
import { describe, expect, it } from 'vitest';
import { DirtyBitmap } from '../src/dirty-bitmap';
import { RamBlocks } from '../src/devices/ram-blocks';
import { RamScanner } from '../src/devices/ram-scanner';

const PS = 4096;

function setup(pages: number) {
  const memory = new RamBlocks(pages * PS, PS); // one block: smaller than a block
  const mem = memory.blocks[0]!;
  const toSend = new DirtyBitmap(pages);
  const written = new DirtyBitmap(pages);
  const scanner = new RamScanner({ memory, toSend, written });
  const dataPage = (p: number, byteAt = 0): void => {
    mem[p * PS + byteAt] = 7;
    written.set(p);
  };
  return { mem, toSend, written, scanner, dataPage };
}

const LIMITS = { maxNormalPages: 1 << 20, maxRuns: 1 << 20, maxZeroPages: 1 << 20 };

describe('RamScanner', () => {
  it('groups pending pages into normal and zero runs with views of memory', () => {
    const { mem, toSend, written, scanner, dataPage } = setup(100);
    toSend.setAll();
    dataPage(3);
    dataPage(4, 4000); // non-zero beyond the first word
    written.set(5); // written, but zero again
    dataPage(70);
    const b = scanner.next(LIMITS)!;
    expect(b.normalRuns).toEqual([3, 2, 70, 1]);
    expect(b.zeroRuns).toEqual([0, 3, 5, 65, 71, 29]);
    expect(b.payload.map((p) => [p.byteOffset - mem.byteOffset, p.length])).toEqual([
      [3 * PS, 2 * PS],
      [70 * PS, PS],
    ]);
    expect(b.normalPages + b.zeroPages).toBe(100);
    expect(toSend.count).toBe(0);
    // A written page found zero is not read again.
    expect(written.test(5)).toBe(false);
    expect(scanner.next(LIMITS)).toBeNull();
  });

  it('takes a word of 32 untouched pending pages at once and respects the limits', () => {
    const { toSend, scanner, dataPage } = setup(256);
    toSend.setAll();
    for (const p of [10, 12, 14, 16]) dataPage(p);
    const b = scanner.next({ maxNormalPages: 2, maxRuns: 100, maxZeroPages: 1000 })!;
    expect(b.normalRuns).toEqual([10, 1, 12, 1]);
    expect(b.normalPages).toBe(2);
    const rest = scanner.next({ maxNormalPages: 100, maxRuns: 100, maxZeroPages: 64 })!;
    // Starts where the last batch stopped; stops at the zero-page limit (word steps may overshoot by < 32).
    expect(rest.normalRuns[0]).toBe(14);
    expect(rest.zeroPages).toBeGreaterThanOrEqual(64);
    expect(rest.zeroPages).toBeLessThan(64 + 32);
  });

  it('wraps around from the cursor and never lets a run span the end', () => {
    const { toSend, scanner, dataPage } = setup(64);
    dataPage(63);
    dataPage(0);
    toSend.set(63);
    toSend.set(0);
    toSend.set(1);
    scanner.cursor = 40;
    const b = scanner.next(LIMITS)!;
    expect(b.normalRuns).toEqual([63, 1, 0, 1]);
    expect(b.zeroRuns).toEqual([1, 1]);
    expect(scanner.cursor).toBe(2);
  });
});
