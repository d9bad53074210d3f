/** Seeded randomness: repeatable machine contents and workloads. */
import { createCipheriv, createHash } from 'node:crypto';

/** Fills `buf` with a seeded keystream (AES-128-CTR over zeros: fast and repeatable). */
export function fillSeeded(buf: Buffer, seed: number, label: string): void {
  const key = createHash('sha256').update(`livemig:${label}:${seed}`).digest();
  const cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  const step = 4 * 1024 * 1024;
  const zeros = Buffer.alloc(Math.min(step, buf.length));
  for (let off = 0; off < buf.length; off += step) {
    const n = Math.min(step, buf.length - off);
    cipher.update(n === zeros.length ? zeros : zeros.subarray(0, n)).copy(buf, off);
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
