/**
 * The machine a daemon runs: its devices, its run state and its workload.
 * Run states follow QEMU's query-status: running, paused (stopped by the user
 * or for switchover), inmigrate (destination waiting for state), postmigrate
 * (source after a completed migration).
 */
import { EventEmitter } from 'node:events';
import type { Device } from './devices/device';
import type { DeviceRole } from './devices/registry';
import { createDevice } from './devices/registry';
import type { DeviceSpec, WorkloadSpec } from './device-spec';
import { Workload } from './workload';

export type RunState = 'running' | 'paused' | 'inmigrate' | 'postmigrate';

export interface MachineEvents {
  STOP: [];
  RESUME: [];
}

export class Machine extends EventEmitter<MachineEvents> {
  readonly devices: readonly Device[];
  readonly workload: Workload;
  private state: RunState;
  /**
   * QEMU's autostart: whether a completed incoming migration starts the
   * machine; off, it is left paused until `cont`. `stop` while the machine is
   * inmigrate turns it off (QEMU qmp_stop). Like QEMU's, it belongs to the
   * machine, not to one migration: it outlives a failed incoming migration.
   */
  autostart = true;

  constructor(specs: readonly DeviceSpec[], workload: WorkloadSpec, role: DeviceRole) {
    super();
    this.devices = specs.map((s) => createDevice(s, role));
    this.workload = new Workload(this.devices, workload, 0x5eed);
    this.state = role === 'source' ? 'paused' : 'inmigrate';
  }

  get runState(): RunState {
    return this.state;
  }

  get running(): boolean {
    return this.state === 'running';
  }

  device(id: string): Device | undefined {
    return this.devices.find((d) => d.id === id);
  }

  /** Starts (or resumes) the vCPUs: the workload runs. */
  start(): void {
    if (this.state === 'running') return;
    this.state = 'running';
    this.workload.start();
    this.emit('RESUME');
  }

  /** Stops the vCPUs. `postmigrate` marks a source whose state now lives elsewhere. */
  stop(next: 'paused' | 'postmigrate' | 'inmigrate' = 'paused'): void {
    const wasRunning = this.state === 'running';
    this.workload.stop();
    this.state = next;
    if (wasRunning) this.emit('STOP');
  }

  /** Per-device digests of the current state (verify). */
  digests(): Map<string, Buffer> {
    return new Map(this.devices.map((d) => [d.id, d.digest()]));
  }

  /** Does up to `budget` bytes of digest work ahead of switchover; returns bytes hashed. */
  refreshDigests(budget: number): number {
    let done = 0;
    for (const d of this.devices) {
      if (done >= budget) break;
      done += d.refreshDigest(budget - done);
    }
    return done;
  }

  get stateBytes(): number {
    return this.devices.reduce((n, d) => n + d.stateBytes, 0);
  }

  close(): void {
    this.workload.stop();
  }
}
