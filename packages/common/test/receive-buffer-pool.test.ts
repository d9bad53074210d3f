/** ReceiveBufferPool: a receive buffer is reused only once nothing in it is retained. */
import { describe, expect, it } from 'vitest';
import { ReceiveBufferPool } from '../src/wire/pooled-reader';

describe('ReceiveBufferPool', () => {
  it('reads on into the rest of the current buffer, then reuses it when nothing is retained', () => {
    const pool = new ReceiveBufferPool(256 * 1024);
    const a = pool.next(0);
    pool.filled(a, 100 * 1024);
    const b = pool.next(0);
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).toBe(a.byteOffset + 100 * 1024);
    pool.filled(b, 150 * 1024);
    // 6 KiB left: too little to read into; nothing retained, so the same buffer starts over.
    const c = pool.next(0);
    expect(c.buffer).toBe(a.buffer);
    expect(c.byteOffset).toBe(a.byteOffset);
    expect(pool.size).toBe(1);
  });

  it('never hands out a buffer that still holds retained bytes', () => {
    const pool = new ReceiveBufferPool(128 * 1024);
    const first = pool.next(0);
    pool.filled(first, 128 * 1024);
    // The decoder still holds the last 10 bytes of `first` (a partial frame).
    const second = pool.next(10);
    expect(second.buffer).not.toBe(first.buffer);
    pool.filled(second, 128 * 1024);
    // Now it holds 200 KiB: the tail of `first` and all of `second`.
    const third = pool.next(200 * 1024);
    expect([first.buffer, second.buffer]).not.toContain(third.buffer);
    pool.filled(third, 128 * 1024);
    // Released: the oldest free buffer comes back.
    const fourth = pool.next(0);
    expect(fourth.buffer).toBe(first.buffer);
    expect(pool.size).toBe(3);
  });
});
