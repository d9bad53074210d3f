/** UnitDigest's targeted refreshes: a range (just sent / just loaded) and all-but-excluded units. */
import { describe, expect, it } from 'vitest';
import { DirtyBitmap } from '../src/dirty-bitmap';
import { UnitDigest } from '../src/digest';

function make(units: number) {
  const hashed: number[] = [];
  const d = new UnitDigest(units, 4096, (u, out, o) => {
    hashed.push(u);
    out[o] = u;
    out[o + 1] = 0;
  });
  return { d, hashed };
}

describe('UnitDigest', () => {
  it('refreshRange hashes the stale units of the range only, once', () => {
    const { d, hashed } = make(100);
    d.refreshRange(10, 5);
    d.refreshRange(12, 5);
    expect(hashed).toEqual([10, 11, 12, 13, 14, 15, 16]);
    expect(d.staleBytes).toBe((100 - 7) * 4096);
  });

  it('refreshExcept skips excluded units (they stay stale), within the budget, wrapping around', () => {
    const { d, hashed } = make(70);
    const exclude = new DirtyBitmap(70);
    for (let u = 0; u < 70; u++) if (u % 3 !== 0) exclude.set(u);
    expect(d.refreshExcept(exclude, 5 * 4096)).toBe(5 * 4096);
    expect(hashed).toEqual([0, 3, 6, 9, 12]);
    while (d.refreshExcept(exclude, 4096 * 8) > 0);
    expect(hashed.length).toBe(24);
    expect(hashed.every((u) => u % 3 === 0)).toBe(true);
    expect(d.staleBytes).toBe((70 - 24) * 4096);
  });
});
