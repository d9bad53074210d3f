/** Seeded randomness: repeatable machine contents and workloads. */
import { createCipheriv, createHash } from 'node:crypto';

/** Bytes of AES keystream generated per fill; larger buffers repeat it with per-page variation. */
const KEYSTREAM_BLOCK = 1024 * 1024;
/** Unit whose first 16 bytes get their own seeded words, so every page of a large fill differs. */
const MIX_UNIT = 4096;

/** AES-128-CTR keystream for (label, seed): `n` bytes. */
function keystream(seed: number, label: string, n: number): Buffer {
  const key = createHash('sha256').update(`livemig:${label}:${seed}`).digest();
  const cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  return cipher.update(Buffer.alloc(n));
}

/**
 * Fills `target` (one buffer, or several taken end to end, as a RAM device's
 * blocks) with seeded, repeatable, incompressible-looking bytes. The bytes
 * depend on the total length only, not on how it is split.
 *
 * Up to 1 MiB: a plain AES-128-CTR keystream. Larger (guest RAM, accel
 * resources): one 1 MiB keystream block is copied into every 1 MiB and the
 * first 16 bytes of each 4 KiB unit are replaced by xorshift words seeded from
 * (seed, unit index), so no two pages are equal and none is zero. That is one
 * memcpy per byte instead of a cipher pass plus a copy of a freshly allocated
 * output buffer (1 GiB: ~0.5 s instead of ~3.7 s, most of what is left being
 * the kernel faulting the pages in; docs/PERFORMANCE.md).
 */
export function fillSeeded(target: Buffer | readonly Buffer[], seed: number, label: string): void {
  const parts: readonly Buffer[] = Buffer.isBuffer(target) ? [target] : target;
  const total = parts.reduce((n, p) => n + p.length, 0);
  if (total <= KEYSTREAM_BLOCK) {
    const ks = keystream(seed, label, total);
    let at = 0;
    for (const part of parts) at += ks.copy(part, 0, at, at + part.length);
    return;
  }
  const block = keystream(seed, label, KEYSTREAM_BLOCK);
  const rng = new Rng((Math.imul(seed, 0x9e3779b1) ^ block.readInt32LE(0)) >>> 0);
  let base = 0; // offset of `part` in the whole
  for (const part of parts) {
    for (let off = 0; off < part.length; ) {
      const ks = (base + off) % KEYSTREAM_BLOCK;
      off += block.copy(part, off, ks, Math.min(KEYSTREAM_BLOCK, ks + part.length - off));
    }
    const words = (part.byteOffset & 3) === 0 ? new Int32Array(part.buffer, part.byteOffset, part.length >>> 2) : null;
    // Units in global order, so the xorshift sequence does not depend on the split.
    for (let g = Math.ceil(base / MIX_UNIT) * MIX_UNIT; g + 16 <= base + part.length; g += MIX_UNIT) {
      const off = g - base;
      const unit = g / MIX_UNIT;
      if (words) {
        const w = off >>> 2;
        words[w] = rng.nextU32() | 1;
        words[w + 1] = rng.nextU32() ^ unit;
        words[w + 2] = rng.nextU32();
        words[w + 3] = rng.nextU32();
      } else {
        part.writeUInt32LE(rng.nextU32() | 1, off);
        part.writeUInt32LE((rng.nextU32() ^ unit) >>> 0, off + 4);
      }
    }
    base += part.length;
  }
}

/** xorshift32: cheap, seeded, good enough to pick pages to dirty. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  nextU32(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.nextU32() / 0x100000000) * n);
  }
}
