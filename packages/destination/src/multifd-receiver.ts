/**
 * multifd, receive side (QEMU migration/multifd.c, recv side).
 *
 * Extra connections that arrive while an incoming migration with multifd is
 * in progress are candidate channels. Each is read by a MultifdChannel:
 *
 *   header ──▶ hello ──▶ (held until attached) ──▶ frames ──▶ closed
 *
 * The hello names the migration (the id in the main channel's Configuration)
 * and the channel index; the MultifdReceiver, created when the main channel's
 * configuration is accepted, attaches channels whose id matches and refuses
 * the rest. Attached channels load RAM page batches (PART sections naming
 * their device) straight into guest memory through the same payload sink as
 * the main channel.
 *
 * Sync: a MultifdSync{seq} marker stops a channel (its decoder and its socket)
 * and CMD_MULTIFD_SYNC(seq) stops the main channel; when every channel and the
 * main channel have reached seq, all go on. Pages of one round are thus all in
 * place before any page of the next, and EOF is handled only after every
 * channel has flushed.
 *
 * multifd-compression: a compressed packet's bytes are copied out of the
 * receive buffers (they are reused by the next read) and inflated by the
 * worker pool; its pages are loaded when the worker is done. A channel reports
 * a sync point only once every packet before it is loaded, and stops reading
 * while MAX_PACKETS_INFLATING of its packets are in the workers.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import {
  MIN_DIRECT_READ_BYTES,
  ProtocolError,
  RAM_FRAME_BYTES,
  RamDevice,
  STREAM_MAGIC,
  encodeRpMessage,
  STREAM_VERSION,
  adoptForPooledReads,
  createStreamDecoder,
  livemig,
  toMigError,
  type ChunkInput,
  type DecodedFrame,
  type DecodedFrameMessage,
  type Device,
  type FrameDecoder,
  type MigError,
} from '@livemig/common';

/** A candidate channel that sends no hello within this time is dropped. */
const HELLO_TIMEOUT_MS = 10_000;
/** Read size when a header is due after an in-place payload. */
const HEADER_READ_BYTES = 16 * 1024;
/** Compressed packets of one channel in the workers before it stops reading. */
const MAX_PACKETS_INFLATING = 8;

export interface ChannelHello {
  migrationId: Buffer;
  channel: number;
}

export interface MultifdChannelEvents {
  hello: [ChannelHello];
  /** A protocol or connection error: fatal to the migration once attached. */
  error: [MigError];
  /** Bytes received (for the migration's byte count and digest pacing). */
  bytes: [number];
}

/** What a channel needs from the migration it is attached to. */
export interface ChannelSink {
  /** The device a page section names, if it may receive pages now; else throws. */
  pageDevice(deviceId: string): Device;
  /** The channel reached sync `seq` and has stopped. */
  reached(channel: MultifdChannel, seq: number): void;
  /** multifd-compression: inflates a packet (a packetBuffer()) to exactly `expected` bytes; null without compression. */
  inflate: ((packet: Buffer, expected: number) => Promise<Buffer>) | null;
  /** A buffer the inflating workers can take over. */
  packetBuffer: ((length: number) => Buffer) | null;
}

type ChannelPhase = 'header' | 'hello' | 'waiting' | 'frames' | 'closed';

/** One extra connection. */
export class MultifdChannel extends EventEmitter<MultifdChannelEvents> {
  readonly input: ChunkInput;
  readonly peer: string;
  private readonly decoder: FrameDecoder<DecodedFrameMessage>;
  private readonly onFrame = (frame: DecodedFrame<DecodedFrameMessage>): void => this.handleFrame(frame);
  private phase: ChannelPhase = 'header';
  private sink: ChannelSink | null = null;
  private lastInPlace = false;
  private helloTimer: NodeJS.Timeout | null;
  /** Compressed packets in the workers, a sync marker waiting for them, reading stopped for them. */
  private inflating = 0;
  private syncAfterInflate: number | null = null;
  private throttled = false;
  index = -1;
  /** Last sync seq this channel reached. */
  seq = 0;

  constructor(socket: Socket, peer: string) {
    super();
    this.peer = peer;
    this.input = adoptForPooledReads(socket);
    this.decoder = createStreamDecoder({ payloadSink: (msg, length) => this.payloadTargets(msg, length) });
    this.helloTimer = setTimeout(() => this.fail(new ProtocolError(`multifd channel from ${peer}: no hello within ${HELLO_TIMEOUT_MS} ms`)), HELLO_TIMEOUT_MS);
    this.helloTimer.unref();
    const s = this.input.socket;
    s.on('error', (err) => this.fail(toMigError(err)));
    s.on('close', () => {
      if (this.phase !== 'closed') this.fail(new ProtocolError(`multifd channel ${this.index >= 0 ? this.index : `from ${peer}`} closed by the source`, 'MIG_ERR_CONNECTION'));
    });
    this.input.start({
      onChunk: (chunk) => this.onData(chunk.length, () => this.decoder.pushEach(chunk, this.onFrame)),
      retainedBytes: () => this.decoder.pendingBytes,
      directTarget: () => (this.phase === 'frames' ? this.decoder.directTarget(MIN_DIRECT_READ_BYTES) : null),
      onDirect: (n) => this.onData(n, () => this.decoder.pushDirect(n, this.onFrame)),
      readLimit: () => (this.lastInPlace && this.decoder.atFrameBoundary ? HEADER_READ_BYTES : Number.POSITIVE_INFINITY),
    });
  }

  get closed(): boolean {
    return this.phase === 'closed';
  }

  /** Starts loading page frames into `sink` (after the hello was accepted). */
  attach(index: number, sink: ChannelSink): void {
    this.index = index;
    this.sink = sink;
    this.phase = 'frames';
    this.release();
  }

  /** Goes on after a sync point (or after being attached). */
  release(): void {
    if (this.phase === 'closed') return;
    try {
      this.decoder.resume(this.onFrame);
      if (!this.decoder.isPaused && !this.throttled) this.input.resume();
    } catch (err) {
      this.fail(toMigError(err, 'MIG_ERR_PROTOCOL'));
    }
  }

  /** Tears down: no more frames; the source learns from the close. */
  close(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.input.socket.destroy();
  }

  /**
   * Refuses a connection that is not (or not yet accepted as) a channel of the
   * migration: says why with a SHUT, as a refused main connection would, then closes.
   */
  refuse(err: MigError): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    if (this.helloTimer) clearTimeout(this.helloTimer);
    const s = this.input.socket;
    s.on('error', () => s.destroy());
    s.end(encodeRpMessage({ shut: { ok: false, code: err.code, reason: err.message } }));
    setTimeout(() => s.destroy(), 2000).unref();
  }

  private onData(n: number, feed: () => void): void {
    if (this.phase === 'closed') return;
    try {
      feed();
      this.emit('bytes', n);
    } catch (err) {
      this.fail(toMigError(err, 'MIG_ERR_PROTOCOL'));
    }
  }

  private fail(err: MigError): void {
    if (this.phase === 'closed') return;
    if (this.sink) this.close();
    else this.refuse(err);
    this.emit('error', err);
  }

  /** Stops handing out frames and reading the socket until release(). */
  private hold(): void {
    this.decoder.pause();
    this.input.pause();
  }

  private payloadTargets(msg: DecodedFrameMessage, length: number): Buffer[] | null {
    if (this.phase !== 'frames' || msg.body !== 'section' || !msg.section || !this.sink) return null;
    const s = msg.section;
    // A compressed packet is read into the receive buffers and inflated from there.
    if (s.ram?.compressed) return null;
    const device = this.sink.pageDevice(s.deviceId ?? '');
    return device.payloadTargets ? device.payloadTargets(s.type ?? livemig.SectionType.SECTION_TYPE_UNSPECIFIED, s, length) : null;
  }

  private handleFrame(frame: DecodedFrame<DecodedFrameMessage>): void {
    const msg = frame.message;
    this.lastInPlace = frame.inPlace;
    if (msg.body !== 'section' && frame.payloadLength > 0) throw new ProtocolError(`multifd channel: '${msg.body ?? 'unknown'}' frame with a payload`);
    switch (this.phase) {
      case 'header':
        if (msg.body !== 'header' || !msg.header) throw new ProtocolError(`not a livemig stream: expected a stream header, got '${msg.body ?? 'unknown'}'`);
        if (msg.header.magic !== STREAM_MAGIC) throw new ProtocolError(`not a livemig stream: bad magic 0x${(msg.header.magic ?? 0).toString(16)}`);
        if (msg.header.version !== STREAM_VERSION) throw new ProtocolError(`unsupported stream version ${msg.header.version} (this destination speaks ${STREAM_VERSION})`);
        this.phase = 'hello';
        return;
      case 'hello': {
        if (msg.body !== 'multifdHello' || !msg.multifdHello) {
          throw new ProtocolError(`another incoming migration is in progress (this connection is not one of its multifd channels: it sent '${msg.body ?? 'unknown'}')`, 'MIG_ERR_STATE');
        }
        if (this.helloTimer) clearTimeout(this.helloTimer);
        this.helloTimer = null;
        this.phase = 'waiting';
        // Hold everything after the hello until the migration attaches this channel.
        this.hold();
        this.emit('hello', { migrationId: Buffer.from(msg.multifdHello.migrationId ?? []), channel: msg.multifdHello.channel ?? 0 });
        return;
      }
      case 'frames':
        return this.handlePageFrame(frame);
      default:
        throw new ProtocolError(`multifd channel: '${msg.body ?? 'unknown'}' frame in state ${this.phase}`);
    }
  }

  private handlePageFrame(frame: DecodedFrame<DecodedFrameMessage>): void {
    const msg = frame.message;
    const sink = this.sink!;
    if (msg.body === 'multifdSync' && msg.multifdSync) {
      const seq = msg.multifdSync.seq ?? 0;
      if (seq !== this.seq + 1) throw new ProtocolError(`multifd channel ${this.index}: sync ${seq} after ${this.seq}`);
      this.hold();
      // Every packet of this round must be loaded first.
      if (this.inflating > 0) {
        this.syncAfterInflate = seq;
        return;
      }
      this.seq = seq;
      sink.reached(this, seq);
      return;
    }
    if (msg.body !== 'section' || !msg.section) throw new ProtocolError(`multifd channel ${this.index}: unexpected '${msg.body ?? 'unknown'}' frame`);
    const s = msg.section;
    if (s.type !== livemig.SectionType.SECTION_PART) throw new ProtocolError(`multifd channel ${this.index}: only PART sections travel on multifd channels`);
    const device = sink.pageDevice(s.deviceId ?? '');
    if (s.ram?.compressed) return this.inflatePacket(device, s, frame);
    device.loadState({ type: s.type, data: s, payload: frame.payload, payloadLength: frame.payloadLength, inPlace: frame.inPlace });
  }

  /** A compressed page packet: copied out of the receive buffers, inflated in a worker, then loaded. */
  private inflatePacket(device: Device, s: livemig.Section.$Properties, frame: DecodedFrame<DecodedFrameMessage>): void {
    const sink = this.sink!;
    if (!sink.inflate || !sink.packetBuffer) throw new ProtocolError(`multifd channel ${this.index}: compressed pages, but multifd-compression is none here`);
    if (!(device instanceof RamDevice)) throw new ProtocolError(`multifd channel ${this.index}: compressed pages for '${device.id}', which is not RAM`);
    const runs = s.ram!.normalRuns ?? [];
    let pages = 0;
    for (let i = 1; i < runs.length; i += 2) pages += runs[i]!;
    const expected = pages * device.pageSize;
    // The source never packs more than a frame's worth: nothing larger is ever inflated.
    if (expected === 0 || expected > RAM_FRAME_BYTES) throw new ProtocolError(`multifd channel ${this.index}: a compressed packet of ${expected} page bytes (at most ${RAM_FRAME_BYTES})`);
    const packet = sink.packetBuffer(frame.payloadLength);
    let at = 0;
    for (const slice of frame.payload) at += slice.copy(packet, at);
    this.inflating++;
    if (this.inflating >= MAX_PACKETS_INFLATING && !this.throttled) {
      this.throttled = true;
      this.input.pause();
    }
    const section: livemig.Section.$Properties = { ...s, ram: { ...s.ram, compressed: false } };
    sink.inflate(packet, expected).then(
      (pagesBytes) => {
        if (this.phase === 'closed') return;
        this.inflating--;
        try {
          device.loadState({ type: livemig.SectionType.SECTION_PART, data: section, payload: [pagesBytes], payloadLength: pagesBytes.length, inPlace: false });
        } catch (err) {
          return this.fail(toMigError(err, 'MIG_ERR_PROTOCOL'));
        }
        this.afterInflate();
      },
      (err: unknown) => this.fail(new ProtocolError(`multifd channel ${this.index}: ${err instanceof Error ? err.message : String(err)}`)),
    );
  }

  private afterInflate(): void {
    if (this.throttled && this.inflating < MAX_PACKETS_INFLATING) {
      this.throttled = false;
      if (this.syncAfterInflate === null && !this.decoder.isPaused) this.input.resume();
    }
    if (this.inflating === 0 && this.syncAfterInflate !== null) {
      const seq = this.syncAfterInflate;
      this.syncAfterInflate = null;
      this.seq = seq;
      this.sink!.reached(this, seq);
    }
  }
}

export interface MultifdReceiverOptions {
  migrationId: Buffer;
  channels: number;
  /** multifd-compression's inflating (null: none). */
  inflate: ChannelSink['inflate'];
  packetBuffer: ChannelSink['packetBuffer'];
  /** Devices that may receive pages over multifd (RAM), by id; a device whose section has ended is refused. */
  pageDevice(deviceId: string): Device;
  /** Fatal: the migration fails. */
  onError(err: MigError): void;
  onBytes(n: number): void;
  /** A channel was attached (for the log). */
  onAttached(channel: MultifdChannel): void;
}

/** The multifd state of one incoming migration: its channels and the sync barrier. */
export class MultifdReceiver {
  private readonly opts: MultifdReceiverOptions;
  private readonly attached: Array<MultifdChannel | null>;
  private mainSeq = 0;
  private mainRelease: (() => void) | null = null;
  private released = 0;
  private closed = false;

  constructor(opts: MultifdReceiverOptions) {
    this.opts = opts;
    this.attached = Array.from({ length: opts.channels }, () => null);
  }

  get wantsChannels(): boolean {
    return !this.closed && this.attached.some((c) => c === null);
  }

  /** A candidate said hello: attach it if it is one of ours, else refuse it. */
  offer(ch: MultifdChannel, hello: ChannelHello): void {
    const why = this.closed
      ? 'the migration it names has ended'
      : !hello.migrationId.equals(this.opts.migrationId)
        ? 'it names another migration'
        : hello.channel >= this.attached.length
          ? `channel ${hello.channel} is beyond the ${this.attached.length} announced`
          : this.attached[hello.channel]
            ? `channel ${hello.channel} is already connected`
            : null;
    if (why) {
      ch.refuse(new ProtocolError(`multifd channel refused: ${why}`, 'MIG_ERR_STATE'));
      // A stray or late channel is refused on its own; one that claims our id but is wrong is a protocol error.
      if (hello.migrationId.equals(this.opts.migrationId) && !this.closed) this.opts.onError(new ProtocolError(`multifd channel refused: ${why}`));
      return;
    }
    this.attached[hello.channel] = ch;
    ch.on('error', (err) => this.opts.onError(err));
    ch.on('bytes', (n) => this.opts.onBytes(n));
    // attach() releases the channel: not from inside its own frame callback.
    queueMicrotask(() => this.attachNow(ch, hello));
  }

  private attachNow(ch: MultifdChannel, hello: ChannelHello): void {
    if (this.closed || ch.closed) return;
    ch.attach(hello.channel, {
      pageDevice: (id) => this.opts.pageDevice(id),
      reached: () => this.check(),
      inflate: this.opts.inflate,
      packetBuffer: this.opts.packetBuffer,
    });
    this.opts.onAttached(ch);
  }

  /** The main channel reached CMD_MULTIFD_SYNC(seq) and stopped; `release` lets it go on. */
  mainReached(seq: number, release: () => void): void {
    if (seq !== this.mainSeq + 1) throw new ProtocolError(`multifd sync ${seq} on the main channel after ${this.mainSeq}`);
    this.mainSeq = seq;
    this.mainRelease = release;
    this.check();
  }

  /** Releases everyone once the main channel and every channel have reached the main channel's sync. */
  private check(): void {
    const seq = this.mainSeq;
    if (seq === this.released || !this.mainRelease) return;
    for (const ch of this.attached) if (!ch || ch.seq < seq) return;
    this.released = seq;
    const release = this.mainRelease;
    this.mainRelease = null;
    // After the frame callback that got here has returned: never re-enter a decoder.
    queueMicrotask(() => {
      if (this.closed) return;
      for (const ch of this.attached) ch!.release();
      release();
    });
  }

  close(): void {
    this.closed = true;
    for (const ch of this.attached) ch?.close();
  }
}
