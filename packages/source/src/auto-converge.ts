/**
 * auto-converge (QEMU migration/ram.c migration_trigger_throttle, cpu-throttle.c):
 * when the guest dirties memory faster than the link can send it, slow the
 * guest down, more and more, until the migration converges.
 *
 * At every dirty-bitmap sync the bytes dirtied since the last sync are
 * compared with the bytes sent in the same period. When dirtied exceeds
 * THROTTLE_TRIGGER_PERCENT (QEMU's throttle-trigger-threshold, 50) of sent in
 * two periods, the throttle starts at cpu-throttle-initial, and each further
 * time it rises by cpu-throttle-increment, capped at max-cpu-throttle. The
 * throttle is the share of time the workload is held back
 * (Workload.throttlePercent), reported as query-migrate's
 * cpu-throttle-percentage, and reset to 0 when the migration ends, however it ends.
 *
 * Pure logic: the caller feeds the counts and applies the percentage.
 */
import type { Parameters } from '@livemig/common/control';

/** QEMU's throttle-trigger-threshold default: dirtied bytes as a percentage of sent bytes. */
export const THROTTLE_TRIGGER_PERCENT = 50;
/** Periods over the trigger before the throttle moves (QEMU: dirty_rate_high_cnt >= 2). */
const HIGH_PERIODS_TO_THROTTLE = 2;

export class AutoConverge {
  private readonly params: () => Readonly<Parameters>;
  private readonly apply: (percent: number) => void;
  private highPeriods = 0;
  private throttle = 0;
  /** Times the throttle was raised (QEMU's cpu_throttle increases). */
  steps = 0;

  constructor(params: () => Readonly<Parameters>, apply: (percent: number) => void) {
    this.params = params;
    this.apply = apply;
  }

  /** The current throttle, in percent (0 = not throttled). */
  get percentage(): number {
    return this.throttle;
  }

  /**
   * One sync period ended: `dirtiedBytes` newly dirtied, `sentBytes` sent
   * since the previous sync. Returns the throttle after it.
   */
  onSync(dirtiedBytes: number, sentBytes: number): number {
    if (sentBytes <= 0) return this.throttle;
    if (dirtiedBytes * 100 > sentBytes * THROTTLE_TRIGGER_PERCENT) {
      if (++this.highPeriods >= HIGH_PERIODS_TO_THROTTLE) {
        this.highPeriods = 0;
        this.raise();
      }
    }
    return this.throttle;
  }

  /** The migration ended: the workload runs at full speed again. */
  stop(): void {
    this.highPeriods = 0;
    if (this.throttle !== 0) {
      this.throttle = 0;
      this.apply(0);
    }
  }

  private raise(): void {
    const p = this.params();
    const next = this.throttle === 0 ? p['cpu-throttle-initial'] : Math.min(this.throttle + p['cpu-throttle-increment'], p['max-cpu-throttle']);
    const capped = Math.min(next, p['max-cpu-throttle']);
    if (capped === this.throttle) return;
    this.throttle = capped;
    this.steps++;
    this.apply(capped);
  }
}
