/**
 * One incoming migration on one connection (QEMU qemu_loadvm_state), as a
 * state machine over the stream:
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
 *             CMD_RESUME; then resume, RESUMED + SHUT. Without a return path
 *             the machine resumes right after loading, then SHUT ok.
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
import {
  HANDSHAKE_TIMEOUT_MS,
  PING_INTERVAL_MS,
  ProtocolError,
  STREAM_MAGIC,
  STREAM_VERSION,
  StallError,
  StateError,
  VerifyError,
  createStreamDecoder,
  MIN_DIRECT_READ_BYTES,
  livemig,
  toMigError,
  wireDeviceType,
  wireTypeName,
  type Capabilities,
  type ChunkInput,
  type DecodedFrame,
  type DecodedFrameMessage,
  type Device,
  type Logger,
  type Machine,
  type MigError,
} from '@livemig/common';
import { checkConfiguration } from './configuration-check';
import { challengeFor, checkAnswer, type PendingAuth } from './destination-auth';
import { lingeringClose } from './lingering-close';
import { MultifdChannel, MultifdReceiver, type ChannelHello } from './multifd-receiver';
import { ReturnPathWriter } from './return-path-writer';
import { SwitchoverAckCounter } from './switchover-ack';
import type { FaultHooks, FaultPoint } from './test-faults';

/** Read size when a header is due after an in-place payload: the payload after it can then go straight into place. */
const HEADER_READ_BYTES = 16 * 1024;
/** Digest catch-up on a quiet stream: every 5 ms, 8 MiB (~2 ms of hashing). */
const IDLE_DIGEST_INTERVAL_MS = 5;
const IDLE_DIGEST_BYTES = 8 * 1024 * 1024;

type Phase = 'header' | 'auth' | 'config' | 'precopy' | 'switchover' | 'loading' | 'loaded' | 'completed' | 'failed';
type SectionState = 'started' | 'ended';

export type IncomingStatus = 'setup' | 'active' | 'completed' | 'failed';

export interface IncomingEvents {
  status: [IncomingStatus];
  'switchover-ack': [];
  'device-preallocated': [string, number];
  'device-progress': [string, number, number];
  done: [];
}

export interface DeviceLoadTimes {
  [id: string]: number;
}

export interface IncomingOptions {
  socket: Socket;
  /** Where received bytes come from (pooled reads, wire/pooled-reader.ts); default: the socket's 'data' events. */
  input?: ChunkInput;
  machine: Machine;
  caps: Capabilities;
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

export class IncomingMigration extends EventEmitter<IncomingEvents> {
  private readonly socket: Socket;
  private readonly input: ChunkInput | null;
  private readonly machine: Machine;
  private readonly caps: Capabilities;
  private readonly log: Logger;
  private readonly decoder = createStreamDecoder({ payloadSink: (msg, length) => this.payloadTargets(msg, length) });
  private readonly onFrame = (frame: DecodedFrame<DecodedFrameMessage>): void => this.handleFrame(frame);
  private lastFrameInPlace = false;
  /** multifd: the channels of this migration (from its configuration on), and connections not attached yet. */
  private multifd: MultifdReceiver | null = null;
  private readonly candidates: Array<{ channel: MultifdChannel; hello: ChannelHello | null }> = [];
  private readonly rp: ReturnPathWriter;
  private phase: Phase = 'header';
  private ack: SwitchoverAckCounter | null = null;
  private readonly sections = new Map<number, Device>();
  private readonly sectionState = new Map<Device, SectionState>();
  private sourceVerify = false;
  private sourceDigests: Map<string, Buffer> | null = null;
  private readonly stallTimeoutMs: () => number;
  private readonly authSecret: Buffer | null;
  private readonly claim: () => string | null;
  private readonly faults: FaultHooks | null;
  private pendingAuth: PendingAuth | null = null;
  private watchTimer: NodeJS.Timeout | null = null;
  private lastWatchTick = 0;
  private watchIntervalMs = PING_INTERVAL_MS;

  status: IncomingStatus = 'setup';
  error: MigError | null = null;
  readonly startedAt = performance.now();
  endedAt: number | null = null;
  ackAt: number | null = null;
  private switchoverAt = 0;
  eofAt = 0;
  loadedAt = 0;
  verifyMs = 0;
  verified: boolean | null = null;
  readonly deviceLoadMs: DeviceLoadTimes = {};
  readonly preallocated = new Map<string, number>();
  bytesReceived = 0;
  private lastDataAt = 0;
  private idleDigestTimer: NodeJS.Timeout | null = null;

  constructor(opts: IncomingOptions) {
    super();
    this.socket = opts.input?.socket ?? opts.socket;
    this.input = opts.input ?? null;
    this.machine = opts.machine;
    this.caps = opts.caps;
    this.log = opts.log;
    this.stallTimeoutMs = opts.stallTimeoutMs ?? (() => 0);
    this.authSecret = opts.authSecret ?? null;
    this.claim = opts.claim ?? (() => null);
    this.faults = opts.faults ?? null;
    this.rp = new ReturnPathWriter(this.socket);
  }

  /** True once the configuration was accepted: from then on a failure is a failed migration. */
  get becameMigration(): boolean {
    return this.status !== 'setup';
  }

  get finished(): boolean {
    return this.phase === 'completed' || this.phase === 'failed';
  }

  get ackPending(): number | null {
    return this.ack ? this.ack.pending : null;
  }

  get acked(): boolean {
    return this.ack?.acked ?? false;
  }

  /** Bytes received but not yet loaded (a partial frame): bounded by the maximum frame size. */
  get bufferedBytes(): number {
    return this.decoder.pendingBytes;
  }

  start(): void {
    this.idleDigestTimer = setInterval(() => this.idleDigest(), IDLE_DIGEST_INTERVAL_MS);
    this.idleDigestTimer.unref();
    this.lastDataAt = performance.now();
    this.lastWatchTick = this.lastDataAt;
    const stall = this.stallTimeoutMs();
    this.watchIntervalMs = stall > 0 ? Math.max(25, Math.min(PING_INTERVAL_MS, Math.floor(stall / 4))) : PING_INTERVAL_MS;
    this.watchTimer = setInterval(() => this.watch(), this.watchIntervalMs);
    this.watchTimer.unref();
    if (this.input) {
      this.input.start({
        onChunk: (chunk) => this.onData(chunk),
        retainedBytes: () => this.decoder.pendingBytes,
        directTarget: () => (this.finished ? null : this.decoder.directTarget(MIN_DIRECT_READ_BYTES)),
        onDirect: (n) => this.onDirect(n),
        readLimit: () => (this.lastFrameInPlace && this.decoder.atFrameBoundary ? HEADER_READ_BYTES : Number.POSITIVE_INFINITY),
      });
    } else this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err) => this.fail(toMigError(err)));
    this.socket.on('close', () => {
      if (this.finished) return;
      const partial = this.decoder.atFrameBoundary ? '' : `, in the middle of a frame (${this.decoder.pendingBytes} bytes of it received)`;
      this.fail(toMigError(new Error(`connection closed by the source during ${this.phase}${partial}`)));
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

  /**
   * The watchdog: a handshake must end in time; after it, a silent source is a
   * stalled one — except while this side is busy with the final load. A late
   * tick means this process was the one stalled: the source gets a fresh window.
   */
  private watch(): void {
    if (this.finished) return;
    const now = performance.now();
    const stall = this.stallTimeoutMs();
    if (now - this.lastWatchTick > Math.max(2 * this.watchIntervalMs, stall / 2)) this.lastDataAt = now;
    this.lastWatchTick = now;
    if (this.status === 'setup') {
      const limit = stall > 0 ? stall : HANDSHAKE_TIMEOUT_MS;
      if (now - this.startedAt > limit) this.fail(new StallError(`handshake not completed within ${limit} ms (stuck in ${this.phase})`));
      return;
    }
    // Only a source that keeps the return path open promises keepalive PINGs; without
    // one, silence (e.g. a precopy waiting on its own) is not evidence of a stall.
    if (stall <= 0 || this.phase === 'loading' || !this.rp.isOpen) return;
    const silence = now - this.lastDataAt;
    if (silence > stall) this.fail(new StallError(`source stalled: nothing received for ${Math.round(silence)} ms (stall-timeout ${stall} ms) during ${this.phase}`));
  }

  private stopTimers(): void {
    this.stopIdleDigest();
    if (this.watchTimer) clearInterval(this.watchTimer);
    this.watchTimer = null;
  }

  private setStatus(s: IncomingStatus): void {
    this.status = s;
    this.emit('status', s);
  }

  /** While the stream is quiet (e.g. the source waits for the ack), catch up on digest work. */
  private idleDigest(): void {
    if (!this.sourceVerify || this.phase !== 'precopy') return;
    if (performance.now() - this.lastDataAt < IDLE_DIGEST_INTERVAL_MS) return;
    this.machine.refreshDigests(IDLE_DIGEST_BYTES);
  }

  private stopIdleDigest(): void {
    if (this.idleDigestTimer) clearInterval(this.idleDigestTimer);
    this.idleDigestTimer = null;
  }

  private onData(chunk: Buffer): void {
    if (this.finished) return;
    this.lastDataAt = performance.now();
    this.bytesReceived += chunk.length;
    try {
      this.decoder.pushEach(chunk, this.onFrame);
      // Keep digest work in step with what was loaded, so little is left for the downtime.
      if (this.sourceVerify && (this.phase === 'precopy' || this.phase === 'switchover')) this.machine.refreshDigests(chunk.length);
    } catch (err) {
      this.fail(toMigError(err, 'MIG_ERR_PROTOCOL'));
    }
  }

  /** `n` payload bytes were read straight into the place the decoder's sink named. */
  private onDirect(n: number): void {
    if (this.finished) return;
    this.lastDataAt = performance.now();
    this.bytesReceived += n;
    try {
      this.decoder.pushDirect(n, this.onFrame);
      if (this.sourceVerify && (this.phase === 'precopy' || this.phase === 'switchover')) this.machine.refreshDigests(n);
    } catch (err) {
      this.fail(toMigError(err, 'MIG_ERR_PROTOCOL'));
    }
  }

  // ---- multifd (multifd-receiver.ts) ----

  /** Extra connections are taken as candidate multifd channels while this migration may still get some. */
  get takesChannels(): boolean {
    return this.caps.multifd && !this.finished && (this.multifd === null || this.multifd.wantsChannels);
  }

  /** A new connection while this migration runs: a multifd channel, once its hello says so. */
  adoptChannel(socket: Socket, peer: string): void {
    const entry: { channel: MultifdChannel; hello: ChannelHello | null } = { channel: new MultifdChannel(socket, peer), hello: null };
    this.candidates.push(entry);
    const ch = entry.channel;
    ch.once('hello', (hello) => {
      entry.hello = hello;
      if (this.multifd) this.offerChannel(entry);
    });
    ch.on('error', (err) => {
      if (ch.index < 0) this.log.warn({ peer, code: err.code, err: err.message }, 'extra connection refused');
    });
  }

  private offerChannel(entry: { channel: MultifdChannel; hello: ChannelHello | null }): void {
    const i = this.candidates.indexOf(entry);
    if (i >= 0) this.candidates.splice(i, 1);
    this.multifd!.offer(entry.channel, entry.hello!);
  }

  private startMultifd(config: livemig.Configuration.$Properties): void {
    const id = Buffer.from(config.migrationId ?? []);
    const channels = config.multifdChannels ?? 0;
    if (id.length === 0 || channels < 1 || channels > 255) throw new ProtocolError(`multifd is on but the configuration announces ${channels} channels and a ${id.length}-byte migration id`);
    this.multifd = new MultifdReceiver({
      migrationId: id,
      channels,
      pageDevice: (deviceId) => this.pageDevice(deviceId),
      onError: (err) => this.fail(err),
      onAttached: (ch) => this.log.info({ channel: ch.index, peer: ch.peer }, 'multifd channel attached'),
      onBytes: (n) => {
        this.bytesReceived += n;
        this.lastDataAt = performance.now();
        if (this.sourceVerify && (this.phase === 'precopy' || this.phase === 'switchover')) this.machine.refreshDigests(n);
      },
    });
    this.log.info({ channels }, 'expecting multifd channels');
    for (const entry of [...this.candidates]) if (entry.hello) this.offerChannel(entry);
  }

  /** The device a multifd page section names: a RAM device, before its END. */
  private pageDevice(deviceId: string): Device {
    if (this.phase !== 'precopy' && this.phase !== 'switchover') throw new ProtocolError(`multifd pages for '${deviceId}' in state ${this.phase}`);
    const device = this.machine.device(deviceId);
    if (!device || device.kind !== 'ram' || !device.payloadTargets) throw new ProtocolError(`multifd pages for '${deviceId}', which is not a RAM device of this machine`);
    if (this.sectionState.get(device) === 'ended') throw new ProtocolError(`multifd pages for '${device.id}' after its END`);
    return device;
  }

  private pauseReading(paused: boolean): void {
    if (this.input) {
      if (paused) this.input.pause();
      else this.input.resume();
    } else if (paused) this.socket.pause();
    else this.socket.resume();
  }

  /** Every channel reached the main channel's sync point: go on with the main channel. */
  private resumeMain(): void {
    if (this.finished) return;
    try {
      this.decoder.resume(this.onFrame);
      if (!this.decoder.isPaused) this.pauseReading(false);
    } catch (err) {
      this.fail(toMigError(err, 'MIG_ERR_PROTOCOL'));
    }
  }

  private closeMultifd(): void {
    this.multifd?.close();
    for (const c of this.candidates.splice(0)) c.channel.close();
  }

  /**
   * The decoder's payload sink: a PART section of a started device that can
   * take its payload in place (RAM pages) names the memory it goes to. Anything
   * else (or anything out of order) gets the ordinary path, where handleSection
   * reports the error.
   */
  private payloadTargets(msg: DecodedFrameMessage, length: number): Buffer[] | null {
    if ((this.phase !== 'precopy' && this.phase !== 'switchover') || msg.body !== 'section' || !msg.section) return null;
    const s = msg.section;
    if (s.type !== livemig.SectionType.SECTION_PART) return null;
    const device = this.sections.get(s.sectionId ?? 0);
    if (!device?.payloadTargets || this.sectionState.get(device) !== 'started') return null;
    return device.payloadTargets(s.type, s, length);
  }

  private handleFrame(frame: DecodedFrame<DecodedFrameMessage>): void {
    const msg = frame.message;
    this.lastFrameInPlace = frame.inPlace;
    const phase = this.phase;
    if (msg.body !== 'section' && frame.payloadLength > 0) throw new ProtocolError(`'${msg.body ?? 'unknown'}' frame with a payload`);
    switch (phase) {
      case 'header':
        if (msg.body !== 'header' || !msg.header) throw new ProtocolError(`not a livemig stream: expected a stream header, got '${msg.body ?? 'unknown'}'`);
        if (msg.header.magic !== STREAM_MAGIC) throw new ProtocolError(`not a livemig stream: bad magic 0x${(msg.header.magic ?? 0).toString(16)}`);
        if (msg.header.version !== STREAM_VERSION) throw new ProtocolError(`unsupported stream version ${msg.header.version} (this destination speaks ${STREAM_VERSION})`);
        this.fault('header');
        {
          const auth = challengeFor(this.authSecret, msg.header.authNonce ?? null);
          this.pendingAuth = auth?.pending ?? null;
          if (auth) this.rp.send({ authChallenge: auth.challenge });
          this.phase = auth ? 'auth' : 'config';
        }
        return;
      case 'auth':
        checkAnswer(this.pendingAuth!, msg);
        this.log.info('source authenticated (shared secret)');
        this.phase = 'config';
        return;
      case 'config': {
        if (msg.body !== 'configuration' || !msg.configuration) throw new ProtocolError(`configuration section missing: got '${msg.body ?? 'unknown'}'`);
        checkConfiguration(msg.configuration, this.machine.devices, this.caps);
        const refused = this.claim();
        if (refused !== null) throw new StateError(refused);
        this.sourceVerify = msg.configuration.capabilities?.verify === true;
        this.loadSetup();
        if (this.caps.multifd) this.startMultifd(msg.configuration);
        this.phase = 'precopy';
        this.setStatus('active');
        this.fault('config');
        return;
      }
      case 'precopy':
      case 'switchover':
        this.handleStreamFrame(frame);
        return;
      case 'loading':
      case 'loaded':
        // After EOF only keepalive PINGs, and in 'loaded' the commit.
        if (msg.body === 'command' && msg.command) return this.handleCommand(msg.command);
        throw new ProtocolError(`'${msg.body ?? 'unknown'}' frame after EOF`);
      case 'completed':
      case 'failed':
        return;
      default: {
        const never: never = phase;
        throw new ProtocolError(`frame '${msg.body ?? 'unknown'}' in state ${String(never)}`);
      }
    }
  }

  /** load_setup for every device, then count the devices that gate switchover. */
  private loadSetup(): void {
    const ctx = {
      switchoverAck: this.caps['switchover-ack'],
      verify: this.sourceVerify,
      approveSwitchover: (deviceId: string, ms: number) => this.approve(deviceId, ms),
      progress: (deviceId: string, done: number, total: number) => {
        this.emit('device-progress', deviceId, done, total);
        if (done < total && !this.finished) this.fault('ack-wait');
      },
    };
    for (const d of this.machine.devices) d.loadSetup(ctx);
    if (this.caps['switchover-ack']) {
      const needed = this.machine.devices.filter((d) => d.switchoverAckNeeded()).length;
      this.log.info({ pending: needed }, 'switchover-ack: devices that must approve');
      this.ack = new SwitchoverAckCounter(needed, () => {
        this.ackAt = performance.now();
        this.rp.send({ switchoverAck: {} });
        this.log.info('SWITCHOVER_ACK sent');
        this.emit('switchover-ack');
      });
    }
  }

  private approve(deviceId: string, ms: number): void {
    if (this.finished) return;
    try {
      this.preallocated.set(deviceId, ms);
      this.emit('device-preallocated', deviceId, ms);
      if (this.rp.isOpen) this.rp.send({ deviceApproved: { deviceId, ms } });
      if (!this.ack) throw new ProtocolError(`switchover approval from '${deviceId}' but switchover-ack is off`);
      this.ack.approve(deviceId);
    } catch (err) {
      this.fail(toMigError(err, 'MIG_ERR_PROTOCOL'));
    }
  }

  private handleStreamFrame(frame: DecodedFrame<DecodedFrameMessage>): void {
    const msg = frame.message;
    switch (msg.body) {
      case 'command':
        return this.handleCommand(msg.command!);
      case 'section':
        return this.handleSection(msg.section!, frame);
      case 'verify':
        if (this.phase !== 'switchover') throw new ProtocolError('digests before switchover');
        if (!this.sourceVerify) throw new ProtocolError('digests sent but verify is off');
        if (this.sourceDigests) throw new ProtocolError('digests sent twice');
        this.sourceDigests = new Map((msg.verify!.digests ?? []).map((d) => [d.deviceId ?? '', Buffer.from(d.digest ?? [])]));
        return;
      case 'eof':
        if (this.phase !== 'switchover') throw new ProtocolError('EOF before SWITCHOVER_START');
        this.eofAt = performance.now();
        this.phase = 'loading';
        this.stopIdleDigest();
        this.fault('eof');
        if (this.finished) return;
        void this.finishLoad();
        return;
      default:
        throw new ProtocolError(`unexpected '${msg.body ?? 'unknown'}' frame in state ${this.phase}`);
    }
  }

  private handleCommand(cmd: livemig.Command.$Properties): void {
    switch (cmd.type) {
      case livemig.CommandType.CMD_OPEN_RETURN_PATH:
        if (!this.caps['return-path']) throw new ProtocolError('OPEN_RETURN_PATH but return-path is off');
        if (this.rp.isOpen) throw new ProtocolError('OPEN_RETURN_PATH received twice');
        this.rp.openReturnPath();
        this.ack?.returnPathOpened();
        return;
      case livemig.CommandType.CMD_PING:
        if (!this.rp.isOpen) throw new ProtocolError('PING before OPEN_RETURN_PATH');
        this.rp.send({ pong: { value: cmd.value ?? 0 } });
        return;
      case livemig.CommandType.CMD_MULTIFD_SYNC: {
        const multifd = this.multifd;
        if (!multifd) throw new ProtocolError('MULTIFD_SYNC but multifd is off');
        // Stop here until every channel has reached the same point (see multifd-receiver.ts).
        this.decoder.pause();
        this.pauseReading(true);
        multifd.mainReached(cmd.value ?? 0, () => this.resumeMain());
        return;
      }
      case livemig.CommandType.CMD_SWITCHOVER_START:
        if (this.phase !== 'precopy') throw new ProtocolError(`SWITCHOVER_START in state ${this.phase}`);
        this.switchoverAt = performance.now();
        this.phase = 'switchover';
        this.fault('switchover');
        return;
      case livemig.CommandType.CMD_RESUME:
        if (this.phase !== 'loaded') throw new ProtocolError(`RESUME in state ${this.phase} (only after LOADED)`);
        this.fault('resume');
        if (!this.finished) this.resume();
        return;
      default:
        throw new ProtocolError(`unknown command ${String(cmd.type)}`);
    }
  }

  private handleSection(s: livemig.Section.$Properties, frame: DecodedFrame<DecodedFrameMessage>): void {
    const T = livemig.SectionType;
    const type = s.type ?? T.SECTION_TYPE_UNSPECIFIED;
    const id = s.sectionId ?? 0;
    let device: Device | undefined;
    if (type === T.SECTION_START || type === T.SECTION_FULL) {
      device = this.machine.device(s.deviceId ?? '');
      if (!device) throw new ProtocolError(`section for unknown device '${s.deviceId ?? ''}'`);
      if (s.deviceType !== wireDeviceType(device)) throw new ProtocolError(`section for '${device.id}' says ${wireTypeName(s.deviceType)}, the device is ${device.kind}`);
      if (this.sectionState.has(device)) throw new ProtocolError(`second ${type === T.SECTION_START ? 'START' : 'FULL'} section for '${device.id}'`);
      if (this.sections.has(id)) throw new ProtocolError(`section id ${id} used for '${device.id}' and '${this.sections.get(id)!.id}'`);
      if ((s.version ?? 0) > device.version) throw new ProtocolError(`'${device.id}' section version ${s.version} is newer than ${device.version}`);
      if (type === T.SECTION_START && !device.iterable) throw new ProtocolError(`START section for non-iterable '${device.id}'`);
      if (type === T.SECTION_FULL) {
        if (device.iterable) throw new ProtocolError(`FULL section for iterable '${device.id}'`);
        if (this.phase !== 'switchover') throw new ProtocolError(`FULL section for '${device.id}' before switchover`);
      }
      this.sections.set(id, device);
      this.sectionState.set(device, type === T.SECTION_START ? 'started' : 'ended');
    } else if (type === T.SECTION_PART || type === T.SECTION_END) {
      device = this.sections.get(id);
      if (!device) throw new ProtocolError(`section id ${id} was never started`);
      if (this.sectionState.get(device) === 'ended') throw new ProtocolError(`section for '${device.id}' after its END`);
      if (type === T.SECTION_END) {
        if (this.phase !== 'switchover') throw new ProtocolError(`END section for '${device.id}' before switchover`);
        this.sectionState.set(device, 'ended');
      }
    } else {
      throw new ProtocolError(`section with invalid type ${String(type)}`);
    }
    if (this.faults) {
      if (type === T.SECTION_PART) this.fault('section');
      if (this.finished) return;
      this.faults.section(frame.payload);
    }
    device.loadState({ type, data: s, payload: frame.payload, payloadLength: frame.payloadLength, inPlace: frame.inPlace });
  }

  /** After EOF: final loads, verification; then the commit (return path) or resume. */
  private async finishLoad(): Promise<void> {
    try {
      for (const d of this.machine.devices) {
        if (this.sectionState.get(d) !== 'ended') throw new ProtocolError(`stream ended without the final section of '${d.id}'`);
      }
      await Promise.all(
        this.machine.devices.map(async (d) => {
          await d.loadComplete();
          this.deviceLoadMs[d.id] = performance.now() - this.switchoverAt;
        }),
      );
      if (this.finished) return;
      this.loadedAt = performance.now();
      if (this.sourceVerify) this.verify();
      this.verifyMs = performance.now() - this.loadedAt;
      this.fault('loaded');
      if (this.finished) return;
      if (this.rp.isOpen) {
        // The machine stays stopped until the source commits (CMD_RESUME).
        this.phase = 'loaded';
        this.lastDataAt = performance.now();
        this.rp.send({ loaded: { verified: this.verified === true } });
      } else {
        this.resume();
      }
    } catch (err) {
      this.fail(toMigError(err, 'MIG_ERR_DEVICE'));
    }
  }

  private resume(): void {
    try {
      this.machine.start();
      if (this.rp.isOpen) {
        this.rp.send({
          resumed: {
            receiveMs: this.eofAt - this.switchoverAt,
            loadMs: this.loadedAt - this.eofAt,
            verifyMs: this.verifyMs,
            verified: this.verified === true,
            devices: Object.entries(this.deviceLoadMs).map(([deviceId, loadMs]) => ({ deviceId, loadMs })),
          },
        });
      }
      this.rp.shut(true);
    } catch (err) {
      // The machine runs here now: a failing return path no longer undoes that.
      this.log.warn({ err: toMigError(err).message }, 'could not confirm the resume to the source');
    }
    this.phase = 'completed';
    this.closeMultifd();
    this.stopTimers();
    this.endedAt = performance.now();
    this.log.info({ downtimeSideMs: Math.round(this.endedAt - this.switchoverAt) }, 'machine resumed');
    this.setStatus('completed');
    this.socket.end();
    this.emit('done');
  }

  private verify(): void {
    const source = this.sourceDigests;
    if (!source) throw new VerifyError('verify is on but the source sent no digests');
    const t0 = performance.now();
    const ours = this.machine.digests();
    this.log.debug({ ms: Math.round(performance.now() - t0) }, 'destination digests computed');
    for (const [id, digest] of ours) {
      const theirs = source.get(id);
      if (!theirs) throw new VerifyError(`verification failed: no source digest for '${id}'`);
      if (!theirs.equals(digest)) {
        throw new VerifyError(`verification failed for '${id}': destination state ${digest.toString('hex').slice(0, 16)}… differs from source ${theirs.toString('hex').slice(0, 16)}…`);
      }
    }
    this.verified = true;
  }

  /** Gives up: tells the source why, drops the connection, discards partial state. */
  fail(err: MigError): void {
    if (this.finished) return;
    const wasMigration = this.becameMigration;
    this.phase = 'failed';
    this.closeMultifd();
    this.stopTimers();
    this.error = err;
    this.endedAt = performance.now();
    this.rp.shutQuietly(false, err.code, err.message);
    // Keep reading (and dropping) what the source still sends, even if a multifd
    // sync had paused the input, so closing does not answer with a reset.
    if (this.input) this.input.resume();
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
