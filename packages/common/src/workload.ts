/**
 * What makes the machine's state change while it runs: every tick each device
 * gets its share of writes for the time that passed (RAM at the workload's
 * dirty rate and pattern, accel at its own dirty-rate, cpu registers). A
 * throttle (auto-converge) slows the writers down as QEMU's cpu-throttle does.
 */
import type { Device } from './devices/device';
import type { WorkloadSpec } from './device-spec';
import { Rng } from './prng';

const TICK_MS = 10;
/** Cap on the time one tick makes up for, so an event-loop stall is not paid back as a burst. */
const MAX_TICK_SECONDS = 0.2;

export class Workload {
  private readonly devices: readonly Device[];
  private readonly spec: WorkloadSpec;
  private readonly rng: Rng;
  private readonly ramBytes: number;
  private timer: NodeJS.Timeout | null = null;
  private last = 0;
  /** Percent of time the workload is held back (0 = full speed). */
  throttlePercent = 0;

  constructor(devices: readonly Device[], spec: WorkloadSpec, seed: number) {
    this.devices = devices;
    this.spec = spec;
    this.rng = new Rng(seed);
    this.ramBytes = devices.filter((d) => d.kind === 'ram').reduce((n, d) => n + d.stateBytes, 0);
  }

  get running(): boolean {
    return this.timer !== null;
  }

  get dirtyRate(): number {
    return this.spec.dirtyRate;
  }

  start(): void {
    if (this.timer) return;
    this.last = performance.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (!this.timer) return;
    this.tick();
    clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    const now = performance.now();
    const seconds = Math.min(MAX_TICK_SECONDS, (now - this.last) / 1000) * (1 - this.throttlePercent / 100);
    this.last = now;
    if (seconds <= 0) return;
    for (const d of this.devices) {
      // An idle machine (dirty-rate=0) has halted vCPUs: their registers do not move.
      if (d.kind === 'cpu' && this.spec.dirtyRate === 0) continue;
      // RAM devices share the workload's rate in proportion to their size.
      const share = d.kind === 'ram' && this.ramBytes > 0 ? (this.spec.dirtyRate * d.stateBytes) / this.ramBytes : 0;
      d.runWorkload(seconds, this.rng, share, this.spec.hotPercent);
    }
  }
}
