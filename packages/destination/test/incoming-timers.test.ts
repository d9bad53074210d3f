/**
 * Digest catch-up (IncomingTimers): hashes while the stream is quiet, goes
 * quiet itself once every unit is fresh, starts again when the source sends,
 * and does so after a pause and start() again (a resumed precopy) as well.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IncomingTimers, type TimedMigration } from '../src/incoming-timers';

function migration(stale: { bytes: number }): TimedMigration & { hashed: number[] } {
  const hashed: number[] = [];
  return {
    hashed,
    startedAt: performance.now(),
    finished: () => false,
    stallTimeoutMs: () => 0,
    awaitingReturnPath: () => false,
    busy: () => true,
    digestCatchUp: () => true,
    refreshDigests: (budget) => {
      const n = Math.min(budget, stale.bytes);
      stale.bytes -= n;
      hashed.push(n);
      return n;
    },
    phase: () => 'precopy',
    stalled: () => undefined,
  };
}

describe('IncomingTimers digest catch-up', () => {
  beforeEach(() => void vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] }));
  afterEach(() => void vi.useRealTimers());

  it('stops asking once nothing is stale, and asks again after data arrives, also after stop() and start()', () => {
    const stale = { bytes: 20 * 1024 * 1024 };
    const m = migration(stale);
    const t = new IncomingTimers(m);
    t.start();
    vi.advanceTimersByTime(100);
    // 8 MiB, 8 MiB, 4 MiB, then one ask that finds nothing: the timer stops.
    expect(m.hashed).toEqual([8 << 20, 8 << 20, 4 << 20, 0]);
    vi.advanceTimersByTime(1000);
    expect(m.hashed).toHaveLength(4);
    stale.bytes = 1024;
    t.dataArrived();
    vi.advanceTimersByTime(100);
    expect(m.hashed.slice(4)).toEqual([1024, 0]);
    // A pause (stop) and the resume (start): quiet catch-up still wakes on new data.
    t.stop();
    t.start();
    vi.advanceTimersByTime(100);
    stale.bytes = 4096;
    t.dataArrived();
    vi.advanceTimersByTime(100);
    expect(m.hashed.slice(-2)).toEqual([4096, 0]);
    // After EOF, data no longer wakes it.
    t.stopIdleDigest();
    stale.bytes = 4096;
    t.dataArrived();
    vi.advanceTimersByTime(100);
    expect(m.hashed.at(-1)).toBe(0);
    t.stop();
  });
});
