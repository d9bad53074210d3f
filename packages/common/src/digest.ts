/**
 * State digests for the `verify` capability. Hashing a whole machine at
 * switchover would put the whole state's hashing into the downtime, so each
 * device keeps a 64-bit hash per unit (16 KiB of RAM, a 64 KiB accel chunk),
 * re-hashes only units written since, and does most of that work during precopy,
 * right after a unit is sent or loaded, while it is in cache.
 *
 * The unit hash is XXH64 (@node-rs/xxhash, a native binding shipped as a
 * prebuilt binary inside its npm package): ~11 GB/s on data in cache, ~7 GB/s
 * cold, against ~4.5 GB/s for the JavaScript word hash it replaces. A native call
 * costs ~0.5–1 µs, so a unit is more than a page (docs/PERFORMANCE.md has the
 * trade-off: a larger unit is re-hashed whole for one dirty page). XXH64 detects
 * corruption, lost writes and misplaced pages; it does not resist an adversary
 * (a peer that can forge the bytes can forge their digest: TLS and the shared
 * secret are for that). The device digest that crosses to the peer is SHA-256
 * over the unit hashes (a few hundred KB per GiB: well under a millisecond), so
 * two ends agree exactly when every unit does.
 */
import { createHash } from 'node:crypto';
import { xxh64 } from '@node-rs/xxhash';
import { DirtyBitmap } from './dirty-bitmap';

const MASK32 = 0xffffffffn;

/** XXH64 of `bytes` into out[o] (low word) and out[o + 1] (high word). */
export function hashBytes(bytes: Uint8Array, out: Uint32Array, o: number): void {
  const h = xxh64(bytes);
  out[o] = Number(h & MASK32);
  out[o + 1] = Number(h >> 32n);
}

/**
 * The JavaScript 4-lane multiply-rotate word hash used before XXH64 (~4.5 GB/s).
 * Kept for the bench's before/after (`scripts/bench/micro.mjs`); the engine does not use it.
 * Hashes words[start, end) (end - start a multiple of 4) into out[o], out[o+1].
 */
export function hashWords(words: Int32Array, start: number, end: number, out: Uint32Array, o: number): void {
  let h1 = 0x9e3779b1 | 0;
  let h2 = 0x85ebca77 | 0;
  let h3 = 0x27d4eb2f | 0;
  let h4 = (0x165667b1 ^ (end - start)) | 0;
  for (let i = start; i < end; i += 4) {
    h1 = Math.imul(h1 ^ words[i]!, 0x85ebca6b);
    h1 = (h1 << 13) | (h1 >>> 19);
    h2 = Math.imul(h2 ^ words[i + 1]!, 0xc2b2ae35);
    h2 = (h2 << 15) | (h2 >>> 17);
    h3 = Math.imul(h3 ^ words[i + 2]!, 0x85ebca6b);
    h3 = (h3 << 13) | (h3 >>> 19);
    h4 = Math.imul(h4 ^ words[i + 3]!, 0xc2b2ae35);
    h4 = (h4 << 15) | (h4 >>> 17);
  }
  out[o] = (h1 ^ Math.imul(h3, 0x27d4eb2f)) >>> 0;
  out[o + 1] = (h2 ^ Math.imul(h4, 0x165667b1)) >>> 0;
}

/** A 32-bit word view of a buffer (buffers here are always 16-byte multiples and aligned). */
export function wordsOf(buf: Buffer): Int32Array {
  return new Int32Array(buf.buffer, buf.byteOffset, buf.length >>> 2);
}

/** SHA-256 of a small, non-iterable piece of state, hashed whole at switchover. */
export function digestWhole(buf: Buffer): Buffer {
  return createHash('sha256').update(buf).digest();
}

/**
 * Digest of a buffer hashed whole at switchover, at the speed of the unit hash
 * (~7–11 GB/s, against ~1.3 GB/s for SHA-256): XXH64 of the bytes, then SHA-256
 * of that and the length.
 */
export function digestFast(buf: Buffer): Buffer {
  const out = new Uint32Array(2);
  hashBytes(buf, out, 0);
  return createHash('sha256').update(new Uint8Array(out.buffer)).update(String(buf.length)).digest();
}

export class UnitDigest {
  private readonly hashes: Uint32Array;
  private readonly stale: DirtyBitmap;
  private readonly hashUnit: (unit: number, out: Uint32Array, o: number) => void;
  private readonly unitBytes: number;
  private cursor = 0;

  /** `hashUnit(u, out, o)` hashes unit u into out[o], out[o+1]. Every unit starts stale. */
  constructor(units: number, unitBytes: number, hashUnit: (unit: number, out: Uint32Array, o: number) => void) {
    this.hashes = new Uint32Array(units * 2);
    this.stale = new DirtyBitmap(units);
    this.stale.setAll();
    this.hashUnit = hashUnit;
    this.unitBytes = unitBytes;
  }

  markStale(unit: number): void {
    this.stale.set(unit);
  }

  markAllStale(): void {
    this.stale.setAll();
  }

  get staleBytes(): number {
    return this.stale.count * this.unitBytes;
  }

  /** Hashes the stale units among [first, first + count) now (e.g. just sent or just loaded, still in cache). */
  refreshRange(first: number, count: number): void {
    const end = first + count;
    for (let u = this.stale.nextSet(first, end); u >= 0; u = this.stale.nextSet(u + 1, end)) {
      this.stale.clear(u);
      this.hashUnit(u, this.hashes, u * 2);
    }
  }

  /**
   * Like refresh(), but hashes only the stale units `test` accepts (the others stay
   * stale). Every stale unit looked at counts against the budget, so a call is bounded.
   * Returns the budget used.
   */
  refreshWhere(test: (unit: number) => boolean, budgetBytes: number): number {
    let done = 0;
    let from = this.cursor;
    let wrapped = false;
    while (done < budgetBytes) {
      let u = this.stale.nextSet(from);
      if (u < 0) {
        if (wrapped) break;
        wrapped = true;
        u = this.stale.nextSet(0);
        if (u < 0) break;
      }
      if (wrapped && u >= this.cursor) break;
      if (test(u)) {
        this.stale.clear(u);
        this.hashUnit(u, this.hashes, u * 2);
      }
      done += this.unitBytes;
      from = u + 1;
    }
    this.cursor = from;
    return done;
  }

  /** Re-hashes stale units, about `budgetBytes` worth. Returns bytes hashed. */
  refresh(budgetBytes: number): number {
    let done = 0;
    while (done < budgetBytes && this.stale.count > 0) {
      let u = this.stale.nextSet(this.cursor);
      if (u < 0) u = this.stale.nextSet(0);
      if (u < 0) break;
      this.stale.clear(u);
      this.hashUnit(u, this.hashes, u * 2);
      this.cursor = u + 1;
      done += this.unitBytes;
    }
    return done;
  }

  digest(): Buffer {
    this.refresh(Number.POSITIVE_INFINITY);
    return createHash('sha256').update(new Uint8Array(this.hashes.buffer)).digest();
  }
}
