/**
 * A RAM zero run costs work in proportion to the run, not to the RAM behind
 * it (issue: one 64 KiB header of 32,000 one-page zero runs used to walk the
 * `written` bitmap to the end of RAM once per run). Work is counted as reads
 * of the bitmap's words, not timed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { RamDevice } from '../src/devices/ram';
import { parseDeviceSpec, type RamSpec } from '../src/device-spec';
import type { DirtyBitmap } from '../src/dirty-bitmap';
import { ProtocolError } from '../src/errors';
import { recordingLoadContext } from '../src/testing';

const PART = 2; // livemig.SectionType.SECTION_PART

/** Replaces `bitmap.words` by a proxy that counts element reads. */
function countWordReads(bitmap: DirtyBitmap): { reads: number } {
  const counter = { reads: 0 };
  const target = bitmap.words;
  const proxy = new Proxy(target, {
    get(t, key) {
      if (typeof key === 'string' && key !== 'length' && /^\d+$/.test(key)) counter.reads++;
      const v = Reflect.get(t, key, t) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
  Object.defineProperty(bitmap, 'words', { value: proxy });
  return counter;
}

function written(ram: RamDevice): DirtyBitmap {
  return (ram as unknown as { written: DirtyBitmap }).written;
}

describe('ram zero-run loading', () => {
  // 256 MiB of 4 KiB pages: 65,536 pages, 2,048 bitmap words.
  const spec = parseDeviceSpec('ram,id=ram0,size=256M,fill=zero') as RamSpec;

  it('reads O(run) bitmap words per zero run, however much RAM lies past it', () => {
    const dst = new RamDevice(spec, 'destination');
    dst.loadSetup(recordingLoadContext(false));
    // One page near the end holds data, so a scan that runs on past the run has far to go.
    dst.write((dst.pages - 1) * dst.pageSize, Buffer.alloc(16, 0xee));
    const runs: number[] = [];
    const RUNS = 2000;
    for (let i = 0; i < RUNS; i++) runs.push(i * 2, 1); // 2,000 one-page runs, every other page
    const counter = countWordReads(written(dst));
    dst.loadState({ type: PART, version: 1, header: { zeroRuns: runs }, payload: [], payloadLength: 0 });
    // A bounded scan reads one word per one-page run (plus the bits it clears);
    // the old scan read ~2,048 words per run (4 million for this frame).
    expect(counter.reads).toBeLessThanOrEqual(RUNS * 2);
    expect(dst.stats.zeroPages).toBe(RUNS);
    // The page with data was not in any run and is untouched.
    expect(dst.memory.byteAt((dst.pages - 1) * dst.pageSize)).toBe(0xee);
  });

  it('still zeroes a written page inside a run and never writes a page already zero', () => {
    const dst = new RamDevice(spec, 'destination');
    dst.loadSetup(recordingLoadContext(false));
    dst.write(5 * dst.pageSize, Buffer.alloc(dst.pageSize, 7)); // stale data in page 5
    dst.write(40 * dst.pageSize, Buffer.alloc(8, 0)); // page 40 marked written but holds zeros
    const before = dst.memory.read(0, 64 * dst.pageSize);
    const zeroed = vi.spyOn(dst.memory, 'zeroPage');
    dst.loadState({ type: PART, version: 1, header: { zeroRuns: [0, 64] }, payload: [], payloadLength: 0 });
    // Only page 5 (stale data) was written; page 40 (marked written, but zero) was only read.
    expect(zeroed.mock.calls).toEqual([[5]]);
    zeroed.mockRestore();
    expect(dst.memory.read(5 * dst.pageSize, dst.pageSize).every((b) => b === 0)).toBe(true);
    expect(before.subarray(5 * dst.pageSize, 6 * dst.pageSize).some((b) => b !== 0)).toBe(true);
    // Both pages are now known zero: a second run over them reads one word per 32 pages and writes nothing.
    const counter = countWordReads(written(dst));
    dst.loadState({ type: PART, version: 1, header: { zeroRuns: [0, 64] }, payload: [], payloadLength: 0 });
    expect(counter.reads).toBeLessThanOrEqual(2);
  });

  it('refuses a frame whose zero runs add up to more pages than a sender puts in one frame', () => {
    const dst = new RamDevice(spec, 'destination');
    dst.loadSetup(recordingLoadContext(false));
    // Overlapping whole-RAM runs: tiny header, 5 × 65,536 zero pages.
    const runs = [0, dst.pages, 0, dst.pages, 0, dst.pages, 0, dst.pages, 0, dst.pages];
    expect(() => dst.loadState({ type: PART, version: 1, header: { zeroRuns: runs }, payload: [], payloadLength: 0 })).toThrow(ProtocolError);
    expect(() => dst.loadState({ type: PART, version: 1, header: { zeroRuns: runs }, payload: [], payloadLength: 0 })).toThrow(/zero pages, more than/);
  });
});

/** Resident memory of this process, from /proc (counts pages actually touched). */
function rssBytes(): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  if (!m) throw new Error('no VmRSS in /proc/self/status');
  return Number(m[1]) * 1024;
}

describe('ram zero pages are never written on the destination', () => {
  it('a zero run over pages never written touches none of them (resident memory does not grow)', () => {
    // 256 MiB of fresh (calloc) memory, nothing resident. A zero run over 128 MiB of
    // it must not write a byte: writing zeros there would fault in 128 MiB.
    const big = parseDeviceSpec('ram,id=ram0,size=256M,fill=zero') as RamSpec;
    const dst = new RamDevice(big, 'destination');
    dst.loadSetup(recordingLoadContext(false));
    const pages = (128 << 20) / dst.pageSize;
    const before = rssBytes();
    dst.loadState({ type: PART, version: 1, header: { zeroRuns: [0, pages / 2, pages / 2, pages / 2] }, payload: [], payloadLength: 0 });
    const grown = rssBytes() - before;
    expect(dst.stats.zeroPages).toBe(pages);
    expect(grown).toBeLessThan(16 << 20);
  });
});
