/** SliceCursor: a payload in slices read front to back into memory, and a peer's too-short payload refused. */
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../src/errors';
import { SliceCursor } from '../src/wire/slice-cursor';

describe('SliceCursor', () => {
  it('copies across slice boundaries, in order, counting what is left', () => {
    const slices = [Buffer.from('abc'), Buffer.from('de'), Buffer.from('fghij')];
    const c = new SliceCursor(slices, 10);
    expect(c.remaining).toBe(10);
    const t = Buffer.alloc(12, '.');
    c.copyTo(t, 1, 4);
    expect(t.toString()).toBe('.abcd.......');
    expect(c.remaining).toBe(6);
    c.copyTo(t, 6, 1);
    expect(c.remaining).toBe(5);
    c.copyTo(t, 7, 5);
    expect(t.toString()).toBe('.abcd.efghij');
    expect(c.remaining).toBe(0);
    c.copyTo(t, 0, 0);
    expect(c.remaining).toBe(0);
  });

  it('a section that names more bytes than its frame carries is the peer\'s protocol error, and copies nothing', () => {
    const c = new SliceCursor([Buffer.from('abc')], 3);
    const t = Buffer.alloc(4, '.');
    expect(() => c.copyTo(t, 0, 4)).toThrow(ProtocolError);
    expect(() => c.copyTo(t, 0, 4)).toThrow('payload too short: need 4 bytes, 3 left');
    expect(t.toString()).toBe('....');
    c.copyTo(t, 0, 2);
    expect(() => c.copyTo(t, 0, 2)).toThrow('payload too short: need 2 bytes, 1 left');
    expect(c.remaining).toBe(1);
  });
});
