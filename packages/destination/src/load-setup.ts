/**
 * load_setup for every device once the configuration is accepted (QEMU
 * qemu_loadvm_state_setup), and what follows from it with switchover-ack: the
 * devices that must approve, each approval as it comes (its preallocation
 * time, DEVICE_APPROVED on the return path), and the one SWITCHOVER_ACK once
 * all did (the counting is switchover-ack.ts). An approval without
 * switchover-ack, or one too many, fails the migration.
 */
import { ProtocolError, toMigError, type MigError } from '@livemig/common/errors';
import { type Device, type LoadContext, type Machine } from '@livemig/common/devices';
import { type Logger } from '@livemig/common/daemon';
import type { ReturnPathWriter } from './return-path-writer';
import { SwitchoverAckCounter } from './switchover-ack';
import type { LoadPoint } from './probes';

/** The migration's side: its state, fault points and events. */
export interface LoadSetupOwner {
  finished(): boolean;
  /** Publishes a point of the migration's life (probes.ts); a subscriber may fail the migration (or, at ack-wait, hold the ack). */
  reached(point: LoadPoint, hold?: () => () => void): void;
  fail(err: MigError): void;
  deviceProgress(deviceId: string, done: number, total: number): void;
  devicePreallocated(deviceId: string, ms: number): void;
  switchoverAckSent(): void;
}

export class LoadSetup {
  private readonly machine: Machine;
  private readonly switchoverAck: boolean;
  private readonly rp: ReturnPathWriter;
  private readonly log: Logger;
  private readonly owner: LoadSetupOwner;
  private ack: SwitchoverAckCounter | null = null;
  ackAt: number | null = null;
  /** Devices that allocated ahead of switchover, and how long it took (ms). */
  readonly preallocated = new Map<string, number>();
  /** The last re-arm number each re-armed device's initial data carried. */
  private readonly rearms = new Map<string, number>();
  /** What every device's load_setup got (precopy-resume sets a device up again with it). */
  private ctx: LoadContext | null = null;
  /** Approvals a probe subscriber holds at ack-wait (probes.ts `hold`), handed on at its release; null: not held. */
  private heldApprovals: Array<() => void> | null = null;

  constructor(machine: Machine, switchoverAck: boolean, rp: ReturnPathWriter, log: Logger, owner: LoadSetupOwner) {
    this.machine = machine;
    this.switchoverAck = switchoverAck;
    this.rp = rp;
    this.log = log;
    this.owner = owner;
  }

  /** Devices still to approve (switchover-ack on, from load setup on), else null. */
  get ackPending(): number | null {
    return this.ack ? this.ack.pending : null;
  }

  get acked(): boolean {
    return this.ack?.acked ?? false;
  }

  /** load_setup for every device (`verify`: the source sends digests), then count the devices that gate switchover. */
  run(verify: boolean, precopyResume = false): void {
    const ctx: LoadContext = {
      switchoverAck: this.switchoverAck,
      verify,
      precopyResume,
      approveSwitchover: (deviceId: string, ms: number) => {
        if (this.heldApprovals) this.heldApprovals.push(() => this.approve(deviceId, ms));
        else this.approve(deviceId, ms);
      },
      rearmSwitchover: (deviceId: string, rearm: number) => this.rearm(deviceId, rearm),
      progress: (deviceId: string, done: number, total: number) => {
        this.owner.deviceProgress(deviceId, done, total);
        if (done < total && !this.owner.finished()) this.owner.reached('ack-wait', () => this.holdApprovals());
      },
    };
    this.ctx = ctx;
    for (const d of this.machine.devices) d.loadSetup(ctx);
    if (this.switchoverAck) {
      const needed = this.machine.devices.filter((d) => d.switchoverAckNeeded()).length;
      this.log.info({ pending: needed }, 'switchover-ack: devices that must approve');
      this.ack = new SwitchoverAckCounter(needed, () => {
        this.ackAt = performance.now();
        this.rp.send({ switchoverAck: { rearms: this.totalRearms() } });
        this.log.info('SWITCHOVER_ACK sent');
        this.owner.switchoverAckSent();
      });
    }
  }

  /** Holds the approvals (so the ack) until the returned release; a second hold while held releases nothing. */
  private holdApprovals(): () => void {
    if (this.heldApprovals) return () => undefined;
    const held: Array<() => void> = [];
    this.heldApprovals = held;
    return () => {
      if (this.heldApprovals !== held) return;
      this.heldApprovals = null;
      for (const approve of held) approve();
    };
  }

  /** precopy-resume: a device without receivedState() starts over (its source sends it all again). */
  setUpAgain(d: Device): void {
    // An approval it gave before the break no longer stands: it prepares again and approves again
    // (else that second approval finds none pending and fails the migration). The source forgot
    // its approvals at the recovery; resendAckState() no longer names this one.
    this.preallocated.delete(d.id);
    this.ack?.rearm(d.id);
    d.loadCleanup();
    d.loadSetup(this.ctx!);
  }

  /**
   * precopy-resume: after RESUME_ACK the source has forgotten the approvals and
   * the ack (they may have gone out on the broken connection): say them again,
   * so its switchover gate is right.
   */
  resendAckState(): void {
    if (!this.ack || !this.rp.isOpen) return;
    for (const [deviceId, ms] of this.preallocated) this.rp.send({ deviceApproved: { deviceId, ms, rearms: this.rearms.get(deviceId) ?? 0 } });
    if (this.ack.acked) this.rp.send({ switchoverAck: { rearms: this.totalRearms() } });
  }

  /** OPEN_RETURN_PATH was processed: with nothing pending, the ack goes now. */
  returnPathOpened(): void {
    this.ack?.returnPathOpened();
  }

  private totalRearms(): number {
    let n = 0;
    for (const r of this.rearms.values()) n += r;
    return n;
  }

  /** The source re-armed `deviceId` (its new initial data said `rearm`): one more approval is owed. */
  private rearm(deviceId: string, rearm: number): void {
    if (this.owner.finished()) return;
    try {
      if (!this.ack) throw new ProtocolError(`switchover re-arm from '${deviceId}' but switchover-ack is off`);
      if (rearm <= (this.rearms.get(deviceId) ?? 0)) throw new ProtocolError(`switchover re-arm ${rearm} from '${deviceId}' after ${this.rearms.get(deviceId) ?? 0}`);
      this.rearms.set(deviceId, rearm);
      this.preallocated.delete(deviceId);
      this.ack.rearm(deviceId);
      this.log.info({ device: deviceId, rearm, pending: this.ack.pending }, 'switchover-ack re-armed: the device prepares again');
    } catch (err) {
      this.owner.fail(toMigError(err, 'MIG_ERR_PROTOCOL'));
    }
  }

  private approve(deviceId: string, ms: number): void {
    if (this.owner.finished()) return;
    try {
      this.preallocated.set(deviceId, ms);
      this.owner.devicePreallocated(deviceId, ms);
      if (this.rp.isOpen) this.rp.send({ deviceApproved: { deviceId, ms, rearms: this.rearms.get(deviceId) ?? 0 } });
      if (!this.ack) throw new ProtocolError(`switchover approval from '${deviceId}' but switchover-ack is off`);
      this.ack.approve(deviceId);
    } catch (err) {
      this.owner.fail(toMigError(err, 'MIG_ERR_PROTOCOL'));
    }
  }
}
