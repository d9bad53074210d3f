/**
 * The verify digests' building blocks (digest.ts, ram-digest.ts), with
 * exact expectations: XXH64 split into two words, the word hash the bench
 * compares against, the whole-buffer digests, UnitDigest's budgeted refresh
 * and its digest, and a RAM digest that equals the hash of the bytes, whatever
 * is known zero.
 */
import { createHash } from 'node:crypto';
import { xxh64 } from '@node-rs/xxhash';
import { describe, expect, it, vi } from 'vitest';
import { digestFast, digestWhole, hashBytes, hashWords, UnitDigest, wordsOf } from '../src/digest';
import { DirtyBitmap } from '../src/dirty-bitmap';
import { RamBlocks } from '../src/devices/ram-blocks';
import { RamDigest, RAM_DIGEST_UNIT_BYTES } from '../src/devices/ram-digest';

describe('hashBytes / digestWhole / digestFast', () => {
  it('hashBytes: XXH64 of the bytes, low word then high word, at the offset', () => {
    const b = Buffer.from('livemig unit hash');
    const out = new Uint32Array(4);
    hashBytes(b, out, 2);
    const h = xxh64(b);
    expect(out[0]).toBe(0);
    expect(out[2]).toBe(Number(h & 0xffffffffn));
    expect(out[3]).toBe(Number(h >> 32n));
  });

  it('digestWhole is SHA-256; digestFast is SHA-256 over the XXH64 words and the length', () => {
    const b = Buffer.from('some state');
    expect(digestWhole(b)).toEqual(createHash('sha256').update(b).digest());
    const w = new Uint32Array(2);
    hashBytes(b, w, 0);
    expect(digestFast(b)).toEqual(createHash('sha256').update(new Uint8Array(w.buffer)).update(String(b.length)).digest());
    expect(digestFast(Buffer.alloc(8))).not.toEqual(digestFast(Buffer.alloc(16)));
  });

  it('wordsOf: a 32-bit view of the same memory', () => {
    const b = Buffer.alloc(32);
    const w = wordsOf(b.subarray(16));
    expect(w.length).toBe(4);
    w[0] = -1;
    expect(b[16]).toBe(0xff);
    expect(b[15]).toBe(0);
  });
});

describe('hashWords (the bench\'s JavaScript baseline)', () => {
  const words = (n: number, seed: number) => Int32Array.from({ length: n }, (_, i) => Math.imul(i + 1, 0x9e3779b1) ^ seed);
  const hash = (w: Int32Array, start = 0, end = w.length) => {
    const out = new Uint32Array(2);
    hashWords(w, start, end, out, 0);
    return [out[0], out[1]];
  };
  it('is deterministic, unsigned, and changes with any word in any lane', () => {
    const w = words(64, 1);
    const base = hash(w);
    expect(hash(words(64, 1))).toEqual(base);
    for (const x of base) expect(x).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < 8; i++) {
      const v = words(64, 1);
      v[i] = v[i]! ^ 1;
      const h = hash(v);
      expect(h[0] !== base[0] || h[1] !== base[1], `word ${i}`).toBe(true);
    }
  });
  it('hashes only [start, end), and the length is part of the hash', () => {
    const w = words(64, 2);
    const v = words(64, 2);
    v[0] = 7;
    v[63] = 7;
    expect(hash(v, 4, 60)).toEqual(hash(w, 4, 60));
    expect(hash(w, 0, 32)).not.toEqual(hash(w, 0, 36));
    expect(hash(new Int32Array(8), 0, 4)).not.toEqual(hash(new Int32Array(8), 0, 8));
    // A known value, so a changed constant or rotation shows.
    expect(hash(Int32Array.from([1, 2, 3, 4]))).toEqual(KNOWN_1234);
  });
});
// hashWords of the words 1, 2, 3, 4 (computed once from the function as it is; the bench compares against it).
const KNOWN_1234 = (() => {
  let h1 = 0x9e3779b1 | 0;
  let h2 = 0x85ebca77 | 0;
  let h3 = 0x27d4eb2f | 0;
  let h4 = (0x165667b1 ^ 4) | 0;
  h1 = Math.imul(h1 ^ 1, 0x85ebca6b);
  h1 = (h1 << 13) | (h1 >>> 19);
  h2 = Math.imul(h2 ^ 2, 0xc2b2ae35);
  h2 = (h2 << 15) | (h2 >>> 17);
  h3 = Math.imul(h3 ^ 3, 0x85ebca6b);
  h3 = (h3 << 13) | (h3 >>> 19);
  h4 = Math.imul(h4 ^ 4, 0xc2b2ae35);
  h4 = (h4 << 15) | (h4 >>> 17);
  return [(h1 ^ Math.imul(h3, 0x27d4eb2f)) >>> 0, (h2 ^ Math.imul(h4, 0x165667b1)) >>> 0];
})();

describe('UnitDigest', () => {
  function make(units: number, unitBytes = 4096) {
    const hashed: number[] = [];
    const d = new UnitDigest(units, unitBytes, (u, out, o) => {
      hashed.push(u);
      out[o] = u * 3 + 1;
      out[o + 1] = u;
    });
    return { d, hashed };
  }

  it('every unit starts stale; refresh hashes about the budget, in order from where it stopped, wrapping', () => {
    const { d, hashed } = make(10);
    expect(d.staleBytes).toBe(10 * 4096);
    expect(d.refresh(3 * 4096)).toBe(3 * 4096);
    expect(hashed).toEqual([0, 1, 2]);
    expect(d.refresh(1)).toBe(4096); // at least one unit per call with budget left
    expect(hashed).toEqual([0, 1, 2, 3]);
    d.markStale(1);
    expect(d.refresh(Number.POSITIVE_INFINITY)).toBe(7 * 4096);
    expect(hashed).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1]);
    expect(d.staleBytes).toBe(0);
    expect(d.refresh(4096)).toBe(0);
    expect(d.refresh(0)).toBe(0);
  });

  it('the digest is SHA-256 over every unit hash (refreshing what is stale first)', () => {
    const { d, hashed } = make(3);
    d.refresh(4096);
    const want = new Uint32Array([1, 0, 4, 1, 7, 2]);
    expect(d.digest()).toEqual(createHash('sha256').update(new Uint8Array(want.buffer)).digest());
    expect(hashed).toEqual([0, 1, 2]);
    d.markAllStale();
    expect(d.staleBytes).toBe(3 * 4096);
    d.digest();
    expect(hashed).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('refreshWhere stops after one full lap, and goes on from where it stopped', () => {
    const { d, hashed } = make(10);
    expect(d.refreshWhere(() => false, 100 * 4096)).toBe(10 * 4096); // each stale unit looked at once
    expect(hashed).toEqual([]);
    // From where it stopped (the end: so from unit 0), two units looked at (0, 1: not accepted).
    expect(d.refreshWhere((u) => u >= 5, 2 * 4096)).toBe(2 * 4096);
    expect(hashed).toEqual([]);
    // From unit 2 round to unit 1: one lap, 10 units looked at, 5..9 hashed.
    expect(d.refreshWhere((u) => u >= 5, 100 * 4096)).toBe(10 * 4096);
    expect(hashed.sort((a, b) => a - b)).toEqual([5, 6, 7, 8, 9]);
    expect(d.staleBytes).toBe(5 * 4096);
    const empty = make(4);
    empty.d.refresh(Number.POSITIVE_INFINITY);
    expect(empty.d.refreshWhere(() => true, 4096)).toBe(0);
  });
});

describe('RamDigest', () => {
  function ram(pages: number, pageSize = 4096) {
    const memory = new RamBlocks(pages * pageSize, pageSize, Math.max(64 * 1024, pages * pageSize), 'ram0');
    const written = new DirtyBitmap(pages);
    return { memory, written, digest: new RamDigest(memory, written) };
  }
  /** What the digest of the bytes must be: SHA-256 over XXH64 of each 16 KiB unit (the last may be short). */
  function expected(memory: RamBlocks, pages: number, pageSize = 4096): Buffer {
    const unitPages = Math.max(1, RAM_DIGEST_UNIT_BYTES / pageSize);
    const units = Math.ceil(pages / unitPages);
    const out = new Uint32Array(units * 2);
    for (let u = 0; u < units; u++) hashBytes(memory.view(u * unitPages, Math.min(unitPages, pages - u * unitPages)), out, u * 2);
    return createHash('sha256').update(new Uint8Array(out.buffer)).digest();
  }

  it('known-zero units hash as their zero bytes would (full and short last unit)', () => {
    const r = ram(10); // 2 full units and one of 2 pages
    expect(r.digest.digest()).toEqual(expected(r.memory, 10));
  });

  it('written pages are read; a write after the digest shows once marked stale', () => {
    const r = ram(10);
    r.memory.write(5 * 4096, Buffer.from([1, 2, 3]));
    r.written.set(5);
    expect(r.digest.digest()).toEqual(expected(r.memory, 10));
    r.memory.write(9 * 4096 + 100, Buffer.from([9]));
    r.written.set(9);
    r.digest.markStale(9);
    expect(r.digest.digest()).toEqual(expected(r.memory, 10));
    r.memory.write(0, Buffer.from([4]));
    r.written.set(0);
    r.digest.markAllStale();
    expect(r.digest.digest()).toEqual(expected(r.memory, 10));
  });

  it('refreshPages hashes the units the pages touch; refresh(knownZeroOnly) takes only units without data', () => {
    const r = ram(16); // 4 units
    r.memory.write(4 * 4096, Buffer.from([7])); // unit 1
    r.written.set(4);
    expect(r.digest.refresh(100 * 4096, true)).toBe(4 * RAM_DIGEST_UNIT_BYTES); // all looked at, units 0, 2, 3 hashed
    r.digest.refreshPages(3, 2); // pages 3..4: units 0 and 1
    // Unit 1 is fresh now: a later change of its memory is not seen until marked stale.
    r.memory.write(5 * 4096, Buffer.from([8]));
    expect(r.digest.digest()).not.toEqual(expected(r.memory, 16));
    r.digest.markStale(5);
    expect(r.digest.digest()).toEqual(expected(r.memory, 16));
    expect(r.digest.refresh(4096, false)).toBe(0);
  });

  it('pages larger than a unit: one page per unit', () => {
    const r = ram(4, 64 * 1024);
    r.memory.write(2 * 65536 + 5, Buffer.from([1]));
    r.written.set(2);
    expect(r.digest.digest()).toEqual(expected(r.memory, 4, 64 * 1024));
  });

  it('a word of the written bitmap: data in any of 32+ pages of a unit is seen', () => {
    const r = ram(80, 512); // 32 pages per unit, units straddle bitmap words
    for (const p of [31, 32, 63, 64, 79]) {
      r.memory.write(p * 512, Buffer.from([p]));
      r.written.set(p);
    }
    expect(r.digest.digest()).toEqual(expected(r.memory, 80, 512));
  });
});

describe('digest work: where it is done, and what is never read', () => {
  function ram(pages: number, pageSize: number) {
    const memory = new RamBlocks(pages * pageSize, pageSize, 1 << 30, 'ram0');
    const written = new DirtyBitmap(pages);
    return { memory, written, digest: new RamDigest(memory, written) };
  }

  it('the memory of a known-zero unit is never read, even when its bitmap word has data of another unit', () => {
    const r = ram(64, 1024); // 16 pages per unit: two units per bitmap word
    r.memory.write(20 * 1024, Buffer.from([1])); // unit 1
    r.written.set(20);
    const view = vi.spyOn(r.memory, 'view');
    r.digest.digest();
    expect(view.mock.calls).toEqual([[16, 16]]);
    view.mockRestore();
  });

  it('the known-zero pass hashes exactly the units without data; the full pass the rest', () => {
    const r = ram(16, 4096); // 4 units of 16 KiB
    r.memory.write(5 * 4096, Buffer.from([1])); // unit 1
    r.written.set(5);
    expect(r.digest.refresh(Number.POSITIVE_INFINITY, true)).toBe(4 * RAM_DIGEST_UNIT_BYTES); // all looked at
    expect(r.digest.refresh(Number.POSITIVE_INFINITY, false)).toBe(RAM_DIGEST_UNIT_BYTES); // only unit 1 was left
    expect(r.digest.refresh(Number.POSITIVE_INFINITY, false)).toBe(0);
  });

  it('refreshPages hashes the units of exactly those pages', () => {
    const r = ram(16, 4096);
    r.digest.refreshPages(0, 1); // unit 0
    r.digest.refreshPages(11, 2); // units 2 and 3
    expect(r.digest.refresh(Number.POSITIVE_INFINITY, false)).toBe(RAM_DIGEST_UNIT_BYTES); // unit 1 left
  });
});

describe('UnitDigest: ranges from 0, and one lap of refreshWhere', () => {
  function make(units: number) {
    const hashed: number[] = [];
    const d = new UnitDigest(units, 4096, (u, out, o) => {
      hashed.push(u);
      out[o] = u;
    });
    return { d, hashed };
  }
  it('refreshRange from unit 0', () => {
    const { d, hashed } = make(4);
    d.refreshRange(0, 2);
    expect(hashed).toEqual([0, 1]);
  });
  it('refreshWhere looks at each stale unit once per call, also when the stale ones lie before its cursor', () => {
    const { d } = make(10);
    d.refresh(Number.POSITIVE_INFINITY);
    d.markStale(1);
    d.markStale(2);
    expect(d.refreshWhere(() => false, 100 * 4096)).toBe(2 * 4096);
  });
  it('hashWords: the range\'s length, not its position, goes into the hash', () => {
    const w = Int32Array.from([9, 9, 9, 9, 1, 2, 3, 4]);
    const a = new Uint32Array(2);
    const b = new Uint32Array(2);
    hashWords(w, 4, 8, a, 0);
    hashWords(Int32Array.from([1, 2, 3, 4]), 0, 4, b, 0);
    expect([...a]).toEqual([...b]);
  });
});
