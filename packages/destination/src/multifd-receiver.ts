/**
 * multifd, receive side (QEMU migration/multifd.c, recv side).
 *
 * A multifd channel is a connection whose handshake (handshake.ts: a
 * StreamHeader naming the migration and its index, and with a shared secret
 * its own challenge) succeeded; the migration's IncomingChannels gives it its
 * place here. Attached channels load RAM page batches (PART sections naming
 * their device) straight into guest memory through the same payload sink as
 * the main channel.
 *
 * Sync: a MultifdSync{seq} marker stops a channel (its decoder and its socket)
 * and CMD_MULTIFD_SYNC(seq) stops the main channel; when every channel and the
 * main channel have reached seq, all go on. Pages of one round are thus all in
 * place before any page of the next, and EOF is handled only after every
 * channel has flushed.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { ConnectionError, ProtocolError, toMigError, type MigError } from '@livemig/common/errors';
import { MAX_PAYLOAD_BYTES, livemig, type DecodedFrame, type DecodedFrameMessage } from '@livemig/common/wire';
import { type Device } from '@livemig/common/devices';
import type { AcceptedConnection } from './handshake';
import { multifdAttaching, multifdMainSync } from './probes';
import type { ReaderOwner, StreamReader } from './stream-reader';
import type { PageLoader } from './section-table';

/** Compressed packets of one channel in the workers before it stops reading. */
const MAX_PACKETS_INFLATING = 8;
/** inflateNow's reused buffers start at a packet's size (QEMU's multifd packet, 512 KiB) and a little. */
const JOINED_BYTES = 512 * 1024 + 8192;

export interface MultifdChannelEvents {
  /** A protocol or connection error: fatal to the migration. */
  error: [MigError];
  /** Bytes received (for the migration's byte count and digest pacing). */
  bytes: [number];
}

/** What a channel needs from the migration it is attached to. */
export interface ChannelSink {
  /** The device a page section names, if it may receive pages now; else throws. */
  pageDevice(deviceId: string): PageLoader;
  /** The channel reached sync `seq` and has stopped. */
  reached(channel: MultifdChannel, seq: number): void;
  /** multifd-compression: inflates a packet (a packetBuffer()) to exactly `expected` bytes; null without compression. */
  inflate: ((packet: Buffer, expected: number) => Promise<Buffer>) | null;
  /** A buffer the inflating workers can take over. */
  packetBuffer: ((length: number) => Buffer) | null;
  /** An inflated packet is loaded: its buffer serves another one. */
  recycle: ((pages: Buffer) => void) | null;
  /**
   * Inflates a packet here, on this thread, into `dst` (exactly `expected`
   * bytes); throws with the reason. Null: packets go to the workers (`inflate`).
   */
  inflateNow: ((dst: Buffer, src: Buffer, expected: number) => void) | null;
}

/** One attached channel: its reader (handed on by its handshake) feeds page frames to its sink. */
export class MultifdChannel extends EventEmitter<MultifdChannelEvents> implements ReaderOwner {
  readonly peer: string;
  private readonly socket: Socket;
  private readonly reader: StreamReader;
  private sink: ChannelSink | null = null;
  private isClosed = false;
  /** Compressed packets in the workers, a sync marker waiting for them, reading stopped for them. */
  private inflating = 0;
  private syncAfterInflate: number | null = null;
  private throttled = false;
  /** inflateNow's reused buffers: a packet split across receive chunks, and pages bound for more than one region. */
  private joined: Buffer | null = null;
  private inflated: Buffer | null = null;
  index = -1;
  /** Last sync seq this channel reached. */
  seq = 0;

  constructor(conn: AcceptedConnection) {
    super();
    this.peer = conn.peer;
    this.socket = conn.socket;
    this.reader = conn.reader;
    this.socket.on('error', (err) => this.fail(toMigError(err)));
    const closedBySource = (): void => this.fail(new ConnectionError(`multifd channel ${this.index} closed by the source`));
    // 'end' too: a half-closed channel (half-open sockets, destination-daemon.ts) is as gone as a closed one.
    this.socket.on('end', closedBySource);
    this.socket.on('close', closedBySource);
    // Nothing is loaded before attach(): the frames wait in the decoder.
    this.reader.pauseForSync();
    this.reader.handOver(this);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Starts loading page frames into `sink`. */
  attach(index: number, sink: ChannelSink): void {
    this.index = index;
    this.sink = sink;
    this.release();
  }

  /** Goes on after a sync point (or after being attached). */
  release(): void {
    if (!this.isClosed) this.reader.resumeAfterSync();
  }

  /** Tears down: no more frames; the source learns from the close. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.socket.destroy();
  }

  // ---- ReaderOwner ----

  finished(): boolean {
    return this.isClosed;
  }

  payloadTargets(msg: DecodedFrameMessage, length: number): Buffer[] | null {
    if (msg.body !== 'section' || !msg.section || !this.sink) return null;
    const s = msg.section;
    // A compressed packet is read into the receive buffers and inflated from there.
    if (s.compressed) return null;
    const loader = this.sink.pageDevice(s.deviceId ?? '');
    const device = loader.device;
    return device.payloadTargets ? device.payloadTargets(s.type ?? livemig.SectionType.SECTION_TYPE_UNSPECIFIED, loader.header(s), length) : null;
  }

  arrived(n: number): void {
    this.emit('bytes', n);
  }

  loaded(): void {}

  fail(err: MigError): void {
    if (this.isClosed) return;
    this.close();
    this.emit('error', err);
  }

  handleFrame(frame: DecodedFrame<DecodedFrameMessage>): void {
    const msg = frame.message;
    const sink = this.sink;
    if (!sink) throw new ProtocolError(`multifd channel from ${this.peer}: frame before it was attached`);
    if (msg.body !== 'section' && frame.payloadLength > 0) throw new ProtocolError(`multifd channel ${this.index}: '${msg.body ?? 'unknown'}' frame with a payload`);
    if (msg.body === 'multifdSync' && msg.multifdSync) {
      const seq = msg.multifdSync.seq ?? 0;
      if (seq !== this.seq + 1) throw new ProtocolError(`multifd channel ${this.index}: sync ${seq} after ${this.seq}`);
      this.reader.pauseForSync();
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
    const loader = sink.pageDevice(s.deviceId ?? '');
    if (s.compressed) return this.inflatePacket(loader, s, frame);
    loader.load(s, frame.payload, frame.payloadLength, frame.inPlace);
  }

  /** A compressed packet (any multifd device's PART): inflated here (zstd), or copied out of the receive buffers, inflated in a worker (zlib), then loaded. */
  private inflatePacket(loader: PageLoader, s: livemig.Section.$Properties, frame: DecodedFrame<DecodedFrameMessage>): void {
    const sink = this.sink!;
    if (!sink.inflateNow && (!sink.inflate || !sink.packetBuffer)) throw new ProtocolError(`multifd channel ${this.index}: compressed pages, but multifd-compression is none here`);
    // The generic header says what it inflates to: never more than a frame's payload may be.
    const expected = s.rawLength ?? 0;
    if (expected === 0 || expected > MAX_PAYLOAD_BYTES) throw new ProtocolError(`multifd channel ${this.index}: a compressed packet of ${expected} bytes (at most ${MAX_PAYLOAD_BYTES})`);
    if (sink.inflateNow) return this.inflateHere(sink.inflateNow, loader, s, frame, expected);
    if (!sink.inflate || !sink.packetBuffer) return;
    const packet = sink.packetBuffer(frame.payloadLength);
    let at = 0;
    for (const slice of frame.payload) at += slice.copy(packet, at);
    this.inflating++;
    if (this.inflating >= MAX_PACKETS_INFLATING && !this.throttled) {
      this.throttled = true;
      this.reader.holdReading(true);
    }
    // Decoded now, in stream order (the device's codec sees the header as sent).
    loader.header(s);
    sink.inflate(packet, expected).then(
      (pagesBytes) => {
        if (this.isClosed) return;
        this.inflating--;
        try {
          loader.load(s, [pagesBytes], pagesBytes.length, false);
        } catch (err) {
          return this.fail(toMigError(err, 'MIG_ERR_PROTOCOL'));
        }
        // Loaded (a device keeps nothing of a payload past loadState's synchronous part).
        sink.recycle?.(pagesBytes);
        this.afterInflate();
      },
      (err: unknown) => this.fail(new ProtocolError(`multifd channel ${this.index}: ${err instanceof Error ? err.message : String(err)}`)),
    );
  }

  /**
   * A packet inflated on this thread, in stream order: straight into guest
   * memory when its pages are one region there (payloadTargets), else into a
   * reused buffer and copied into its regions. Input from the receive buffers
   * when it is in one of them, else joined into a reused buffer first.
   */
  private inflateHere(inflateNow: NonNullable<ChannelSink['inflateNow']>, loader: PageLoader, s: livemig.Section.$Properties, frame: DecodedFrame<DecodedFrameMessage>, expected: number): void {
    let src: Buffer;
    if (frame.payload.length === 1) src = frame.payload[0]!;
    else {
      if (!this.joined || this.joined.length < frame.payloadLength) this.joined = Buffer.allocUnsafeSlow(Math.max(frame.payloadLength, JOINED_BYTES));
      let at = 0;
      for (const slice of frame.payload) at += slice.copy(this.joined, at);
      src = this.joined.subarray(0, at);
    }
    const device = loader.device;
    const targets = device.payloadTargets ? device.payloadTargets(s.type ?? livemig.SectionType.SECTION_TYPE_UNSPECIFIED, loader.header(s), expected) : null;
    try {
      if (targets && targets.length === 1 && targets[0]!.length === expected) {
        inflateNow(targets[0]!, src, expected);
      } else {
        if (!this.inflated || this.inflated.length < expected) this.inflated = Buffer.allocUnsafeSlow(Math.max(expected, JOINED_BYTES));
        const pages = this.inflated.subarray(0, expected);
        inflateNow(pages, src, expected);
        if (!targets) return loader.load(s, [pages], expected, false);
        let at = 0;
        for (const t of targets) at += pages.copy(t, 0, at, at + t.length);
        if (at !== expected) throw new Error(`its runs describe ${at} bytes in place, its header ${expected}`);
      }
    } catch (err) {
      throw new ProtocolError(`multifd channel ${this.index}: ${err instanceof Error ? err.message : String(err)}`);
    }
    loader.load(s, targets, expected, true);
  }

  private afterInflate(): void {
    if (this.throttled && this.inflating < MAX_PACKETS_INFLATING) {
      this.throttled = false;
      this.reader.holdReading(false);
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
  channels: number;
  /** multifd-compression's inflating (null: none). */
  inflate: ChannelSink['inflate'];
  packetBuffer: ChannelSink['packetBuffer'];
  recycle: ChannelSink['recycle'];
  inflateNow: ChannelSink['inflateNow'];
  /** Devices that may receive sections over multifd (their type says so), by id; a device whose section has ended is refused. */
  pageDevice(deviceId: string): PageLoader;
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

  get channels(): number {
    return this.attached.length;
  }

  /** Channel `index` (its place reserved by IncomingChannels) proved itself: it loads pages from now on. */
  attach(index: number, ch: MultifdChannel): void {
    if (this.closed || this.attached[index]) {
      ch.close();
      return;
    }
    this.attached[index] = ch;
    ch.on('error', (err) => this.opts.onError(err));
    ch.on('bytes', (n) => this.opts.onBytes(n));
    // attach() releases the channel: not from inside its own frame callback.
    queueMicrotask(() => {
      if (multifdAttaching(index, () => this.attachNow(ch, index))) this.attachNow(ch, index);
    });
  }

  private attachNow(ch: MultifdChannel, index: number): void {
    if (this.closed || ch.closed) return;
    ch.attach(index, {
      pageDevice: (id) => this.opts.pageDevice(id),
      reached: () => this.check(),
      inflate: this.opts.inflate,
      packetBuffer: this.opts.packetBuffer,
      recycle: this.opts.recycle,
      inflateNow: this.opts.inflateNow,
    });
    this.opts.onAttached(ch);
  }

  /** The main channel reached CMD_MULTIFD_SYNC(seq) and stopped; `release` lets it go on. */
  mainReached(seq: number, release: () => void): void {
    if (seq !== this.mainSeq + 1) throw new ProtocolError(`multifd sync ${seq} on the main channel after ${this.mainSeq}`);
    this.mainSeq = seq;
    this.mainRelease = release;
    multifdMainSync(seq);
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
