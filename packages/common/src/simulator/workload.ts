/**
 * The workload simulator: what makes the simulated machine's state change
 * while it runs. It is not part of the device contract (a real application's
 * state changes by itself): it drives the built-in simulated devices through
 * their own write methods. Every tick each gets its share of writes for the
 * time that passed (RAM at the workload's dirty rate and pattern, accel at its
 * own dirty-rate, cpu registers). The machine's throttle (auto-converge) slows
 * the writers down as QEMU's cpu-throttle does.
 */
import { AccelDevice } from '../devices/accel';
import { CpuDevice } from '../devices/cpu';
import type { Device } from '../devices/device';
import { RamDevice } from '../devices/ram';
import type { WorkloadSpec } from '../device-spec';
import { Rng } from '../prng';

const TICK_MS = 10;
/** Cap on the time one tick makes up for, so an event-loop stall is not paid back as a burst. */
const MAX_TICK_SECONDS = 0.2;

/** What the simulator needs of the machine it drives. */
export interface Throttled {
  /** Percent of time the running machine is held back (0 = full speed). */
  readonly throttlePercent: number;
}

export class Workload {
  private readonly devices: readonly Device[];
  private readonly spec: WorkloadSpec;
  private readonly rng: Rng;
  private readonly ramBytes: number;
  private readonly throttle: Throttled;
  /**
   * Whether a tick can change anything: the workload's dirty rate or an accel's own. An
   * idle machine's workload (dirty-rate=0, every destination's) keeps no timer: each 10 ms
   * wakeup costs ~0.2 ms of CPU here, ~2% of a core for a machine that writes nothing.
   */
  private readonly writes: boolean;
  private started = false;
  private timer: NodeJS.Timeout | null = null;
  private last = 0;

  constructor(devices: readonly Device[], spec: WorkloadSpec, seed: number, throttle: Throttled = { throttlePercent: 0 }) {
    this.devices = devices;
    this.spec = spec;
    this.rng = new Rng(seed);
    this.throttle = throttle;
    this.ramBytes = devices.filter((d) => d instanceof RamDevice).reduce((n, d) => n + d.stateBytes, 0);
    this.writes = spec.dirtyRate > 0 || devices.some((d) => d instanceof AccelDevice && d.spec.dirtyRate > 0);
  }

  get running(): boolean {
    return this.started;
  }

  get dirtyRate(): number {
    return this.spec.dirtyRate;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.last = performance.now();
    if (!this.writes) return;
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    if (!this.timer) return;
    this.tick();
    clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    const now = performance.now();
    const seconds = Math.min(MAX_TICK_SECONDS, (now - this.last) / 1000) * (1 - this.throttle.throttlePercent / 100);
    this.last = now;
    if (seconds <= 0) return;
    for (const d of this.devices) {
      if (d instanceof RamDevice) {
        // RAM devices share the workload's rate in proportion to their size.
        const share = this.ramBytes > 0 ? (this.spec.dirtyRate * d.stateBytes) / this.ramBytes : 0;
        d.simulateWrites(seconds, this.rng, share, this.spec.hotPercent);
      } else if (d instanceof AccelDevice) {
        d.simulateWrites(seconds, this.rng);
      } else if (d instanceof CpuDevice) {
        // An idle machine (dirty-rate=0) has halted vCPUs: their registers do not move.
        if (this.spec.dirtyRate > 0) d.simulateWrites(seconds, this.rng);
      }
    }
  }
}
