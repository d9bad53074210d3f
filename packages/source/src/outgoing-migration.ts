/**
 * One outgoing migration (QEMU migration_thread + migration_completion), as a
 * status machine (migration-status.ts):
 *
 *   none → setup → active → device → completed
 *            │       ↑  ↓      │
 *            │   precopy-paused ⇄ precopy-recover   (precopy-resume)
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
 * precopy-paused (precopy-resume): a break while active pauses instead
 *         (runPrecopy); migrate resume=true reconnects (precopy-recover,
 *         resumeOutgoing) and precopy goes on with what the destination
 *         lacks; precopy-resume-timeout or a cancel ends it as a failure.
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
import { CancelledError, MigError, StateError, TimeoutError } from '@livemig/common/errors';
import { type Capabilities, type Parameters } from '@livemig/common/control';
import { type Machine } from '@livemig/common/devices';
import { processCpuMs, type Logger } from '@livemig/common/daemon';
import { MIGRATION_ID_BYTES } from '@livemig/common/wire';
import { DestinationLink } from './destination-link';
import { DestinationReplies, type DeviceAckState } from './destination-replies';
import type { MultifdCompressionInfo } from './migration-channels';
import { StatusMachine, isFinalStatus, type MigrationStatus } from './migration-status';
import type { OutgoingContext } from './outgoing-context';
import { resumeOutgoing, setupOutgoing, type OutgoingSecurity } from './outgoing-setup';
import { Precopy } from './precopy';
import { StopAndCopy } from './stop-and-copy';

export type { DeviceAckState } from './destination-replies';
export type { MigrationStatus } from './migration-status';
export type { OutgoingSecurity } from './outgoing-setup';
export type { DowntimeBreakdown } from './stop-and-copy';

export interface OutgoingEvents {
  status: [MigrationStatus];
  /** precopy-resume: the connection broke and the migration paused (the cause). */
  paused: [MigError];
  pass: [number];
  'switchover-ack': [];
  'device-approved': [string, number];
  /** The machine is about to stop for the switchover (status 'device' is announced once the downtime is over). */
  switchover: [];
}

/**
 * The migration's public face (status, figures, events, cancel) and the order
 * of its phases: setup (outgoing-setup.ts), precopy (precopy.ts), stop-and-copy
 * and commit (stop-and-copy.ts), each working on the link to the destination
 * (destination-link.ts) and what it said (destination-replies.ts).
 */
export class OutgoingMigration extends EventEmitter<OutgoingEvents> {
  /** Where the destination is (a resume may name another address, from migrate-recover there). */
  host: string;
  port: number;
  private readonly machine: Machine;
  readonly caps: Capabilities;
  private readonly params: () => Readonly<Parameters>;
  private readonly log: Logger;
  private readonly security: OutgoingSecurity;
  /** Named by the multifd channels so the destination attaches them to this migration (and by a resume, or a later migration that abandons it). */
  readonly migrationId = randomBytes(MIGRATION_ID_BYTES);
  /** Earlier migrations of this source a destination may still hold (StreamHeader.abandons): named in this one's header. */
  private readonly abandons: readonly Buffer[];
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
  /** precopy-resume: the RAM bytes sent when the first resume completed (null: none yet). */
  private ramTransferredAtResume: number | null = null;
  /** precopy-resume: the guest-memory bytes the destination lacked, summed over the resumes. */
  unreceivedAtResume = 0;
  /** precopy-resume: why the migration paused (the latest break), and why the latest resume attempt failed. */
  pauseCause: MigError | null = null;
  resumeError: MigError | null = null;
  /** precopy-resume: a `migrate resume=true` waiting to be taken by the paused migration. */
  private resumeRequested = false;
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
    /** Ids of this source's earlier migrations that ended before their commit (SourceDaemon keeps them). */
    abandons?: readonly Buffer[];
  }) {
    super();
    this.host = opts.host;
    this.port = opts.port;
    this.machine = opts.machine;
    this.caps = opts.caps;
    this.params = opts.params;
    this.log = opts.log;
    this.security = opts.security ?? { tls: null, authSecret: null };
    this.abandons = opts.abandons ?? [];
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
      switchoverBegins: () => this.emit('switchover'),
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

  /**
   * Ended (failed or cancelled) after its destination accepted it and before the
   * commit: that destination never ran the machine but may still hold the migration
   * (paused by precopy-resume, e.g. a break that swallowed SWITCHOVER_START, or not yet
   * aware of a silent break). The next migration names it (StreamHeader.abandons).
   */
  get leftIncomingBehind(): boolean {
    return (this.status === 'failed' || this.status === 'cancelled') && this.replies.configAccepted && !this.replies.committed;
  }

  /** precopy-resume: RAM bytes sent since the first resume (the complement of what the destination held, and what was dirtied). */
  get resentAfterResume(): number {
    if (this.ramTransferredAtResume === null) return 0;
    return this.ramTransferred() - this.ramTransferredAtResume;
  }

  private ramTransferred(): number {
    let n = 0;
    for (const d of this.machine.devices) n += d.memoryCounters?.().transferred ?? 0;
    return n;
  }

  /**
   * `migrate {"uri", "resume": true}` (QEMU's migrate resume=true): the paused
   * migration reconnects to `host:port` (the destination's listen address,
   * or the one migrate-recover gave it there).
   */
  resume(host: string, port: number): void {
    if (this.status !== 'precopy-paused' || this.resumeRequested) throw new StateError(this.status === 'precopy-recover' || this.resumeRequested ? 'The migration is already resuming' : 'Cannot resume if there is no paused migration');
    this.host = host;
    this.port = port;
    this.resumeRequested = true;
    this.link.wakeup.notify();
  }

  /** Where the migration is, for error messages. */
  get phase(): string {
    switch (this.status) {
      case 'precopy-paused':
        return 'precopy (paused: the connection broke)';
      case 'precopy-recover':
        return this.link.awaiting ? `precopy (resuming: waiting for ${this.link.awaiting})` : 'precopy (resuming)';
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
      await setupOutgoing(this.ctx, this, { host: this.host, port: this.port, security: this.security, migrationId: this.migrationId, abandons: this.abandons });
      this.setupTime = performance.now() - this.startedAt;
      this.precopy.startMetering(performance.now(), this.link.channels!.bytesFlushed);
      this.statusMachine.set('active');
      await this.runPrecopy();
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
          d.migrationEnded?.({ role: 'source', completed, message: completed ? (this.replies.deviceMessages.get(d.id) ?? null) : null, peerHost: this.host });
        } catch (err) {
          this.log.warn({ device: d.id, err: err instanceof Error ? err.message : String(err) }, 'a device end-of-migration hook failed');
        }
      }
    }
  }

  /**
   * Precopy; with precopy-resume a break while active (reset, close, EOF,
   * silence past stall-timeout, the switchover-ack wait included) pauses it
   * instead of failing, until it is resumed, and then it goes on.
   */
  private async runPrecopy(): Promise<void> {
    for (;;) {
      try {
        await this.precopy.run();
        return;
      } catch (err) {
        const cause = await this.resumableBreak(err);
        if (!cause) throw err;
        await this.pauseUntilResumed(cause);
      }
    }
  }

  /** The break as a MigError if it pauses the migration (precopy-resume), else null (it fails as always). */
  private async resumableBreak(err: unknown): Promise<MigError | null> {
    if (!this.caps['precopy-resume'] || this.status !== 'active' || this.stopAndCopy.stoppedMachine) return null;
    const described = this.link.describeFailure(await this.link.preferPeerReason(err, false));
    return described.code === 'MIG_ERR_CONNECTION' || described.code === 'MIG_ERR_STALLED' ? described : null;
  }

  /**
   * precopy-paused: the connections are gone, the machine runs and its dirty
   * tracking goes on, the devices keep their progress. Waits for `migrate
   * resume=true` (then precopy-recover: reconnect and learn what the
   * destination holds; a failed attempt pauses again), for cancel, or for
   * precopy-resume-timeout (from the break), which fails the migration.
   */
  private async pauseUntilResumed(cause: MigError): Promise<void> {
    const pausedAt = performance.now();
    this.link.renew();
    // Nothing is sent while paused: auto-converge's throttle would only slow the machine (it starts over after the resume).
    this.precopy.stop();
    this.pauseCause = cause;
    this.resumeError = null;
    this.log.warn({ code: cause.code, err: cause.message }, 'migration paused (precopy-resume): the machine keeps running; migrate with resume=true continues it');
    this.statusMachine.set('precopy-paused');
    this.emit('paused', cause);
    const timeoutMs = this.params()['precopy-resume-timeout'];
    const deadline = performance.now() + timeoutMs;
    const expired = (): TimeoutError => new TimeoutError(`paused migration not resumed within precopy-resume-timeout (${timeoutMs} ms); it paused because ${cause.message}`);
    for (;;) {
      while (!this.resumeRequested) {
        this.link.checkAbort();
        const left = deadline - performance.now();
        if (left <= 0) throw expired();
        await this.link.wakeup.wait(Math.min(1000, left));
      }
      this.resumeRequested = false;
      this.statusMachine.set('precopy-recover');
      // The bound holds during an attempt too (each of its waits is bounded by stall-timeout, the pause is not).
      const timedOut = expired();
      const timer = setTimeout(() => this.link.fatal(timedOut), Math.max(0, deadline - performance.now()));
      try {
        const r = await resumeOutgoing(this.ctx, this, { host: this.host, port: this.port, security: this.security, migrationId: this.migrationId });
        this.resumes++;
        this.unreceivedAtResume += r.memoryMissingBytes;
        this.ramTransferredAtResume ??= this.ramTransferred();
        this.precopy.meter!.rebase(performance.now(), this.link.channels!.bytesFlushed);
        this.pauseCause = null;
        // The pause (and the recovery) does not count against timeout and switchover-ack-timeout (Precopy.pausedMs).
        const pausedMs = performance.now() - pausedAt;
        this.precopy.pausedMs += pausedMs;
        this.log.info({ resumes: this.resumes, missingBytes: r.missingBytes, restarted: r.restarted, pausedMs: Math.round(pausedMs) }, 'migration resumed');
        this.statusMachine.set('active');
        return;
      } catch (err) {
        if (this.status === 'cancelling') throw err;
        if (this.link.signal.reason === timedOut) throw timedOut;
        const why = this.link.describeFailure(await this.link.preferPeerReason(err, false));
        this.resumeError = why;
        this.replies.abandonRecovery();
        this.link.renew();
        this.log.warn({ code: why.code, err: why.message }, 'resume failed: the migration stays paused');
        this.statusMachine.set('precopy-paused');
      } finally {
        clearTimeout(timer);
      }
    }
  }

  private fail(err: unknown): void {
    const cancelled = this.status === 'cancelling';
    const committed = this.replies.committed;
    let error = cancelled ? new CancelledError() : err instanceof TimeoutError ? err : this.link.describeFailure(err);
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
