/**
 * A bitmap of dirty units (pages, chunks) over 32-bit words. Scans go a word at
 * a time and skip clean words; the number of set bits is kept up to date so
 * pending-byte estimates cost nothing.
 */
export class DirtyBitmap {
  readonly size: number;
  readonly words: Uint32Array;
  private setCount = 0;

  constructor(size: number) {
    this.size = size;
    this.words = new Uint32Array(Math.ceil(size / 32));
  }

  get count(): number {
    return this.setCount;
  }

  set(i: number): void {
    const w = i >>> 5;
    const bit = 1 << (i & 31);
    const old = this.words[w]!;
    if ((old & bit) === 0) {
      this.words[w] = old | bit;
      this.setCount++;
    }
  }

  clear(i: number): void {
    const w = i >>> 5;
    const bit = 1 << (i & 31);
    const old = this.words[w]!;
    if ((old & bit) !== 0) {
      this.words[w] = old & ~bit;
      this.setCount--;
    }
  }

  test(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  /** Clears the 32 bits of word `w` (bits w*32 … w*32+31). */
  clearWord(w: number): void {
    const old = this.words[w]!;
    if (old !== 0) {
      this.words[w] = 0;
      this.setCount -= popcount32(old);
    }
  }

  setAll(): void {
    this.words.fill(0xffffffff);
    const tail = this.size & 31;
    if (tail !== 0) this.words[this.words.length - 1] = (1 << tail) - 1;
    this.setCount = this.size;
  }

  clearAll(): void {
    this.words.fill(0);
    this.setCount = 0;
  }

  /** ORs `other` into this bitmap and clears `other` (QEMU's bitmap sync). Returns bits newly set here. */
  absorb(other: DirtyBitmap): number {
    const a = this.words;
    const b = other.words;
    let added = 0;
    for (let w = 0; w < a.length; w++) {
      const bw = b[w]!;
      if (bw === 0) continue;
      const aw = a[w]!;
      added += popcount32(bw & ~aw);
      a[w] = aw | bw;
      b[w] = 0;
    }
    this.setCount += added;
    other.setCount = 0;
    return added;
  }

  /**
   * Index of the first set bit in [from, end), or -1. Reads only the words of
   * that range: a caller looking inside a short run passes its end, so the
   * scan costs the run, not the rest of the bitmap.
   */
  nextSet(from: number, end: number = this.size): number {
    const limit = end < this.size ? end : this.size;
    if (from >= limit) return -1;
    let w = from >>> 5;
    const lastWord = (limit - 1) >>> 5;
    let word = this.words[w]! & (0xffffffff << (from & 31));
    for (;;) {
      if (word !== 0) {
        const i = (w << 5) + (31 - Math.clz32(word & -word));
        return i < limit ? i : -1;
      }
      w++;
      if (w > lastWord) return -1;
      word = this.words[w]!;
    }
  }
}

export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
