/**
 * One outgoing migration (QEMU migration_thread + migration_completion), as a
 * status machine (migration-status.ts):
 *
 *   none → setup → active → device → completed
 *            │        │        │
 *            └────────┴────────┴──→ failed | cancelling → cancelled
 *
 * setup:  connect, stream header, [auth], configuration, the destination's
 *         CONFIG_ACCEPTED (no state before it), OPEN_RETURN_PATH + PING,
 *         multifd channels, save_setup (START sections). (outgoing-setup.ts)
 * active: precopy rounds over every iterable device (devices with precopy
 *         initial data first), until pending ≤ bandwidth × downtime-limit,
 *         all initial data is out, and the switchover gate is open
 *         (!switchover-ack || machine not running || SWITCHOVER_ACK received).
 *         (precopy.ts)
 * device: machine stopped; SWITCHOVER_START, the dirty rest, END/FULL sections,
 *         digests, EOF; with return-path, LOADED from the destination, then the
 *         commit (CMD_RESUME), done when the destination reports RESUMED;
 *         without, done when the destination confirms with SHUT ok.
 *         (stop-and-copy.ts; the destination's answers: destination-replies.ts)
 * Any failure or cancel before the commit: the connection is dropped, migration
 * bookkeeping is forgotten and the machine resumes if this migration stopped
 * it. Device state is never modified by saving, so nothing is lost. After the
 * commit the machine may already run on the destination: a failure then leaves
 * the source paused (never two running copies) and says so in error-desc.
 * Every wait ends on progress, on cancel, on connection loss, or on the
 * stall-timeout watchdog (stall-watchdog.ts), so none can hang
 * (destination-link.ts).
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { CancelledError, MigError, StateError } from '@livemig/common/errors';
import { type Capabilities, type Parameters } from '@livemig/common/control';
import { type Machine } from '@livemig/common/devices';
import { processCpuMs, type Logger } from '@livemig/common/daemon';
import { DestinationLink } from './destination-link';
import { DestinationReplies, type DeviceAckState } from './destination-replies';
import type { MultifdCompressionInfo } from './migration-channels';
import { StatusMachine, isFinalStatus, type MigrationStatus } from './migration-status';
import type { OutgoingContext } from './outgoing-context';
import { setupOutgoing, type OutgoingSecurity } from './outgoing-setup';
import { Precopy } from './precopy';
import { StopAndCopy } from './stop-and-copy';

export type { DeviceAckState } from './destination-replies';
export type { MigrationStatus } from './migration-status';
export type { OutgoingSecurity } from './outgoing-setup';
export type { DowntimeBreakdown } from './stop-and-copy';

export interface OutgoingEvents {
  status: [MigrationStatus];
  pass: [number];
  'switchover-ack': [];
  'device-approved': [string, number];
}

/**
 * The migration's public face (status, figures, events, cancel) and the order
 * of its phases: setup (outgoing-setup.ts), precopy (precopy.ts), stop-and-copy
 * and commit (stop-and-copy.ts), each working on the link to the destination
 * (destination-link.ts) and what it said (destination-replies.ts).
 */
export class OutgoingMigration extends EventEmitter<OutgoingEvents> {
  readonly host: string;
  readonly port: number;
  private readonly machine: Machine;
  readonly caps: Capabilities;
  private readonly params: () => Readonly<Parameters>;
  private readonly log: Logger;
  private readonly security: OutgoingSecurity;
  /** Named by the multifd channels so the destination attaches them to this migration. */
  private readonly migrationId = randomBytes(16);
  private readonly statusMachine: StatusMachine;
  private readonly link: DestinationLink;
  private readonly replies: DestinationReplies;
  /** The phases, whose figures query-migrate reads (migration-info.ts). */
  readonly precopy: Precopy;
  readonly stopAndCopy: StopAndCopy;
  private readonly ctx: OutgoingContext;

  error: MigError | null = null;
  /** precopy-resume: how many times a paused migration was resumed. */
  resumes = 0;
  /** precopy-resume: RAM bytes sent after the first resume. */
  resentAfterResume = 0;
  readonly startedAt = performance.now();
  readonly startedEpoch = Date.now();
  setupTime: number | null = null;
  endedAt: number | null = null;
  /** A failed or cancelled migration: what was still to send when it ended (query-migrate; saveCleanup forgets it). */
  pendingAtEnd: number | null = null;
  ramPendingAtEnd: ReadonlyMap<string, number> | null = null;
  devicePendingAtEnd: ReadonlyMap<string, number> | null = null;

  constructor(opts: {
    host: string;
    port: number;
    machine: Machine;
    caps: Capabilities;
    params: () => Readonly<Parameters>;
    log: Logger;
    security?: OutgoingSecurity;
  }) {
    super();
    this.host = opts.host;
    this.port = opts.port;
    this.machine = opts.machine;
    this.caps = opts.caps;
    this.params = opts.params;
    this.log = opts.log;
    this.security = opts.security ?? { tls: null, authSecret: null };
    this.statusMachine = new StatusMachine((status) => {
      this.log.info({ status, cpuMs: processCpuMs() }, 'migration status');
      this.emit('status', status);
    });
    this.link = new DestinationLink(this);
    this.replies = new DestinationReplies(
      {
        status: () => this.status,
        phase: () => this.phase,
        onSwitchoverAck: (at) => this.onSwitchoverAck(at),
        onDeviceApproved: (id, ms) => this.emit('device-approved', id, ms),
        switchoverDecided: () => this.precopy.switchoverDecided || this.status === 'device' || this.stopAndCopy.stoppedMachine,
      },
      this.link,
      this.caps['return-path'],
    );
    const ctx: OutgoingContext = { machine: this.machine, caps: this.caps, params: this.params, log: this.log, link: this.link, replies: this.replies };
    this.ctx = ctx;
    this.precopy = new Precopy(ctx, this.startedAt, (pass) => this.emit('pass', pass));
    this.stopAndCopy = new StopAndCopy(ctx, {
      enterDevice: () => this.statusMachine.set('device', { announce: false }),
      announceStatus: () => this.statusMachine.announce(),
    });
  }

  get status(): MigrationStatus {
    return this.statusMachine.status;
  }

  get finished(): boolean {
    return isFinalStatus(this.status);
  }

  get acked(): boolean {
    return this.replies.ackAt !== null;
  }

  get ackAt(): number | null {
    return this.replies.ackAt;
  }

  get deviceAcks(): ReadonlyMap<string, DeviceAckState> {
    return this.replies.deviceAcks;
  }

  get downtime(): number | null {
    return this.stopAndCopy.downtime;
  }

  get verified(): boolean | null {
    return this.stopAndCopy.verified;
  }

  /** The destination reported the machine left paused there (`stop` there during the migration, or it was paused here). */
  /** multifd-compression's totals so far (null: none, or no multifd). */
  get compression(): MultifdCompressionInfo | null {
    return this.link.channels?.compression ?? null;
  }

  get destinationPaused(): boolean {
    return this.stopAndCopy.destinationPaused;
  }

  /**
   * migrate_cancel. Allowed until the commit; then the destination may already
   * run the machine (without return-path there is no commit: until the stream ended).
   */
  cancel(): void {
    if (this.finished || this.status === 'cancelling') return;
    if (this.replies.committed) throw new StateError('migration is completing (the destination was told to resume the machine); it can no longer be cancelled');
    if (this.replies.streamEnded && !this.caps['return-path']) throw new StateError('migration is completing (all state sent, no return path); it can no longer be cancelled');
    this.statusMachine.set('cancelling');
    this.link.cancel(new CancelledError());
  }

  /** Where the migration is, for error messages. */
  get phase(): string {
    switch (this.status) {
      case 'setup':
        return this.link.awaiting ? `setup (waiting for ${this.link.awaiting})` : 'setup';
      case 'active':
        return this.precopy.gated ? 'precopy (waiting for switchover-ack)' : 'precopy';
      case 'device':
        if (this.replies.committed) return 'switchover (destination resuming the machine)';
        return this.replies.streamEnded ? 'switchover (final load and verification on the destination)' : 'stop-and-copy';
      default:
        return this.status;
    }
  }

  /** Runs the migration to its end; never rejects. */
  async run(): Promise<void> {
    try {
      this.statusMachine.set('setup');
      await setupOutgoing(this.ctx, this, { host: this.host, port: this.port, security: this.security, migrationId: this.migrationId });
      this.setupTime = performance.now() - this.startedAt;
      this.precopy.startMetering(performance.now(), this.link.channels!.bytesFlushed);
      this.statusMachine.set('active');
      await this.precopy.run();
      await this.stopAndCopy.run();
      if (this.destinationPaused) this.log.info('the destination left the machine paused (it was paused here, or stopped there during the migration): cont on the destination starts it');
      this.endedAt = performance.now();
      this.statusMachine.set('completed');
    } catch (err) {
      this.fail(await this.link.preferPeerReason(err, this.status === 'cancelling'));
    } finally {
      this.link.watchdog?.stop();
      // However it ended, the machine (if it still runs here) runs at full speed again.
      this.precopy.stop();
      this.link.wakeup.close();
      const completed = this.status === 'completed';
      for (const d of this.machine.devices) d.saveCleanup();
      // End-of-migration hooks, with the destination device's message (LOADED) on completion.
      for (const d of this.machine.devices) {
        try {
          d.migrationEnded?.({ role: 'source', completed, message: completed ? (this.replies.deviceMessages.get(d.id) ?? null) : null });
        } catch (err) {
          this.log.warn({ device: d.id, err: err instanceof Error ? err.message : String(err) }, 'a device end-of-migration hook failed');
        }
      }
    }
  }

  private fail(err: unknown): void {
    const cancelled = this.status === 'cancelling';
    const committed = this.replies.committed;
    let error = cancelled ? new CancelledError() : this.link.describeFailure(err);
    if (committed && !cancelled) {
      error = new MigError(error.code, `${error.message}; the destination had been told to resume (commit sent), so the machine may be running there: the source stays paused`, { cause: error });
    }
    this.error = error;
    this.endedAt = performance.now();
    this.pendingAtEnd = this.precopy.pendingBytes;
    this.ramPendingAtEnd = new Map(this.machine.devices.filter((d) => d.memoryCounters).map((r) => [r.id, r.statePendingEstimate()]));
    const devicePending: Array<[string, number]> = [];
    for (const d of this.machine.devices) {
      const pending = d.status().pending;
      if (typeof pending === 'number') devicePending.push([d.id, pending]);
    }
    this.devicePendingAtEnd = new Map(devicePending);
    this.link.destroy();
    if (this.stopAndCopy.stoppedMachine && !committed) {
      this.log.info('resuming the machine after the failed migration');
      this.machine.start();
    }
    this.log.warn({ code: this.error.code, err: this.error.message }, cancelled ? 'migration cancelled' : 'migration failed');
    this.statusMachine.set(cancelled ? 'cancelled' : 'failed');
  }

  private onSwitchoverAck(at: number): void {
    this.log.info({ waitMs: Math.round(at - this.startedAt) }, 'SWITCHOVER_ACK received');
    this.emit('switchover-ack');
  }
}
