/**
 * RAM's load path (ram.ts loadState / payloadTargets) case by case: the START
 * check, the run checks at their exact bounds, the payload length, pages
 * copied from slices and in place, zero runs (a page with data is zeroed, a
 * known-zero page is never written), the counters, and the digest following
 * what was loaded (verify on or off).
 */
import { describe, expect, it, vi } from 'vitest';
import { RamDevice } from '../src/devices/ram';
import { parseDeviceSpec, type RamSpec } from '../src/device-spec';
import { ProtocolError } from '../src/errors';
import { recordingLoadContext } from '../src/testing';
import { refusal } from './helpers/refusal';

const START = 1;
const PART = 2;
const END = 3;
const FULL = 4;
const PAGES = 64;
const PS = 4096;

function dest(verify = false): RamDevice {
  const d = new RamDevice(parseDeviceSpec(`ram,id=ram0,size=${PAGES * 4}K,fill=zero`) as RamSpec, 'destination');
  d.loadSetup({ ...recordingLoadContext(false), verify });
  return d;
}
const page = (fill: number) => Buffer.alloc(PS, fill);
const part = (normalRuns: number[], zeroRuns: number[], payload: Buffer[], inPlace?: boolean) => ({
  type: PART,
  version: 1,
  header: { normalRuns, zeroRuns },
  payload,
  payloadLength: payload.reduce((n, b) => n + b.length, 0),
  ...(inPlace === undefined ? {} : { inPlace }),
});

describe('ram load: START, END and other sections', () => {
  it('START must describe this RAM exactly and carry no payload', () => {
    const d = dest();
    expect(() => d.loadState({ type: START, version: 1, header: { pageSize: PS, totalBytes: PAGES * PS }, payload: [], payloadLength: 0 })).not.toThrow();
    expect(refusal(() => d.loadState({ type: START, version: 1, header: { pageSize: 8192, totalBytes: PAGES * PS }, payload: [], payloadLength: 0 }), ProtocolError)).toBe(
      `ram0: source RAM is ${PAGES * PS} bytes in 8192-byte pages, destination has ${PAGES * PS} in ${PS}`,
    );
    expect(refusal(() => d.loadState({ type: START, version: 1, header: { pageSize: PS, totalBytes: PS }, payload: [], payloadLength: 0 }), ProtocolError)).toBe(
      `ram0: source RAM is ${PS} bytes in ${PS}-byte pages, destination has ${PAGES * PS} in ${PS}`,
    );
    expect(refusal(() => d.loadState({ type: START, version: 1, header: { pageSize: PS, totalBytes: PAGES * PS }, payload: [page(1)], payloadLength: PS }), ProtocolError)).toBe(
      `ram0: section payload is ${PS} bytes, its header describes 0`,
    );
  });

  it('END carries no payload; FULL (or anything else) is not a RAM section', () => {
    const d = dest();
    expect(() => d.loadState({ type: END, version: 1, header: {}, payload: [], payloadLength: 0 })).not.toThrow();
    expect(refusal(() => d.loadState({ type: END, version: 1, header: {}, payload: [page(0)], payloadLength: PS }), ProtocolError)).toBe(`ram0: section payload is ${PS} bytes, its header describes 0`);
    expect(refusal(() => d.loadState({ type: FULL, version: 1, header: {}, payload: [], payloadLength: 0 }), ProtocolError)).toBe('ram0: unexpected section type 4 for ram');
    expect(d.payloadTargets(END, {}, 0)).toBeNull();
    expect(d.payloadTargets(START, { normalRuns: [0, 1] }, PS)).toBeNull();
  });
});

describe('ram load: the run checks', () => {
  it('a run may end exactly at the last page; one page further, or an empty run, is refused', () => {
    const d = dest();
    expect(() => d.loadState(part([PAGES - 1, 1], [], [page(1)]))).not.toThrow();
    expect(() => d.loadState(part([], [PAGES - 2, 2], []))).not.toThrow();
    expect(refusal(() => d.loadState(part([PAGES - 1, 2], [], [page(1), page(1)])), ProtocolError)).toBe(`ram0: page run ${PAGES - 1}+2 is outside the ${PAGES} pages`);
    expect(refusal(() => d.loadState(part([], [PAGES, 1], [])), ProtocolError)).toBe(`ram0: page run ${PAGES}+1 is outside the ${PAGES} pages`);
    expect(refusal(() => d.loadState(part([3, 0], [], [])), ProtocolError)).toBe(`ram0: page run 3+0 is outside the ${PAGES} pages`);
    expect(refusal(() => d.loadState(part([], [3, 0], [])), ProtocolError)).toBe(`ram0: page run 3+0 is outside the ${PAGES} pages`);
  });

  it('an odd run list is refused, normal or zero', () => {
    const d = dest();
    expect(refusal(() => d.loadState(part([1], [], [])), ProtocolError)).toBe('ram0: odd page-run list');
    expect(refusal(() => d.loadState(part([], [1, 2, 3], [])), ProtocolError)).toBe('ram0: odd page-run list');
    expect(refusal(() => d.payloadTargets(PART, { normalRuns: [1, 1, 2] }, PS), ProtocolError)).toBe('ram0: odd page-run list');
  });

  it('the payload must be exactly the normal pages the header describes', () => {
    const d = dest();
    expect(refusal(() => d.loadState(part([0, 2], [], [page(1)])), ProtocolError)).toBe(`ram0: section payload is ${PS} bytes, its header describes ${2 * PS}`);
    expect(refusal(() => d.loadState(part([0, 1], [5, 1], [page(1), Buffer.alloc(1)])), ProtocolError)).toBe(`ram0: section payload is ${PS + 1} bytes, its header describes ${PS}`);
    expect(refusal(() => d.payloadTargets(PART, { normalRuns: [0, 1] }, PS - 1), ProtocolError)).toBe(`ram0: section payload is ${PS - 1} bytes, its header describes ${PS}`);
    expect(refusal(() => d.payloadTargets(PART, {}, PS), ProtocolError)).toBe(`ram0: section payload is ${PS} bytes, its header describes 0`);
  });

  it('zero pages per frame: the sender\'s bound plus one bitmap word is taken, one more is refused', () => {
    const big = new RamDevice(parseDeviceSpec('ram,id=big,size=2G,fill=zero') as RamSpec, 'destination');
    big.loadSetup(recordingLoadContext(false));
    const max = 256 * 1024 + 32;
    expect(() => big.loadState(part([], [0, max], []))).not.toThrow();
    expect(big.stats.zeroPages).toBe(max);
    expect(refusal(() => big.loadState(part([], [0, max - 10, 0, 11], [])), ProtocolError)).toBe(`big: section describes ${max + 1} zero pages, more than the ${max} a frame may carry`);
  });
});

describe('ram load: pages', () => {
  it('copies normal runs from slices split anywhere, and counts them', () => {
    const d = dest();
    const bytes = Buffer.concat([page(0x11), page(0x22), page(0x33)]);
    d.loadState(part([2, 2, 10, 1], [], [bytes.subarray(0, 100), bytes.subarray(100, 5000), bytes.subarray(5000)]));
    expect(d.memory.read(2 * PS, 2 * PS)).toEqual(bytes.subarray(0, 2 * PS));
    expect(d.memory.read(10 * PS, PS)).toEqual(page(0x33));
    expect(d.memory.read(4 * PS, PS)).toEqual(page(0));
    expect(d.stats.normalPages).toBe(3);
    expect(d.isZeroPage(2)).toBe(false);
    expect(d.isZeroPage(4)).toBe(true);
  });

  it('in place: payloadTargets names the memory (one region per run) and marks it; the load then only counts', () => {
    const d = dest();
    const regions = d.payloadTargets(PART, { normalRuns: [1, 2, 7, 1] }, 3 * PS)!;
    expect(regions.map((r) => r.length)).toEqual([2 * PS, PS]);
    regions[0]!.fill(0x44);
    regions[1]!.fill(0x55);
    d.loadState(part([1, 2, 7, 1], [], [], true));
    expect(d.stats.normalPages).toBe(3);
    expect(d.memory.read(PS, 2 * PS).every((b) => b === 0x44)).toBe(true);
    expect(d.memory.byteAt(7 * PS)).toBe(0x55);
    // The pages are known to hold data: a zero run over them now zeroes them.
    d.loadState(part([], [0, 8], []));
    expect(d.memory.read(0, 8 * PS).every((b) => b === 0)).toBe(true);
    expect(d.stats.zeroPages).toBe(8);
  });

  it('zero runs: a page with data is zeroed, a page known zero is not written, a written page that is zero only read', () => {
    const d = dest();
    d.loadState(part([3, 1, 9, 1], [], [page(7), Buffer.alloc(PS)]));
    const zeroed = vi.spyOn(d.memory, 'zeroPage');
    d.loadState(part([], [0, 16], []));
    expect(zeroed.mock.calls).toEqual([[3]]);
    zeroed.mockRestore();
    expect(d.memory.byteAt(3 * PS)).toBe(0);
    expect(d.stats.zeroPages).toBe(16);
    expect(d.isZeroPage(3)).toBe(true);
    // Now known zero: a second run writes nothing and reads nothing.
    const read = vi.spyOn(d.memory, 'isZero');
    d.loadState(part([], [0, 16], []));
    expect(read).not.toHaveBeenCalled();
    read.mockRestore();
  });

  it('a zero run only looks inside itself', () => {
    const d = dest();
    d.loadState(part([4, 1, 5, 1], [], [page(1), page(2)]));
    d.loadState(part([], [5, 1], []));
    expect(d.memory.byteAt(4 * PS)).toBe(1);
    expect(d.memory.byteAt(5 * PS)).toBe(0);
    d.loadState(part([], [0, 4], []));
    expect(d.memory.byteAt(4 * PS)).toBe(1);
  });

  it('loadSetup resets the load counters', () => {
    const d = dest();
    d.loadState(part([0, 1], [1, 2], [page(1)]));
    expect([d.stats.normalPages, d.stats.zeroPages]).toEqual([1, 2]);
    d.loadSetup(recordingLoadContext(false));
    expect([d.stats.normalPages, d.stats.zeroPages]).toEqual([0, 0]);
  });
});

describe('ram load: the digest follows what was loaded', () => {
  function source(contents: Array<[number, number]>): RamDevice {
    const s = new RamDevice(parseDeviceSpec(`ram,id=ram0,size=${PAGES * 4}K,fill=zero`) as RamSpec, 'source');
    for (const [p, fill] of contents) s.write(p * PS, page(fill));
    return s;
  }

  for (const verify of [false, true]) {
    it(`verify ${verify ? 'on (digested as loaded)' : 'off'}: copied, in-place and zeroed pages all count`, () => {
      const d = dest(verify);
      d.digest(); // every unit hashed once: now only what the load marks stale is redone
      d.loadState(part([0, 2], [], [Buffer.concat([page(1), page(2)])]));
      const r = d.payloadTargets(PART, { normalRuns: [20, 1] }, PS)!;
      r[0]!.fill(3);
      d.loadState(part([20, 1], [], [], true));
      d.loadState(part([40, 1], [], [page(4)]));
      d.loadState(part([], [40, 1], []));
      expect(d.digest()).toEqual(source([[0, 1], [1, 2], [20, 3]]).digest());
      // Cleanup distrusts what was hashed: a page changed behind the digest's back shows after it.
      d.memory.write(0, Buffer.from([9]));
      d.loadCleanup();
      const changed = source([[0, 1], [1, 2], [20, 3]]);
      changed.write(0, Buffer.from([9]));
      expect(d.digest()).toEqual(changed.digest());
    });
  }
});

describe('ram load: what the load leaves for later', () => {
  it('RAM never gates switchover', () => {
    expect(dest().switchoverAckNeeded()).toBe(false);
  });

  it('a normal run marks only its own pages as holding data', () => {
    const d = dest();
    d.loadState(part([3, 1], [], [page(1)]));
    const isZero = vi.spyOn(d.memory, 'isZero');
    d.loadState(part([], [4, 1], []));
    expect(isZero).not.toHaveBeenCalled();
    isZero.mockRestore();
    expect(d.isZeroPage(4)).toBe(true);
  });

  it('verify on: pages are digested as they land (only known-zero units are left); off: all of it is left', () => {
    const on = dest(true);
    on.digest();
    on.loadState(part([0, 1], [], [page(1)]));
    // Digested at once: the background pass finds nothing stale but the known-zero units it looks at.
    expect(on.refreshDigest(Number.POSITIVE_INFINITY)).toBe(0);
    const off = dest(false);
    off.digest();
    off.loadState(part([0, 1], [], [page(1)]));
    expect(off.refreshDigest(Number.POSITIVE_INFINITY)).toBe(16 * 1024);
  });

  it('after cleanup nothing is trusted, and verify is off until the next setup', () => {
    const d = dest(true);
    d.loadState(part([0, 1], [], [page(1)]));
    d.loadCleanup();
    // Lazy again: one pass hashes everything, the next finds nothing.
    expect(d.refreshDigest(Number.POSITIVE_INFINITY)).toBe(PAGES * PS);
    expect(d.refreshDigest(Number.POSITIVE_INFINITY)).toBe(0);
  });
});
