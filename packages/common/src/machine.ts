/**
 * The machine a daemon (or an application embedding the engine) runs: its
 * devices, its run state and, for the simulated machine, its workload.
 * Run states follow QEMU's query-status: running, paused (stopped by the user
 * or for switchover), inmigrate (destination waiting for state), postmigrate
 * (source after a completed migration).
 */
import { EventEmitter } from 'node:events';
import type { Device, DeviceLogger, DeviceRole, DeviceSpec } from './devices/device';
import { UsageError } from './errors';
import { createDevice } from './devices/registry';
import type { WorkloadSpec } from './device-spec';
import { Workload } from './simulator/workload';

export type RunState = 'running' | 'paused' | 'inmigrate' | 'postmigrate';

export interface MachineEvents {
  STOP: [];
  RESUME: [];
}

export interface MachineOptions {
  /** Which end it is (default source): a destination machine starts `inmigrate`. */
  readonly role?: DeviceRole;
  /** The simulated workload (the daemons' built-in devices); none for an application's own devices. */
  readonly workload?: WorkloadSpec | null;
}

function isDevice(d: Device | DeviceSpec): d is Device {
  return typeof (d as Device).saveSetup === 'function';
}

export class Machine extends EventEmitter<MachineEvents> {
  readonly devices: readonly Device[];
  /** The simulator driving the built-in devices' state, or null. */
  readonly workload: Workload | null;
  /** auto-converge: percent of time the running machine is held back (the simulator honours it). */
  throttlePercent = 0;
  private state: RunState;
  /**
   * QEMU's autostart: whether a completed incoming migration starts the
   * machine; off, it is left paused until `cont`. `stop` while the machine is
   * inmigrate turns it off (QEMU qmp_stop). Like QEMU's, it belongs to the
   * machine, not to one migration: it outlives a failed incoming migration.
   */
  autostart = true;
  /** Which end this machine is. */
  readonly role: DeviceRole;
  private started: Promise<void> | null = null;
  private disposed: Promise<void> | null = null;

  /**
   * `devices`: device instances (an application's, made with its types'
   * create()) or specs (made with the registered types). Also
   * `new Machine(specs, workloadSpec, role)`, the daemons' form.
   */
  constructor(devices: readonly (Device | DeviceSpec)[], options?: MachineOptions | WorkloadSpec, role?: DeviceRole) {
    super();
    const opts: MachineOptions = options && 'dirtyRate' in options ? { workload: options, role } : ((options as MachineOptions | undefined) ?? { role });
    const r = opts.role ?? role ?? 'source';
    this.role = r;
    this.devices = devices.map((d) => (isDevice(d) ? d : createDevice(d, r)));
    const ids = new Set<string>();
    for (const d of this.devices) {
      if (ids.has(d.id)) throw new Error(`device id '${d.id}' is used twice`);
      ids.add(d.id);
    }
    this.workload = opts.workload ? new Workload(this.devices, opts.workload, 0x5eed, this) : null;
    this.state = r === 'source' ? 'paused' : 'inmigrate';
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
    this.workload?.start();
    for (const d of this.devices) d.vmStateChange?.(true);
    this.emit('RESUME');
  }

  /** Stops the vCPUs. `postmigrate` marks a source whose state now lives elsewhere. */
  stop(next: 'paused' | 'postmigrate' | 'inmigrate' = 'paused'): void {
    const wasRunning = this.state === 'running';
    this.workload?.stop();
    this.state = next;
    if (wasRunning) {
      for (const d of this.devices) d.vmStateChange?.(false);
      this.emit('STOP');
    }
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
      done += d.refreshDigest?.(budget - done) ?? 0;
    }
    return done;
  }

  /**
   * The devices' start hooks (Device.start), once, in device order, each with a
   * child of `log` bound to it. A device that fails to start is a start-up
   * error naming it (UsageError: the daemons exit 2); the devices started
   * before it are disposed.
   */
  startDevices(log: DeviceLogger & { child(bindings: Record<string, unknown>): DeviceLogger }): Promise<void> {
    this.started ??= (async () => {
      for (const d of this.devices) {
        if (!d.start) continue;
        try {
          await d.start({ role: this.role, log: log.child({ device: d.id }) });
        } catch (err) {
          await this.dispose();
          throw new UsageError(`device '${d.id}' (${d.type.name}) could not start: ${err instanceof Error ? err.message : String(err)}`, 'MIG_ERR_DEVICE');
        }
      }
    })();
    return this.started;
  }

  /**
   * Source, after a completed migration, before the process exits by itself:
   * waits for every device's quiesce hook (e.g. forwarded clients to finish).
   * `signal` cuts it short; a hook that fails is logged and counts as done.
   */
  async quiesceDevices(signal: AbortSignal, log?: DeviceLogger): Promise<void> {
    await Promise.all(
      this.devices.map(async (d) => {
        if (!d.quiesce) return;
        try {
          await d.quiesce({ signal });
        } catch (err) {
          log?.warn({ device: d.id, err: err instanceof Error ? err.message : String(err) }, 'a device quiesce hook failed');
        }
      }),
    );
  }

  /** The devices' dispose hooks, once (shutdown); a failing hook does not keep the others from running. */
  dispose(log?: DeviceLogger): Promise<void> {
    this.disposed ??= (async () => {
      for (const d of this.devices) {
        try {
          await d.dispose?.();
        } catch (err) {
          log?.warn({ device: d.id, err: err instanceof Error ? err.message : String(err) }, 'a device dispose hook failed');
        }
      }
    })();
    return this.disposed;
  }

  get stateBytes(): number {
    return this.devices.reduce((n, d) => n + d.stateBytes, 0);
  }

  close(): void {
    this.workload?.stop();
  }
}
