/**
 * MigrationHistory (the live view's chart samples): one sample per interval
 * while a migration runs, none while the machine is stopped for the switchover
 * (building a query-migrate reply is work inside the downtime), and the final
 * figures at stop() whatever the phase.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MigrationHistory } from '../src/migration-history';

afterEach(() => vi.useRealTimers());

describe('MigrationHistory', () => {
  it('samples every interval, not while quiet (the switchover), and once more at stop()', () => {
    vi.useFakeTimers();
    let quiet = false;
    let reads = 0;
    const h = new MigrationHistory(
      () => {
        reads++;
        return { info: { status: quiet ? 'device' : 'active', 'total-time': reads, ram: {} }, downtimeLimit: 300 };
      },
      () => quiet,
    );
    h.start();
    vi.advanceTimersByTime(450);
    expect(h.list().map((s) => s.status)).toEqual(['active', 'active', 'active']);
    quiet = true;
    vi.advanceTimersByTime(600);
    expect(reads).toBe(3);
    h.stop();
    expect(h.list().map((s) => s.status)).toEqual(['active', 'active', 'active', 'device']);
  });
});
