/**
 * One incoming migration (QEMU qemu_loadvm_state), from the moment its
 * connection's handshake (handshake.ts: header, auth, configuration) was
 * accepted and it claimed the daemon's one migration slot; only then is it
 * handed the machine. Its phases (the table is load-phase.ts; frames are
 * dispatched in frame-dispatch.ts):
 *
 *   precopy → switchover → loading → [loaded] → completed
 *      └──────────┴───────────┴──────────┴────────────→ failed
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
 * A failure sends SHUT with the reason, drops the connection and discards the
 * partial state (accel pre-allocations freed): that is this migration's to
 * do, as it owns the machine's incoming state. The timers (incoming-timers.ts)
 * bound OPEN_RETURN_PATH and any silence of the source.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { ConnectionError, toMigError, type MigError } from '@livemig/common/errors';
import { type ConfigurationMessage } from '@livemig/common/wire';
import { type Capabilities, type MultifdCompression } from '@livemig/common/control';
import { type Machine } from '@livemig/common/devices';
import { type Logger } from '@livemig/common/daemon';
import { FinalLoad, type DeviceLoadTimes } from './final-load';
import { FrameDispatch } from './frame-dispatch';
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
  private readonly config: ConfigurationMessage;
  private readonly rp: ReturnPathWriter;
  private readonly reader: StreamReader;
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

  constructor(opts: IncomingOptions) {
    super();
    this.socket = opts.connection.socket;
    this.reader = opts.connection.reader;
    this.rp = opts.connection.rp;
    this.machine = opts.machine;
    this.log = opts.log;
    this.config = opts.config;
    this.multifdOn = opts.caps.multifd;
    const rp = this.rp;
    this.multifdCompression = opts.multifdCompression ?? 'none';
    this.channels = new IncomingChannels(this.log);
    this.setup = new LoadSetup(this.machine, opts.caps['switchover-ack'], rp, this.log, {
      finished: () => this.finished,
      reached: (point) => this.reached(point),
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
        this.timers.lastDataAt = performance.now();
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
    this.dispatch = new FrameDispatch(parts, { reached: (point) => this.reached(point) }, opts.config.capabilities?.verify === true);
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
    this.reader.handOver({
      finished: () => this.finished,
      payloadTargets: (msg, length) => this.dispatch.payloadTargets(msg, length),
      handleFrame: (frame) => this.dispatch.handleFrame(frame),
      arrived: (n) => this.arrived(n),
      loaded: (n) => this.loaded(n),
      fail: this.failHere,
    });
    this.socket.on('error', (err) => this.fail(toMigError(err)));
    this.socket.on('close', () => {
      if (this.finished) return;
      const partial = this.reader.atFrameBoundary ? '' : `, in the middle of a frame (${this.reader.pendingBytes} bytes of it received)`;
      this.fail(new ConnectionError(`connection closed by the source during ${this.dispatch.phase}${partial}`));
    });
    this.timers.start();
    try {
      this.setup.run(this.dispatch.sourceVerify);
      if (this.multifdOn) this.startMultifd(this.config);
      this.rp.send({ configAccepted: {} });
    } catch (err) {
      return this.fail(toMigError(err, 'MIG_ERR_PROTOCOL'));
    }
    this.emit('status', 'active');
    this.reached('config');
  }

  /** Publishes a point of this migration's life (probes.ts): tracing, and test-only fault injection from outside. */
  private reached(point: LoadPoint): void {
    reached(point, this.socket, this.failHere);
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

  /** Gives up: tells the source why, drops the connection, discards the partial state this migration loaded. */
  fail(err: MigError): void {
    if (this.finished) return;
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
