/**
 * One outgoing migration (QEMU migration_thread + migration_completion), as a
 * status machine:
 *
 *   none → setup → active → device → completed
 *            │        │        │
 *            └────────┴────────┴──→ failed | cancelling → cancelled
 *
 * setup:  connect, stream header, configuration, OPEN_RETURN_PATH + PING,
 *         save_setup (START sections).
 * active: precopy rounds over every iterable device (devices with precopy
 *         initial data first), until pending ≤ bandwidth × downtime-limit,
 *         all initial data is out, and the switchover gate is open
 *         (!switchover-ack || machine not running || SWITCHOVER_ACK received).
 * device: machine stopped; SWITCHOVER_START, the dirty rest, END/FULL sections,
 *         digests, EOF; with return-path, LOADED from the destination, then the
 *         commit (CMD_RESUME), done when the destination reports RESUMED;
 *         without, done when the destination confirms with SHUT ok.
 * Any failure or cancel before the commit: the connection is dropped, migration
 * bookkeeping is forgotten and the machine resumes if this migration stopped
 * it. Device state is never modified by saving, so nothing is lost. After the
 * commit the machine may already run on the destination: a failure then leaves
 * the source paused (never two running copies) and says so in error-desc.
 * Every wait ends on progress, on cancel, on connection loss, or on the
 * stall-timeout watchdog (stall-watchdog.ts), so none can hang.
 */
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import {
  CancelledError,
  ConnectionError,
  MigError,
  ProtocolError,
  RamDevice,
  ROUND_BYTES,
  STREAM_MAGIC,
  STREAM_VERSION,
  StateError,
  TimeoutError,
  createNonce,
  deviceConfig,
  livemig,
  processCpuMs,
  toMigError,
  type Capabilities,
  type DecodedRpMessage,
  type Device,
  type Logger,
  type Machine,
  type Parameters,
  type SectionWriter,
  type TlsFiles,
} from '@livemig/common';
import { AutoConverge } from './auto-converge';
import { BandwidthMeter, RateLimiter, expectedDowntimeMs, thresholdBytes, type ConvergenceInputs } from './convergence';
import { StallWatchdog } from './stall-watchdog';
import { MigrationChannels } from './migration-channels';
import { MigrationStream } from './migration-stream';
import { MultifdSender } from './multifd-sender';
import { ReturnPathReader, type ReturnPathSink } from './return-path-reader';
import { answerChallenge, type Challenge } from './source-auth';
import { openConnection } from './transport';
import { Wakeup } from './wakeup';

export type MigrationStatus = 'none' | 'setup' | 'active' | 'device' | 'completed' | 'failed' | 'cancelling' | 'cancelled';

/** Allowed transitions (QEMU migrate_set_state is compare-and-swap; this is its table). */
const TRANSITIONS: Readonly<Record<MigrationStatus, readonly MigrationStatus[]>> = {
  none: ['setup'],
  setup: ['active', 'failed', 'cancelling'],
  active: ['device', 'failed', 'cancelling'],
  device: ['completed', 'failed', 'cancelling'],
  cancelling: ['cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
};

/** How long a connection failure waits for the destination's SHUT naming the cause. */
const PEER_REASON_GRACE_MS = 500;
/** Least time between two dirty-bitmap syncs while the pending set is small. */
const MIN_SYNC_INTERVAL_MS = 50;
/** Longest idle wait when there is nothing to send (waiting for the ack). */
const IDLE_WAIT_MS = 20;
/** Digest work done per idle wait when verify is on (~2 ms at 4 GB/s). */
const IDLE_DIGEST_BYTES = 8 * 1024 * 1024;

export interface OutgoingEvents {
  status: [MigrationStatus];
  pass: [number];
  'switchover-ack': [];
  'device-approved': [string, number];
}

export interface DowntimeBreakdown {
  'final-transfer': number;
  'destination-load': number;
  verify: number;
  'per-device': Record<string, number>;
}

/** What the source needs to reach the destination: TLS material and the shared secret. */
export interface OutgoingSecurity {
  readonly tls: TlsFiles | null;
  readonly authSecret: Buffer | null;
}

export interface DeviceAckState {
  approved: boolean;
  'allocation-ms'?: number;
}

export class OutgoingMigration extends EventEmitter<OutgoingEvents> {
  readonly host: string;
  readonly port: number;
  private readonly machine: Machine;
  readonly caps: Capabilities;
  private readonly params: () => Readonly<Parameters>;
  private readonly log: Logger;
  private readonly security: OutgoingSecurity;
  private readonly abort = new AbortController();
  private readonly wakeup = new Wakeup();
  private stream: MigrationStream | null = null;
  /** The main channel plus, with multifd, the page channels. */
  private channels: MigrationChannels | null = null;
  /** Named by the multifd channels so the destination attaches them to this migration. */
  private readonly migrationId = randomBytes(16);
  /** auto-converge: throttles the workload while the dirty rate outruns the link. */
  private readonly autoConverge: AutoConverge | null;
  private precopyBytesAtSync = 0;
  /** The destination answered a PING: it accepted the configuration. */
  private ponged = false;
  private socket: Socket | null = null;
  private socketError: Error | null = null;
  private watchdog: StallWatchdog | null = null;
  /** OPEN_RETURN_PATH is out and nothing final came back: keepalive PINGs may go. */
  private pinging = false;
  /** What the source waits for from the destination, when only its answer shows progress. */
  private awaiting: string | null = null;
  private challenge: Challenge | null = null;

  status: MigrationStatus = 'none';
  error: MigError | null = null;
  readonly startedAt = performance.now();
  readonly startedEpoch = Date.now();
  setupTime: number | null = null;
  endedAt: number | null = null;
  stoppedAt: number | null = null;
  downtime: number | null = null;
  downtimeSourceOnly = false;
  downtimeBreakdown: DowntimeBreakdown | null = null;
  ackAt: number | null = null;
  verified: boolean | null = null;
  passes = 0;
  precopyBytes = 0;
  downtimeBytes = 0;
  meter: BandwidthMeter | null = null;
  pendingBytes = 0;
  expectedDowntimeAtSwitchover: number | null = null;
  dirtyPagesRate = 0;
  readonly deviceAcks = new Map<string, DeviceAckState>();
  private lastSyncAt = 0;
  private streamEnded = false;
  private loaded = false;
  /** CMD_RESUME is out: the destination may run the machine; the source must never resume now. */
  private committed = false;
  /** Precopy has converged and only the switchover-ack is missing. */
  private gated = false;
  private shutOk = false;
  private stoppedMachine = false;
  private resumed: NonNullable<DecodedRpMessage['resumed']> | null = null;
  private resumedAt = 0;
  /** The status changed but was not announced yet (setStatus with announce: false). */
  private unannounced = false;

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
    this.autoConverge = this.caps['auto-converge']
      ? new AutoConverge(this.params, (percent) => {
          this.machine.workload.throttlePercent = percent;
          this.log.info({ percent }, 'auto-converge: cpu throttle');
        })
      : null;
  }

  /** QEMU's cpu-throttle-percentage (auto-converge on), else null. */
  get cpuThrottlePercentage(): number | null {
    return this.autoConverge ? this.autoConverge.percentage : null;
  }

  get finished(): boolean {
    return this.status === 'completed' || this.status === 'failed' || this.status === 'cancelled';
  }

  get acked(): boolean {
    return this.ackAt !== null;
  }

  /**
   * Moves to `next` and announces it (log line, 'status' event), or with
   * `announce: false` only moves: the announcement then waits for
   * announceStatus() (or the next status change, which announces it first).
   */
  private setStatus(next: MigrationStatus, opts: { announce: boolean } = { announce: true }): void {
    if (!TRANSITIONS[this.status].includes(next)) throw new StateError(`migration status cannot go from ${this.status} to ${next}`);
    this.announceStatus();
    this.status = next;
    this.unannounced = true;
    if (opts.announce) this.announceStatus();
  }

  private announceStatus(): void {
    if (!this.unannounced) return;
    this.unannounced = false;
    this.log.info({ status: this.status, cpuMs: processCpuMs() }, 'migration status');
    this.emit('status', this.status);
  }

  /**
   * migrate_cancel. Allowed until the commit; then the destination may already
   * run the machine (without return-path there is no commit: until the stream ended).
   */
  cancel(): void {
    if (this.finished || this.status === 'cancelling') return;
    if (this.committed) throw new StateError('migration is completing (the destination was told to resume the machine); it can no longer be cancelled');
    if (this.streamEnded && !this.caps['return-path']) throw new StateError('migration is completing (all state sent, no return path); it can no longer be cancelled');
    this.setStatus('cancelling');
    this.abort.abort(new CancelledError());
    this.socket?.destroy();
    this.wakeup.notify();
  }

  /** Where the migration is, for error messages. */
  get phase(): string {
    switch (this.status) {
      case 'setup':
        return this.awaiting ? `setup (waiting for ${this.awaiting})` : 'setup';
      case 'active':
        return this.gated ? 'precopy (waiting for switchover-ack)' : 'precopy';
      case 'device':
        if (this.committed) return 'switchover (destination resuming the machine)';
        return this.streamEnded ? 'switchover (final load and verification on the destination)' : 'stop-and-copy';
      default:
        return this.status;
    }
  }

  /** Runs the migration to its end; never rejects. */
  async run(): Promise<void> {
    try {
      this.setStatus('setup');
      await this.setup();
      this.setStatus('active');
      await this.precopy();
      await this.complete();
      this.endedAt = performance.now();
      this.setStatus('completed');
    } catch (err) {
      this.fail(await this.preferPeerReason(err));
    } finally {
      this.watchdog?.stop();
      // However it ended, the machine (if it still runs here) runs at full speed again.
      this.autoConverge?.stop();
      this.wakeup.close();
      for (const d of this.machine.devices) d.saveCleanup();
    }
  }

  /**
   * A write that failed because the destination closed a connection (with
   * multifd there are several) usually means it refused the migration, and the
   * SHUT with its reason is about to be read on the main channel: wait a moment
   * for it, so the error names the cause rather than the broken pipe.
   */
  private async preferPeerReason(err: unknown): Promise<unknown> {
    const isPeer = (e: unknown): boolean => e instanceof Error && (e as MigError).code === 'MIG_ERR_PEER';
    if (this.status === 'cancelling' || isPeer(err)) return err;
    if (toMigError(err).code === 'MIG_ERR_CONNECTION' && !isPeer(this.abort.signal.reason)) await this.wakeup.wait(PEER_REASON_GRACE_MS);
    return isPeer(this.abort.signal.reason) ? this.abort.signal.reason : err;
  }

  private fail(err: unknown): void {
    const cancelled = this.status === 'cancelling';
    let error = cancelled ? new CancelledError() : this.describeFailure(err);
    if (this.committed && !cancelled) {
      error = new MigError(error.code, `${error.message}; the destination had been told to resume (commit sent), so the machine may be running there: the source stays paused`, { cause: error });
    }
    this.error = error;
    this.endedAt = performance.now();
    this.socket?.destroy();
    this.channels?.destroy();
    if (this.stoppedMachine && !this.committed) {
      this.log.info('resuming the machine after the failed migration');
      this.machine.start();
    }
    this.log.warn({ code: this.error.code, err: this.error.message }, cancelled ? 'migration cancelled' : 'migration failed');
    this.setStatus(cancelled ? 'cancelled' : 'failed');
  }

  /**
   * The error that names the cause: the first fatal one recorded (return path,
   * connection loss, watchdog) wins over what the loop tripped on afterwards; a
   * raw socket error becomes a connection loss naming the phase.
   */
  private describeFailure(err: unknown): MigError {
    const first: unknown = this.abort.signal.aborted ? this.abort.signal.reason : null;
    if (first instanceof MigError) return first;
    // Once connected, a write to a broken connection (the stream's ConnectionError or a raw errno) is the connection loss.
    const errno = typeof (err as NodeJS.ErrnoException | null)?.code === 'string' && !(err instanceof MigError);
    if (this.socket && (err instanceof ConnectionError || errno)) return this.connectionLost(err);
    return toMigError(err);
  }

  private connectionLost(err?: unknown): ConnectionError {
    const cause = this.socketError ?? (err instanceof Error && !(err instanceof MigError) ? err : null);
    const why = cause ? `: ${cause.message}` : ' (closed by the destination)';
    return new ConnectionError(`connection to the destination lost during ${this.phase}${why}`, { cause: cause ?? err });
  }

  /** Records a fatal error from outside the loop (return path, socket, watchdog) and wakes the loop. */
  private fatal(err: MigError): void {
    if (this.abort.signal.aborted || this.finished) return;
    this.abort.abort(err);
    this.socket?.destroy();
    this.channels?.destroy();
    this.wakeup.notify();
  }

  private checkAbort(): void {
    if (this.abort.signal.aborted) throw this.abort.signal.reason;
  }

  // ---- setup ----

  private async setup(): Promise<void> {
    const socket = await openConnection({
      host: this.host,
      port: this.port,
      tls: this.security.tls,
      signal: this.abort.signal,
      timeoutMs: this.params()['stall-timeout'],
    });
    this.socket = socket;
    const stream = new MigrationStream(socket);
    this.stream = stream;
    const channels = new MigrationChannels(stream);
    this.channels = channels;
    const secret = this.security.authSecret;
    const rp = new ReturnPathReader(this.returnPathSink(), {
      returnPath: this.caps['return-path'],
      switchoverAck: this.caps['switchover-ack'],
      auth: secret !== null,
    });
    const watchdog = new StallWatchdog(
      {
        returnPath: this.caps['return-path'],
        stream: () => this.stream,
        stallTimeoutMs: () => this.params()['stall-timeout'],
        awaiting: () => this.awaiting,
        pinging: () => this.pinging,
        live: () => !this.finished && !this.abort.signal.aborted,
        phase: () => this.phase,
        stalled: (err) => this.fatal(err),
      },
      performance.now(),
    );
    this.watchdog = watchdog;
    socket.on('data', (chunk: Buffer) => {
      watchdog.keepalive.received(performance.now());
      rp.push(chunk);
    });
    socket.on('error', (err) => {
      this.socketError ??= err;
    });
    socket.on('close', () => {
      if (this.finished || this.resumed !== null || this.shutOk) return;
      this.fatal(this.connectionLost());
    });
    watchdog.start();

    const nonce = secret ? createNonce() : null;
    stream.writeFrame({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION, ...(nonce ? { authNonce: nonce } : {}) } });
    if (secret && nonce) {
      this.awaiting = 'the authentication challenge';
      await this.waitFor(() => this.challenge !== null);
      this.awaiting = null;
      stream.writeFrame({ authResponse: { mac: answerChallenge(secret, nonce, this.challenge!) } });
    }
    stream.writeFrame({
      configuration: {
        devices: this.machine.devices.map(deviceConfig),
        capabilities: {
          returnPath: this.caps['return-path'],
          switchoverAck: this.caps['switchover-ack'],
          multifd: this.caps.multifd,
          verify: this.caps.verify,
        },
        migrationId: this.migrationId,
        multifdChannels: this.caps.multifd ? this.params()['multifd-channels'] : 0,
      },
    });
    if (this.caps['return-path']) {
      stream.writeFrame({ command: { type: livemig.CommandType.CMD_OPEN_RETURN_PATH } });
      this.pinging = true;
      watchdog.ping();
    }
    if (this.caps['switchover-ack']) {
      for (const d of this.machine.devices) if (d.kind === 'accel') this.deviceAcks.set(d.id, { approved: false });
    }
    if (this.caps.multifd) {
      // With a return path, open the extra channels once the destination has accepted
      // the configuration (it answers the PING only then), so a refusal is reported
      // with its reason rather than as channels being turned away.
      if (this.caps['return-path']) {
        this.awaiting = 'the destination to accept the configuration';
        await this.waitFor(() => this.ponged);
        this.awaiting = null;
      }
      const sender = await MultifdSender.connect({
        host: this.host,
        port: this.port,
        tls: this.security.tls,
        timeoutMs: this.params()['stall-timeout'],
        channels: this.params()['multifd-channels'],
        migrationId: this.migrationId,
        signal: this.abort.signal,
        onError: (err) => this.fatal(err),
      });
      channels.attachMultifd(sender);
      this.log.info({ channels: sender.channels }, 'multifd channels open');
    }
    const ctx = { switchoverAck: this.caps['switchover-ack'], verify: this.caps.verify };
    this.machine.devices.forEach((d, i) => d.saveSetup(this.writerFor(d, i), ctx));
    this.setupTime = performance.now() - this.startedAt;
    this.meter = new BandwidthMeter(performance.now(), channels.bytesFlushed);
  }

  /** What the destination says, checked against where this migration is. */
  private returnPathSink(): ReturnPathSink {
    return {
      authChallenge: (nonce, mac) => {
        this.challenge = { nonce, mac };
        this.wakeup.notify();
      },
      pong: (v) => {
        this.ponged = true;
        this.wakeup.notify();
        try {
          this.watchdog?.keepalive.pong(v);
        } catch (err) {
          this.fatal(toMigError(err, 'MIG_ERR_RETURN_PATH'));
        }
      },
      switchoverAck: () => this.onSwitchoverAck(),
      deviceApproved: (id, ms) => {
        const state = this.deviceAcks.get(id);
        if (!state) return this.fatal(new ProtocolError(`return path: approval from '${id}', which is not a device that gates switchover`));
        if (state.approved) return this.fatal(new ProtocolError(`return path: second approval from '${id}'`));
        this.deviceAcks.set(id, { approved: true, 'allocation-ms': ms });
        this.emit('device-approved', id, ms);
      },
      loaded: () => {
        if (this.status !== 'device' || !this.streamEnded) return this.fatal(new ProtocolError('return path: LOADED before the stream ended'));
        this.loaded = true;
        this.wakeup.notify();
      },
      resumed: (m) => {
        if (!this.committed) return this.fatal(new ProtocolError('return path: RESUMED before the source sent RESUME'));
        this.resumed = m;
        this.resumedAt = performance.now();
        this.pinging = false;
        this.wakeup.notify();
      },
      shutOk: () => {
        const early = !this.streamEnded || (this.caps['return-path'] && this.resumed === null);
        if (early) return this.fatal(new ProtocolError(`return path: the destination ended the migration (SHUT ok) during ${this.phase}`));
        this.shutOk = true;
        this.pinging = false;
        this.wakeup.notify();
      },
      error: (err) => this.fatal(err),
    };
  }

  /** Waits until `cond` holds; ends early (throws) on cancel, failure or stall. */
  private async waitFor(cond: () => boolean): Promise<void> {
    while (!cond()) {
      this.checkAbort();
      await this.wakeup.wait(1000);
    }
    this.checkAbort();
  }

  private readonly writers = new Map<Device, SectionWriter>();
  private writerFor(d: Device, index: number): SectionWriter {
    let w = this.writers.get(d);
    if (!w) {
      w = this.channels!.sectionWriter(d, index + 1);
      this.writers.set(d, w);
    }
    return w;
  }

  private onSwitchoverAck(): void {
    this.ackAt = performance.now();
    this.log.info({ waitMs: Math.round(this.ackAt - this.startedAt) }, 'SWITCHOVER_ACK received');
    this.emit('switchover-ack');
    this.wakeup.notify();
  }

  // ---- precopy ----

  private convergenceInputs(): ConvergenceInputs {
    const p = this.params();
    return { bandwidth: this.meter?.bandwidth ?? 0, availSwitchoverBandwidth: p['avail-switchover-bandwidth'], downtimeLimitMs: p['downtime-limit'] };
  }

  get downtimeLimit(): number {
    return this.params()['downtime-limit'];
  }

  get thresholdBytes(): number {
    return thresholdBytes(this.convergenceInputs());
  }

  get expectedDowntime(): number | null {
    return expectedDowntimeMs(this.pendingBytes, this.convergenceInputs());
  }

  private get iterables(): Device[] {
    return this.machine.devices.filter((d) => d.iterable);
  }

  private async precopy(): Promise<void> {
    const stream = this.channels!;
    const meter = this.meter!;
    const limiter = new RateLimiter(performance.now());
    const devices = this.machine.devices;
    // Converged, and sending the pending set while the machine still runs (see below);
    // passOut once a round of it found nothing more to send.
    let finalPass = false;
    let passOut = false;
    for (;;) {
      this.checkAbort();
      const now = performance.now();
      this.checkTimeouts(now);
      meter.sample(now, stream.bytesFlushed);
      const threshold = this.thresholdBytes;
      let pending = 0;
      let sendable = 0;
      for (const d of devices) pending += d.statePendingEstimate();
      for (const d of this.iterables) sendable += d.statePendingEstimate();
      let synced = false;
      // The final pass ends with a sync as soon as it is out; otherwise syncs are spaced.
      const syncDue = finalPass ? passOut : (pending < threshold || sendable === 0) && now - this.lastSyncAt >= MIN_SYNC_INTERVAL_MS;
      if (syncDue) {
        pending = this.syncDirty(now);
        synced = true;
        sendable = 0;
        for (const d of this.iterables) sendable += d.statePendingEstimate();
      }
      this.pendingBytes = pending;
      let initialData = 0;
      for (const d of devices) initialData += d.initialDataPending();
      const gateOpen = !this.caps['switchover-ack'] || !this.machine.running || this.acked;
      this.gated = !gateOpen && initialData === 0 && pending <= threshold;
      // Convergence is judged only right after a sync, on a current pending set. With
      // nothing iterable left to send only what goes at stop remains, so switch over even
      // before a bandwidth was measured (all-zero RAM sends so few bytes that no
      // measuring window may ever see enough traffic).
      const converged = synced && gateOpen && initialData === 0 && ((pending <= threshold && meter.bandwidth > 0) || sendable === 0);
      // The machine dirtied more during the final pass than the downtime allows: iterate on.
      if (finalPass && synced && !converged) finalPass = passOut = false;
      if (converged) {
        if (finalPass || sendable === 0 || !this.machine.running) {
          this.expectedDowntimeAtSwitchover = this.expectedDowntime;
          await this.drainBeforeStop();
          return;
        }
        // QEMU would stop here and send the pending set (≤ bandwidth × downtime-limit)
        // with the machine stopped. Send it while the machine still runs instead (one
        // final pass, at most downtime-limit long), then sync once more: the downtime
        // only carries what the machine dirtied during that pass.
        finalPass = true;
      }

      // One round: every iterable device gets a turn (QEMU 4e1871c450), devices
      // with precopy initial data first so RAM re-sends cannot starve them.
      const allowance = limiter.allowance(now, this.params()['max-bandwidth']);
      if (allowance <= 0) {
        await this.sleepIdle(limiter.msToNextWindow(now), false);
        continue;
      }
      const budget = Math.min(ROUND_BYTES, allowance);
      const order = [...this.iterables].sort((a, b) => Number(b.initialDataPending() > 0) - Number(a.initialDataPending() > 0));
      let written = 0;
      for (const d of order) written += d.saveLiveIterate(this.writerFor(d, devices.indexOf(d)), budget, false);
      limiter.record(written);
      this.precopyBytes += written;
      if (this.caps.verify && written > 0) this.machine.refreshDigests(written);
      if (written === 0 && finalPass) {
        passOut = true; // sync at once
      } else if (written === 0) {
        // Nothing dirty to send: wait (for the ack, new dirt, or the next sync).
        await this.sleepIdle(IDLE_WAIT_MS, true);
      } else {
        // The round goes to the kernel now, and the loop waits only on a deep backlog,
        // so the socket never runs dry while the next round is prepared.
        stream.push();
        if (stream.needsDrain) await stream.flush(this.abort.signal);
        else await yieldToLoop();
      }
    }
  }

  /**
   * Converged: before stopping the machine, wait until the destination has
   * taken what is already in flight. Precopy keeps the socket full, so at this
   * point the kernel buffers on both ends hold megabytes of precopy data (up to
   * ~3 ms of it on loopback) that the stop-and-copy would otherwise have to wait
   * behind, machine stopped. A PING answered in order marks the point; the
   * wait costs the running machine nothing but the pages it dirties meanwhile,
   * which the final sync at stop picks up. Skipped without a return path, when
   * the machine is not running, or when PINGs go unanswered.
   */
  private async drainBeforeStop(): Promise<void> {
    if (!this.caps['return-path'] || !this.machine.running || !this.watchdog) return;
    const value = this.watchdog.ping();
    if (value === null) return;
    const keepalive = this.watchdog.keepalive;
    const t0 = performance.now();
    this.awaiting = 'the destination to take the precopy data in flight';
    await this.waitFor(() => keepalive.answered(value));
    this.awaiting = null;
    this.log.debug({ ms: Math.round((performance.now() - t0) * 10) / 10 }, 'precopy data in flight taken by the destination');
  }

  /** QEMU's bitmap sync: fold newly dirtied state into the send set; one pass. */
  private syncDirty(now: number): number {
    // Pages of this pass must all be loaded before any re-sent copy of the next (multifd).
    this.channels!.syncMultifd();
    let pending = 0;
    let newlyDirty = 0;
    let newlyDirtyBytes = 0;
    for (const d of this.machine.devices) {
      pending += d.statePendingExact();
      if (d instanceof RamDevice) {
        newlyDirty += d.stats.lastSyncDirtyPages;
        newlyDirtyBytes += d.stats.lastSyncDirtyPages * d.pageSize;
      }
    }
    if (this.lastSyncAt > 0) {
      this.dirtyPagesRate = (newlyDirty * 1000) / (now - this.lastSyncAt);
      this.autoConverge?.onSync(newlyDirtyBytes, this.precopyBytes - this.precopyBytesAtSync);
    }
    this.precopyBytesAtSync = this.precopyBytes;
    this.lastSyncAt = now;
    this.passes++;
    this.log.debug({ pass: this.passes, pending, newlyDirty }, 'dirty sync');
    this.emit('pass', this.passes);
    return pending;
  }

  private async sleepIdle(ms: number, idle: boolean): Promise<void> {
    const t0 = performance.now();
    // Idle time is free time for digest work, so little of it is left for the downtime.
    if (idle && this.caps.verify) this.machine.refreshDigests(IDLE_DIGEST_BYTES);
    await this.wakeup.wait(ms);
    if (idle) this.meter?.addIdle(performance.now() - t0);
  }

  private checkTimeouts(now: number): void {
    const p = this.params();
    const elapsed = now - this.startedAt;
    if (p['switchover-ack-timeout'] > 0 && this.caps['switchover-ack'] && !this.acked && this.machine.running && elapsed > p['switchover-ack-timeout']) {
      throw new TimeoutError(`no SWITCHOVER_ACK from the destination within switchover-ack-timeout (${p['switchover-ack-timeout']} ms)`);
    }
    if (p.timeout > 0 && elapsed > p.timeout) {
      throw new TimeoutError(`migration did not converge within timeout (${p.timeout} ms)`);
    }
  }

  // ---- stop and copy ----

  private async complete(): Promise<void> {
    const stream = this.stream!;
    const channels = this.channels!;
    const signal = this.abort.signal;
    if (this.machine.running) {
      this.machine.stop('paused');
      this.stoppedMachine = true;
    }
    this.stoppedAt = performance.now();
    // Announced once the final data is queued: the log line alone costs 0.1–0.4 ms
    // on a small machine, which would otherwise come before the first byte.
    this.setStatus('device', { announce: false });
    const before = channels.bytesQueued;
    stream.writeFrame({ command: { type: livemig.CommandType.CMD_SWITCHOVER_START } });
    const devices = this.machine.devices;
    channels.syncMultifd();
    for (const d of devices) if (!d.iterable) d.statePendingExact();
    // The rest, device by device, without rate limit (QEMU lifts it at switchover), still
    // honouring backpressure. Each round goes to the kernel as soon as it is queued, so
    // bytes travel while the next device syncs its dirty log and queues its part.
    for (const d of this.iterables) {
      d.statePendingExact();
      const writer = this.writerFor(d, devices.indexOf(d));
      for (;;) {
        this.checkAbort();
        const written = d.saveLiveIterate(writer, ROUND_BYTES, true);
        if (written === 0) break;
        channels.push();
        // Machine stopped: keep the socket fed (views of guest memory cost nothing to queue);
        // only a very large rest waits for the socket.
        if (channels.needsDrain) await channels.flush(signal);
      }
    }
    // Every page is on its way before END and EOF (multifd: the destination waits for all channels here).
    channels.syncMultifd();
    devices.forEach((d, i) => d.saveLiveCompletePrecopy(this.writerFor(d, i)));
    if (this.caps.verify) {
      const t0 = performance.now();
      const digests = [...this.machine.digests()].map(([deviceId, digest]) => ({ deviceId, digest }));
      this.log.debug({ ms: Math.round(performance.now() - t0) }, 'source digests computed');
      stream.writeFrame({ verify: { digests } });
    }
    stream.writeFrame({ eof: {} });
    this.streamEnded = true;
    channels.push();
    this.announceStatus();
    await channels.flush(signal);
    const flushedAt = performance.now();
    this.downtimeBytes = channels.bytesQueued - before;
    if (this.caps['return-path']) {
      // The commit: only a destination that has loaded (and verified) everything
      // is told to resume, and the source never resumes once it has been told.
      await this.waitFor(() => this.loaded);
      stream.writeFrame({ command: { type: livemig.CommandType.CMD_RESUME } });
      this.committed = true;
      await this.waitFor(() => this.resumed !== null);
      const r = this.resumed!;
      this.downtime = this.resumedAt - this.stoppedAt;
      const destinationLoad = r.loadMs ?? 0;
      const verifyMs = r.verifyMs ?? 0;
      this.downtimeBreakdown = {
        'final-transfer': Math.max(0, this.downtime - destinationLoad - verifyMs),
        'destination-load': destinationLoad,
        verify: verifyMs,
        'per-device': Object.fromEntries((r.devices ?? []).map((t) => [t.deviceId ?? '', t.loadMs ?? 0])),
      };
      this.verified = this.caps.verify ? r.verified === true : null;
    } else {
      // No commit without a return path: the destination resumes on its own and
      // confirms with SHUT ok (SHUT with an error, e.g. a verification mismatch, fails this).
      this.awaiting = 'the destination to confirm the end of the migration';
      await this.waitFor(() => this.shutOk);
      this.awaiting = null;
      this.downtime = flushedAt - this.stoppedAt;
      this.downtimeSourceOnly = true;
      this.downtimeBreakdown = { 'final-transfer': this.downtime, 'destination-load': 0, verify: 0, 'per-device': {} };
      this.verified = this.caps.verify ? true : null;
    }
    this.machine.stop('postmigrate');
    this.stoppedMachine = false;
    channels.end();
    this.socket?.end();
  }
}
