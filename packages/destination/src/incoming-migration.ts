/**
 * One incoming migration on one connection (QEMU qemu_loadvm_state), as a
 * state machine over the stream (dispatched by phase in frame-dispatch.ts):
 *
 *   header → [auth] → config → precopy → switchover → loading → [loaded] → completed
 *      │        │        │        │          │           │          │
 *      └────────┴────────┴────────┴──────────┴───────────┴──────────┴──→ failed
 *
 * header:     StreamHeader with the right magic and version; an auth nonce
 *             exactly when this destination has a shared secret (then the
 *             AuthChallenge goes back).
 * auth:       AuthResponse with the source's proof (constant-time check).
 * config:     Configuration equal to ours (devices, stream capabilities); the
 *             daemon grants the one migration slot (claim); then load_setup for
 *             every device and the switchover-ack count.
 * precopy:    commands (OPEN_RETURN_PATH, PING) and START/PART sections.
 * switchover: after SWITCHOVER_START: PART/END/FULL sections, Verify, Eof.
 * loading:    every device's final load (accel waits for its allocation),
 *             digest check; only PINGs may arrive.
 * loaded:     (return path) LOADED sent; waits for the source's commit,
 *             CMD_RESUME; then resume (or stay paused: autostart off, or the
 *             machine was paused on the source), RESUMED + SHUT. Without a
 *             return path the machine resumes right after loading, then SHUT ok.
 * A failure sends SHUT with the reason, drops the connection and discards the
 * partial state (accel pre-allocations freed). The connection is a migration
 * only once its configuration was accepted; before that, a failure is just a
 * refused connection. A handshake must end within stall-timeout (10 s when
 * off); after it, with the return path open (the source then PINGs every
 * second), a source silent for stall-timeout fails the migration, except
 * while this side is busy with the final load.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { toMigError, type Capabilities, type ChunkInput, type Logger, type Machine, type MigError, type MultifdCompression, type livemig } from '@livemig/common';
import { FinalLoad, type DeviceLoadTimes } from './final-load';
import { FrameDispatch } from './frame-dispatch';
import { IncomingChannels } from './incoming-channels';
import { IncomingTimers } from './incoming-timers';
import { lingeringClose } from './lingering-close';
import { LoadSetup } from './load-setup';
import { ReturnPathWriter } from './return-path-writer';
import { SectionTable } from './section-table';
import { StreamReader } from './stream-reader';
import type { FaultHooks, FaultPoint } from './test-faults';

export type { DeviceLoadTimes } from './final-load';

export type IncomingStatus = 'setup' | 'active' | 'completed' | 'failed';

export interface IncomingEvents {
  status: [IncomingStatus];
  'switchover-ack': [];
  'device-preallocated': [string, number];
  'device-progress': [string, number, number];
  done: [];
}

export interface IncomingOptions {
  socket: Socket;
  /** Where received bytes come from (pooled reads, wire/pooled-reader.ts); default: the socket's 'data' events. */
  input?: ChunkInput;
  machine: Machine;
  caps: Capabilities;
  /** The destination's multifd-compression when the connection came (default none). */
  multifdCompression?: MultifdCompression;
  log: Logger;
  /** The destination's stall-timeout (ms, 0 = off), read live. */
  stallTimeoutMs?: () => number;
  /** Shared secret: the source must authenticate before anything else. */
  authSecret?: Buffer | null;
  /** Asks the daemon for the one migration slot once the configuration is accepted; a reason refuses. */
  claim?: () => string | null;
  /** TEST ONLY (test-faults.ts). */
  faults?: FaultHooks | null;
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
  private readonly socket: Socket;
  private readonly machine: Machine;
  private readonly log: Logger;
  private readonly faults: FaultHooks | null;
  private readonly rp: ReturnPathWriter;
  private readonly reader: StreamReader;
  private readonly dispatch: FrameDispatch;
  private readonly setup: LoadSetup;
  private readonly end: FinalLoad;
  private readonly timers: IncomingTimers;
  /** multifd: the channels of this migration (from its configuration on), and connections not attached yet. */
  private readonly channels: IncomingChannels;
  private readonly multifdOn: boolean;
  private readonly multifdCompression: MultifdCompression;

  status: IncomingStatus = 'setup';
  error: MigError | null = null;
  readonly startedAt = performance.now();
  endedAt: number | null = null;
  bytesReceived = 0;

  constructor(opts: IncomingOptions) {
    super();
    this.socket = opts.input?.socket ?? opts.socket;
    this.machine = opts.machine;
    this.log = opts.log;
    this.faults = opts.faults ?? null;
    this.multifdOn = opts.caps.multifd;
    this.multifdCompression = opts.multifdCompression ?? 'none';
    const rp = new ReturnPathWriter(this.socket);
    this.rp = rp;
    this.reader = new StreamReader(this.socket, opts.input ?? null, {
      finished: () => this.finished,
      payloadTargets: (msg, length) => this.dispatch.payloadTargets(msg, length),
      handleFrame: (frame) => this.dispatch.handleFrame(frame),
      arrived: (n) => this.arrived(n),
      loaded: (n) => this.loaded(n),
      fail: (err) => this.fail(err),
    });
    this.channels = new IncomingChannels(this.log);
    this.setup = new LoadSetup(this.machine, opts.caps['switchover-ack'], rp, this.log, {
      finished: () => this.finished,
      fault: (point) => this.fault(point),
      fail: (err) => this.fail(err),
      deviceProgress: (id, done, total) => this.emit('device-progress', id, done, total),
      devicePreallocated: (id, ms) => this.emit('device-preallocated', id, ms),
      switchoverAckSent: () => this.emit('switchover-ack'),
    });
    this.end = new FinalLoad(this.machine, rp, this.log, {
      finished: () => this.finished,
      fault: (point) => this.fault(point),
      awaitCommit: () => {
        this.dispatch.phase = 'loaded';
        this.timers.lastDataAt = performance.now();
      },
      completed: (paused) => this.completed(paused),
      fail: (err) => this.fail(err),
    });
    this.timers = new IncomingTimers({
      startedAt: this.startedAt,
      finished: () => this.finished,
      stallTimeoutMs: opts.stallTimeoutMs ?? (() => 0),
      handshaking: () => this.status === 'setup',
      quietAllowed: () => this.dispatch.phase === 'loading' || !rp.isOpen,
      digestCatchUp: () => this.dispatch.sourceVerify && this.dispatch.phase === 'precopy',
      refreshDigests: (bytes) => this.machine.refreshDigests(bytes),
      phase: () => this.dispatch.phase,
      stalled: (err) => this.fail(err),
    });
    const parts = { machine: this.machine, caps: opts.caps, multifdCompression: opts.multifdCompression ?? 'none', log: this.log, rp, reader: this.reader, sections: new SectionTable(this.machine), setup: this.setup, end: this.end, timers: this.timers, channels: this.channels };
    const claim = opts.claim ?? (() => null);
    this.dispatch = new FrameDispatch(parts, {
      authSecret: opts.authSecret ?? null,
      faults: this.faults,
      claim,
      fault: (point) => this.fault(point),
      startMultifd: (config) => this.startMultifd(config),
      becameMigration: () => this.setStatus('active'),
    });
  }

  /** True once the configuration was accepted: from then on a failure is a failed migration. */
  get becameMigration(): boolean {
    return this.status !== 'setup';
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

  start(): void {
    this.timers.start();
    this.reader.start();
    this.socket.on('error', (err) => this.fail(toMigError(err)));
    this.socket.on('close', () => {
      if (this.finished) return;
      const partial = this.reader.atFrameBoundary ? '' : `, in the middle of a frame (${this.reader.pendingBytes} bytes of it received)`;
      this.fail(toMigError(new Error(`connection closed by the source during ${this.dispatch.phase}${partial}`)));
    });
    this.fault('accept');
  }

  /** TEST ONLY hook; a throw fails the migration. */
  private fault(point: FaultPoint): void {
    if (!this.faults) return;
    try {
      this.faults.at(point, this.socket);
    } catch (err) {
      this.fail(toMigError(err));
    }
  }

  private setStatus(s: IncomingStatus): void {
    this.status = s;
    this.emit('status', s);
  }

  /** Bytes arrived on the main channel (before the frames they complete are handled). */
  private arrived(n: number): void {
    this.timers.lastDataAt = performance.now();
    this.bytesReceived += n;
  }

  /** Keep digest work in step with what was loaded, so little is left for the downtime. */
  private loaded(n: number): void {
    if (this.dispatch.sourceVerify && this.dispatch.streaming) this.machine.refreshDigests(n);
  }

  // ---- multifd (incoming-channels.ts, multifd-receiver.ts) ----

  /** Extra connections are taken as candidate multifd channels while this migration may still get some. */
  get takesChannels(): boolean {
    return this.multifdOn && !this.finished && this.channels.wantsChannels;
  }

  /** A new connection while this migration runs: a multifd channel, once its hello says so. */
  adoptChannel(socket: Socket, peer: string): void {
    this.channels.adopt(socket, peer);
  }

  private startMultifd(config: livemig.Configuration.$Properties): void {
    this.channels.start(config, this.multifdCompression, {
      pageDevice: (deviceId) => this.dispatch.pageDevice(deviceId),
      onError: (err) => this.fail(err),
      onBytes: (n) => {
        this.arrived(n);
        this.loaded(n);
      },
    });
  }

  // ---- the end ----

  /** Resumed here (or left paused) and the source told (final-load.ts): the migration completed. */
  private completed(paused: boolean): void {
    this.dispatch.phase = 'completed';
    this.channels.close();
    this.timers.stop();
    this.endedAt = performance.now();
    const downtimeSideMs = Math.round(this.endedAt - this.end.switchoverAt);
    if (paused) this.log.info({ downtimeSideMs }, 'machine loaded and left paused (stop here during the incoming migration, or paused on the source): cont starts it');
    else this.log.info({ downtimeSideMs }, 'machine resumed');
    this.setStatus('completed');
    this.socket.end();
    this.emit('done');
  }

  /** Gives up: tells the source why, drops the connection, discards partial state. */
  fail(err: MigError): void {
    if (this.finished) return;
    const wasMigration = this.becameMigration;
    this.dispatch.phase = 'failed';
    this.channels.close();
    this.timers.stop();
    this.error = err;
    this.endedAt = performance.now();
    this.rp.shutQuietly(false, err.code, err.message);
    this.reader.drain();
    lingeringClose(this.socket);
    for (const d of this.machine.devices) d.loadCleanup();
    if (this.machine.runState === 'running') this.machine.stop('inmigrate');
    if (wasMigration) {
      this.log.warn({ code: err.code, err: err.message }, 'incoming migration failed; partial state discarded');
      this.setStatus('failed');
    } else {
      this.log.warn({ code: err.code, err: err.message }, 'connection refused before it became a migration');
    }
    this.emit('done');
  }
}
