/** UnitDigest's targeted refreshes: a range (just sent / just loaded) and the units a test accepts. */
import { describe, expect, it } from 'vitest';
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

  it('refreshWhere hashes only the units the test accepts (the rest stay stale), every unit looked at counting, wrapping around', () => {
    const { d, hashed } = make(70);
    const accept = (u: number) => u % 3 === 0;
    expect(d.refreshWhere(accept, 5 * 4096)).toBe(5 * 4096);
    expect(hashed).toEqual([0, 3]);
    for (let i = 0; i < 20; i++) d.refreshWhere(accept, 4096 * 8);
    expect(hashed.length).toBe(24);
    expect(hashed.every((u) => u % 3 === 0)).toBe(true);
    expect(d.staleBytes).toBe((70 - 24) * 4096);
  });
});
