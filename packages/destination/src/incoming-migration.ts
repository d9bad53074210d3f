/**
 * One incoming migration (QEMU qemu_loadvm_state), from the moment its
 * connection's handshake (handshake.ts: header, auth, configuration) was
 * accepted and it claimed the daemon's one migration slot; only then is it
 * handed the machine. Its phases (the table is load-phase.ts; frames are
 * dispatched in frame-dispatch.ts):
 *
 *   precopy → switchover → loading → [loaded] → completed
 *    ↑  ↓ └──────────┴───────────┴──────────┴────────────→ failed
 *   paused (precopy-resume) ─────────────────────────────→ failed
 *
 * start:      CONFIG_ACCEPTED back to the source (it sends no state before
 *             it), load_setup for every device and the switchover-ack count,
 *             with multifd the channel places.
 * precopy:    commands (OPEN_RETURN_PATH, PING) and START/PART sections.
 * switchover: after SWITCHOVER_START: PART/END/FULL sections, Verify, Eof.
 * loading:    every device's final load (accel waits for its allocation),
 *             digest check; only PINGs may arrive.
 * loaded:     (return path) LOADED sent; waits for the source's commit,
 *             CMD_RESUME; then resume (or stay paused: autostart off, or the
 *             machine was paused on the source), RESUMED + SHUT. Without a
 *             return path the machine resumes right after loading, then SHUT ok.
 * paused:     (precopy-resume) the connection broke (close, reset, silence
 *             past stall-timeout) during precopy: no SHUT, no loadCleanup;
 *             what was loaded, load setup and approvals stay; the daemon
 *             keeps listening for this migration's source (resume(): a new
 *             connection naming this migration id, authenticated as before),
 *             bounded by precopy-resume-timeout.
 * A failure sends SHUT with the reason, drops the connection and discards the
 * partial state (accel pre-allocations freed): that is this migration's to
 * do, as it owns the machine's incoming state. The timers (incoming-timers.ts)
 * bound OPEN_RETURN_PATH and any silence of the source.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { CancelledError, ConnectionError, TimeoutError, toMigError, type MigError } from '@livemig/common/errors';
import { warmEndOfMigration, type ConfigurationMessage } from '@livemig/common/wire';
import { type Capabilities, type MultifdCompression } from '@livemig/common/control';
import { type Machine } from '@livemig/common/devices';
import { type Logger } from '@livemig/common/daemon';
import { FinalLoad, type DeviceLoadTimes } from './final-load';
import { reportHeldState } from './held-state-report';
import { FrameDispatch, type DispatchParts } from './frame-dispatch';
import { IncomingChannels } from './incoming-channels';
import { IncomingTimers } from './incoming-timers';
import type { AcceptedConnection } from './handshake';
import { lingeringClose } from './lingering-close';
import { LoadSetup } from './load-setup';
import { reached, type LoadPoint } from './probes';
import type { ReturnPathWriter } from './return-path-writer';
import { SectionTable } from './section-table';
import type { StreamReader } from './stream-reader';

export type { DeviceLoadTimes } from './final-load';

/** precopy-paused / precopy-recover (precopy-resume): the source's connection broke; what was received is kept while it reconnects. */
export type IncomingStatus = 'active' | 'precopy-paused' | 'precopy-recover' | 'completed' | 'failed';

export interface IncomingEvents {
  status: [IncomingStatus];
  'switchover-ack': [];
  'device-preallocated': [string, number];
  'device-progress': [string, number, number];
  done: [];
}

export interface IncomingOptions {
  /** The accepted connection (its handshake is over). */
  connection: AcceptedConnection;
  /** The configuration the handshake accepted. */
  config: ConfigurationMessage;
  machine: Machine;
  caps: Capabilities;
  /** The destination's multifd-compression when the connection came (default none). */
  multifdCompression?: MultifdCompression;
  log: Logger;
  /** The destination's stall-timeout (ms, 0 = off), read live. */
  stallTimeoutMs?: () => number;
  /** The destination's precopy-resume-timeout (ms), read when a pause begins. */
  resumeTimeoutMs?: () => number;
}

/**
 * One incoming migration: its public face (status, figures, events, fail)
 * and its life (start, completion, failure), composed of its parts: the bytes
 * come in through stream-reader.ts, each frame is dispatched by phase in
 * frame-dispatch.ts, sections are checked by section-table.ts, load_setup and
 * the approvals are load-setup.ts, the end is final-load.ts, the timers
 * incoming-timers.ts, multifd's extra connections incoming-channels.ts.
 */
export class IncomingMigration extends EventEmitter<IncomingEvents> {
  /** The main connection (a resume brings a new one: socket and reader change, the return-path writer is re-bound). */
  private socket: Socket;
  private readonly machine: Machine;
  private readonly log: Logger;
  private readonly config: ConfigurationMessage;
  private readonly rp: ReturnPathWriter;
  private reader: StreamReader;
  private readonly parts: DispatchParts;
  private readonly caps: Capabilities;
  private readonly resumeTimeoutMs: () => number;
  /** precopy-resume: ends a pause that lasts past precopy-resume-timeout. */
  private resumeTimer: NodeJS.Timeout | null = null;
  /** precopy-resume: why the migration paused (the latest break). */
  pauseCause: MigError | null = null;
  private readonly dispatch: FrameDispatch;
  private readonly setup: LoadSetup;
  private readonly end: FinalLoad;
  private readonly timers: IncomingTimers;
  /** multifd: the places of this migration's channels. */
  readonly channels: IncomingChannels;
  private readonly multifdOn: boolean;
  private readonly failHere = (err: MigError): void => this.fail(err);
  private readonly multifdCompression: MultifdCompression;

  status: IncomingStatus = 'active';
  error: MigError | null = null;
  readonly startedAt = performance.now();
  endedAt: number | null = null;
  bytesReceived = 0;
  /** precopy-resume: how many times the source resumed this migration after a break. */
  resumes = 0;
  /** Failed by discard(): its source gave up on it (a notice, or its next migration's header). */
  discarded = false;
  /** Discarded by a connection that became a new migration in its place (--exit-on-complete waits for that one). */
  superseded = false;

  constructor(opts: IncomingOptions) {
    super();
    this.socket = opts.connection.socket;
    this.reader = opts.connection.reader;
    this.rp = opts.connection.rp;
    this.machine = opts.machine;
    this.log = opts.log;
    this.config = opts.config;
    this.multifdOn = opts.caps.multifd;
    this.caps = opts.caps;
    this.resumeTimeoutMs = opts.resumeTimeoutMs ?? (() => 60_000);
    const rp = this.rp;
    this.multifdCompression = opts.multifdCompression ?? 'none';
    this.channels = new IncomingChannels(this.log);
    this.setup = new LoadSetup(this.machine, opts.caps['switchover-ack'], rp, this.log, {
      finished: () => this.finished,
      reached: (point, hold) => this.reached(point, hold),
      fail: this.failHere,
      deviceProgress: (id, done, total) => this.emit('device-progress', id, done, total),
      devicePreallocated: (id, ms) => this.emit('device-preallocated', id, ms),
      switchoverAckSent: () => this.emit('switchover-ack'),
    });
    this.end = new FinalLoad(this.machine, rp, this.log, {
      finished: () => this.finished,
      reached: (point) => this.reached(point),
      awaitCommit: () => {
        this.dispatch.phases.go('loaded');
        this.timers.dataArrived();
      },
      completed: (paused) => this.completed(paused),
      fail: this.failHere,
    });
    const returnPath = opts.caps['return-path'];
    this.timers = new IncomingTimers({
      startedAt: this.startedAt,
      finished: () => this.finished,
      stallTimeoutMs: opts.stallTimeoutMs ?? (() => 0),
      awaitingReturnPath: () => returnPath && !rp.isOpen,
      busy: () => this.dispatch.phase === 'loading',
      digestCatchUp: () => this.dispatch.sourceVerify && this.dispatch.phase === 'precopy',
      refreshDigests: (bytes) => this.machine.refreshDigests(bytes),
      phase: () => this.dispatch.phase,
      stalled: this.failHere,
    });
    const parts = { machine: this.machine, caps: opts.caps, log: this.log, rp, reader: this.reader, sections: new SectionTable(this.machine, this.failHere), setup: this.setup, end: this.end, timers: this.timers, channels: this.channels };
    this.parts = parts;
    this.dispatch = new FrameDispatch(parts, { reached: (point) => this.reached(point) }, opts.config.capabilities?.verify === true);
  }

  /** The migration id its configuration named (multifd channels and a resuming source name it). */
  get migrationId(): Buffer {
    return Buffer.from(this.config.migrationId ?? []);
  }

  get finished(): boolean {
    return this.dispatch.finished;
  }

  /** Bytes received but not yet loaded (a partial frame): bounded by the maximum frame size. */
  get bufferedBytes(): number {
    return this.reader.pendingBytes;
  }

  // ---- switchover-ack (load-setup.ts) and the downtime side (final-load.ts), for query-migrate ----

  get ackPending(): number | null {
    return this.setup.ackPending;
  }

  get acked(): boolean {
    return this.setup.acked;
  }

  get ackAt(): number | null {
    return this.setup.ackAt;
  }

  get preallocated(): ReadonlyMap<string, number> {
    return this.setup.preallocated;
  }

  get eofAt(): number {
    return this.end.eofAt;
  }

  get loadedAt(): number {
    return this.end.loadedAt;
  }

  get verifyMs(): number {
    return this.end.verifyMs;
  }

  get verified(): boolean | null {
    return this.end.verified;
  }

  get deviceLoadMs(): DeviceLoadTimes {
    return this.end.deviceLoadMs;
  }

  /**
   * Takes the connection over (from inside the handshake's frame callback):
   * every later frame is this migration's. Then load_setup, the multifd places,
   * CONFIG_ACCEPTED: the source may send state from now on.
   */
  start(): void {
    this.takeConnection(this.socket, this.reader);
    this.timers.start();
    try {
      this.setup.run(this.dispatch.sourceVerify, this.caps['precopy-resume']);
      if (this.multifdOn) this.startMultifd(this.config);
      this.rp.send({ configAccepted: {} });
    } catch (err) {
      return this.fail(toMigError(err, 'MIG_ERR_PROTOCOL'));
    }
    // The end's messages run cold otherwise, inside the downtime (end-warm-up.ts); the
    // source has CONFIG_ACCEPTED already.
    warmEndOfMigration();
    this.emit('status', 'active');
    this.reached('config');
  }

  /** Every later frame of this connection is this migration's; its close or error is a break (or a failure). */
  private takeConnection(socket: Socket, reader: StreamReader): void {
    reader.handOver({
      // A connection of before a pause (precopy-resume) delivers nothing more.
      // (Also once paused: a pause from inside a frame callback drops the rest of that chunk.)
      finished: () => this.finished || this.reader !== reader || this.paused,
      payloadTargets: (msg, length) => this.dispatch.payloadTargets(msg, length),
      handleFrame: (frame) => this.dispatch.handleFrame(frame),
      arrived: (n) => this.arrived(n),
      loaded: (n) => this.loaded(n),
      fail: (err) => {
        if (this.reader === reader && !this.paused) this.fail(err);
      },
    });
    // Once paused, the broken connection's last events are old news.
    const current = (): boolean => this.socket === socket && !this.paused;
    socket.on('error', (err) => {
      if (current()) this.fail(toMigError(err));
    });
    const closedBySource = (): void => {
      if (this.finished || !current()) return;
      const partial = reader.atFrameBoundary ? '' : `, in the middle of a frame (${reader.pendingBytes} bytes of it received)`;
      this.fail(new ConnectionError(`connection closed by the source during ${this.dispatch.phase}${partial}`));
    };
    // 'end' is the source's FIN: the socket is half-open (destination-daemon.ts), so the SHUT still goes out.
    socket.on('end', closedBySource);
    socket.on('close', closedBySource);
  }

  /** Publishes a point of this migration's life (probes.ts): tracing, and test-only fault injection from outside. */
  private reached(point: LoadPoint, hold?: () => () => void): void {
    reached(point, this.socket, this.failHere, hold);
  }

  private setStatus(s: IncomingStatus): void {
    this.status = s;
    this.emit('status', s);
  }

  /** Bytes arrived on the main channel (before the frames they complete are handled). */
  private arrived(n: number): void {
    this.timers.dataArrived();
    this.bytesReceived += n;
  }

  /** Keep digest work in step with what was loaded, so little is left for the downtime. */
  private loaded(n: number): void {
    if (this.dispatch.sourceVerify && this.dispatch.streaming) this.machine.refreshDigests(n);
  }

  // ---- multifd (incoming-channels.ts, multifd-receiver.ts) ----

  private startMultifd(config: ConfigurationMessage): void {
    this.channels.start(config, this.multifdCompression, {
      pageDevice: (deviceId) => this.dispatch.pageDevice(deviceId),
      onError: this.failHere,
      onBytes: (n) => {
        this.arrived(n);
        this.loaded(n);
      },
    });
  }

  // ---- the end ----

  /** Resumed here (or left paused) and the source told (final-load.ts): the migration completed. */
  private completed(paused: boolean): void {
    this.dispatch.phases.go('completed');
    this.channels.close();
    this.timers.stop();
    this.endedAt = performance.now();
    const downtimeSideMs = Math.round(this.endedAt - this.end.switchoverAt);
    if (paused) this.log.info({ downtimeSideMs }, 'machine loaded and left paused (stop here during the incoming migration, or paused on the source): cont starts it');
    else this.log.info({ downtimeSideMs }, 'machine resumed');
    this.setStatus('completed');
    this.socket.end();
    this.deviceHooks(true);
    this.emit('done');
  }

  /** The devices' end-of-migration hooks (a throwing hook is logged, nothing more). */
  private deviceHooks(completed: boolean): void {
    for (const d of this.machine.devices) {
      try {
        d.migrationEnded?.({ role: 'destination', completed });
      } catch (err) {
        this.log.warn({ device: d.id, err: err instanceof Error ? err.message : String(err) }, 'a device end-of-migration hook failed');
      }
    }
  }

  // ---- precopy-resume ----

  get paused(): boolean {
    return this.dispatch.phase === 'paused';
  }

  /** Where the load is (precopy, paused, switchover, …), for messages. */
  get phase(): string {
    return this.dispatch.phase;
  }

  /** A connection may resume it: paused, or still in precopy with precopy-resume on (its source may be back before this side noticed the break). */
  get resumable(): boolean {
    return this.caps['precopy-resume'] && (this.paused || this.dispatch.phase === 'precopy');
  }

  /**
   * Its source may discard it (StreamHeader.abandons on that source's next migration):
   * only before SWITCHOVER_START (precopy, or paused), when the machine never ran here.
   */
  get discardable(): boolean {
    return this.paused || this.dispatch.phase === 'precopy';
  }

  /** Its source gave up on it: fails it (SHUT, loadCleanup), so a new migration may start. */
  discard(): void {
    this.discarded = true;
    // CANCELLED, not a connection error: in precopy with precopy-resume that would pause it again.
    this.fail(new CancelledError('incoming migration discarded: its source ended it before the switchover (it failed or was cancelled there) and said so'));
  }

  /** The source reconnected to resume while this side still read the old connection: that one is dead, pause now. */
  breakForResume(): void {
    if (this.dispatch.phase === 'precopy' && this.caps['precopy-resume']) this.pause(new ConnectionError('the source reconnected to resume: its previous connection is gone'));
  }

  /** A break (not a refusal or a bad frame) during precopy, with precopy-resume on: it pauses instead of failing. */
  private pausesOn(err: MigError): boolean {
    return this.caps['precopy-resume'] && this.dispatch.phase === 'precopy' && (err.code === 'MIG_ERR_CONNECTION' || err.code === 'MIG_ERR_STALLED');
  }

  /**
   * precopy-paused: no SHUT (the source pauses too), no loadCleanup: every
   * unit loaded so far, the load setup and the approvals stay. The connection
   * (and the multifd channels) go; a frame cut by the break was never loaded,
   * and a page it had started to overwrite in place no longer counts as held.
   */
  private pause(err: MigError): void {
    this.dispatch.phases.go('paused');
    this.pauseCause = err;
    this.timers.stop();
    this.channels.suspend();
    this.socket.destroy();
    const ms = this.resumeTimeoutMs();
    this.resumeTimer = setTimeout(() => this.fail(new TimeoutError(`paused incoming migration not resumed within precopy-resume-timeout (${ms} ms); it paused because ${err.message}`)), ms);
    this.resumeTimer.unref();
    this.log.warn({ code: err.code, err: err.message, timeoutMs: ms }, 'incoming migration paused (precopy-resume): what was received is kept; waiting for the source to resume');
    this.setStatus('precopy-paused');
  }

  /** A connection names this paused migration (its handshake goes on): precopy-recover. */
  recoverBegins(): void {
    if (this.status === 'precopy-paused') this.setStatus('precopy-recover');
  }

  /** That connection's handshake failed: paused again, unharmed. */
  recoverAbandoned(): void {
    if (this.paused && this.status === 'precopy-recover') this.setStatus('precopy-paused');
  }

  /**
   * The source is back (its handshake named this migration and passed auth):
   * take the new connection, report per device what is held (RECV_BITMAP;
   * a device without receivedState starts over), RESUME_ACK, then the ack
   * state again; precopy goes on.
   */
  resume(conn: AcceptedConnection): void {
    if (!this.paused) {
      conn.socket.destroy();
      return;
    }
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.resumeTimer = null;
    this.socket = conn.socket;
    this.reader = conn.reader;
    this.parts.reader = conn.reader;
    this.rp.rebind(conn.socket);
    this.takeConnection(conn.socket, conn.reader);
    this.dispatch.phases.go('precopy');
    this.resumes++;
    try {
      const restarted = reportHeldState(this.machine, this.parts.sections, this.setup, (msg) => this.rp.sendReport(msg));
      if (this.multifdOn) this.channels.reopen();
      this.rp.send({ resumeAck: { resumes: this.resumes } });
      this.setup.resendAckState();
      this.log.info({ resumes: this.resumes, restarted }, 'incoming migration resumed: held state reported');
    } catch (err) {
      return this.fail(toMigError(err, 'MIG_ERR_PROTOCOL'));
    }
    this.timers.start();
    this.pauseCause = null;
    this.setStatus('active');
  }

  /** Gives up: tells the source why, drops the connection, discards the partial state this migration loaded. */
  fail(err: MigError): void {
    if (this.finished) return;
    if (this.pausesOn(err)) return this.pause(err);
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.resumeTimer = null;
    this.dispatch.phases.fail();
    this.channels.close();
    this.timers.stop();
    this.error = err;
    this.endedAt = performance.now();
    this.rp.shutQuietly(false, err.code, err.message);
    this.reader.drain();
    lingeringClose(this.socket);
    for (const d of this.machine.devices) d.loadCleanup();
    if (this.machine.runState === 'running') this.machine.stop('inmigrate');
    this.deviceHooks(false);
    this.log.warn({ code: err.code, err: err.message }, 'incoming migration failed; partial state discarded');
    this.setStatus('failed');
    this.emit('done');
  }
}
