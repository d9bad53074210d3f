/**
 * multifd, send side (QEMU migration/multifd.c): RAM pages over `channels`
 * extra TCP connections to the destination's migration port.
 *
 * Each channel opens with a StreamHeader naming the migration (the random id
 * sent in the main channel's Configuration) and its index, opened only once
 * the destination accepted that configuration. With a shared secret each
 * channel then answers its own challenge, whose proofs are bound to the
 * migration id and index (common/security/auth.ts): knowing the id is not
 * enough to join a migration. RAM devices get a SectionWriter that sends their PART sections (page
 * batches, with the device id, since a channel has no START of its own) on the
 * channel with the least data queued; START/END stay on the main channel.
 *
 * sync() is QEMU's multifd_send_sync_main: a MultifdSync{seq} marker on every
 * channel, matched by CMD_MULTIFD_SYNC(seq) on the main channel (the caller
 * writes that). The destination holds every channel and the main channel at
 * the marker until all have reached it, so pages of one sync round are all
 * loaded before any page of the next (a page re-sent in a later pass can never
 * be overtaken by its older copy) and nothing after the last marker (END, EOF)
 * is read before every channel has flushed. The outgoing migration calls it
 * before each dirty-bitmap sync and before the END sections.
 *
 * With multifd-compression each PART section of a multifd device is one
 * packet (the device keeps it within SaveContext.multifdPacketBytes, QEMU's
 * 512 KiB multifd packet), spread over the channels; each channel's packets go through a CompressingChannel (compressed
 * in a worker pool, written in order) and sync markers queue behind them. Byte
 * counts (bandwidth, backpressure) are then in guest bytes: a packet counts as
 * the pages it carries, which is what the pending set is measured in.
 */
import type { Socket } from 'node:net';
import { openConnection } from './transport';
import { AuthError, ConnectionError, PeerError, ProtocolError, type MigError } from '@livemig/common/errors';
import {
  AUTH_NONCE_BYTES,
  RAM_FRAME_BYTES,
  compressionThreads,
  STREAM_MAGIC,
  STREAM_VERSION,
  createReturnPathDecoder,
  encodeFrame,
  livemig,
  parkCompressionPool,
  takeCompressionPool,
  type CompressionMethod,
  type CompressionPool,
  type FrameMessage,
} from '@livemig/common/wire';
import { authProof, createNonce, isValidNonce, proofMatches, type ChannelBinding, type TlsFiles } from '@livemig/common/control';
import { type Device, type SectionKind, type SectionWriter } from '@livemig/common/devices';
import { CompressingChannel, MULTIFD_PACKET_BYTES, type CompressionTotals } from './compressing-channel';
import { MigrationStream } from './migration-stream';

/** How long a channel's loss waits before it is reported (see the constructor). */
const CHANNEL_ERROR_GRACE_MS = 300;
/** Packets in the workers per worker before the loop waits (each a copy of its pages). */
const PACKETS_IN_FLIGHT_PER_THREAD = 8;
/** The packet each compression worker compresses once at setup (see startCompression). */
const WARM_UP_BYTES = 4096;

export interface MultifdCompressionOptions {
  method: CompressionMethod;
  /** multifd-zlib-level or multifd-zstd-level. */
  level: number;
}

export interface MultifdSenderOptions {
  host: string;
  port: number;
  channels: number;
  migrationId: Buffer;
  /** The shared secret: each channel answers its own challenge with it. */
  authSecret: Buffer | null;
  /** The main connection's TLS files: channels are encrypted and authenticated the same way. */
  tls: TlsFiles | null;
  /** Connect timeout (stall-timeout; 0 = none). */
  timeoutMs: number;
  signal: AbortSignal;
  /** multifd-compression (null: none). */
  compression?: MultifdCompressionOptions | null;
  /** A channel failed or closed: fatal to the migration. */
  onError(err: ConnectionError): void;
}

export class MultifdSender {
  private readonly streams: MigrationStream[];
  private readonly sockets: Socket[];
  /** With multifd-compression: each channel's ordered compressed output, and the workers. */
  private readonly compressors: CompressingChannel[] | null;
  private readonly pool: CompressionPool | null;
  private readonly maxPendingBytes: number;
  readonly compression: (CompressionTotals & { method: CompressionMethod }) | null;
  /** Page bytes compression kept off the wire, for packets already written (guest-byte counts add it back). */
  private savedBytes = 0;
  private seq = 0;
  /** Pages went out since the last sync marker. */
  private pagesSinceSync = false;
  private closing = false;

  private constructor(sockets: Socket[], onError: (err: ConnectionError) => void, compression: MultifdCompressionOptions | null) {
    this.sockets = sockets;
    this.streams = sockets.map((s) => new MigrationStream(s));
    if (compression) {
      const totals = { method: compression.method, packets: 0, rawBytes: 0, compressedBytes: 0, savedByDevice: new Map<string, number>() };
      this.compression = totals;
      this.pool = takeCompressionPool(compressionThreads(sockets.length));
      const failed = (err: Error): void => {
        if (!this.closing) onError(new ConnectionError(`multifd ${compression.method} compression failed: ${err.message}`, { cause: err }));
      };
      this.compressors = this.streams.map((st) => new CompressingChannel(st, this.pool!, compression.method, compression.level, totals, failed));
      // At least two rounds, so the workers have the next while the loop waits.
      this.maxPendingBytes = Math.max(2 * RAM_FRAME_BYTES, this.pool.threads * PACKETS_IN_FLIGHT_PER_THREAD * MULTIFD_PACKET_BYTES);
    } else {
      this.compression = null;
      this.pool = null;
      this.compressors = null;
      this.maxPendingBytes = 0;
    }
    sockets.forEach((s, i) => {
      s.on('close', () => {
        // A little later: when the destination refused the whole migration, the main
        // channel's SHUT carries the reason, and that error should be the one reported.
        if (this.closing) return;
        setTimeout(() => {
          if (!this.closing) onError(new ConnectionError(`multifd channel ${i} to the destination closed`));
        }, CHANNEL_ERROR_GRACE_MS).unref();
      });
    });
  }

  /** Opens every channel and sends its header and hello. */
  static async connect(opts: MultifdSenderOptions): Promise<MultifdSender> {
    const settled = await Promise.allSettled(Array.from({ length: opts.channels }, (_, channel) => connectOne(opts, channel)));
    const sockets = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      for (const s of sockets) s.destroy();
      throw failed.reason;
    }
    const sender = new MultifdSender(sockets, opts.onError, opts.compression ?? null);
    try {
      await sender.startCompression(opts.compression?.level ?? 0, opts.signal);
    } catch (err) {
      sender.destroy();
      if (opts.signal.aborted) throw err;
      throw new ConnectionError(`multifd ${opts.compression!.method} compression workers did not start: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    return sender;
  }

  /**
   * Setup, not precopy: every compression worker is up and has its codec loaded
   * (one small packet each) before the first page is queued. A worker thread
   * takes ~50-150 ms to start on a busy machine; left to the first round, that
   * time counted as link time in the bandwidth estimate with nothing written (a
   * first window of ~30 bytes in 110 ms: 0.3 B/ms), and the estimate and the
   * threshold collapsed to near zero.
   */
  private async startCompression(level: number, signal: AbortSignal): Promise<void> {
    const pool = this.pool;
    const method = this.compression?.method;
    if (!pool || !method) return;
    // The pool gives each job to the worker with the fewest pending: one per worker.
    const jobs = Array.from({ length: pool.threads }, () => pool.compress(method, level, pool.packetBuffer(WARM_UP_BYTES)));
    await abortable(Promise.all(jobs), signal);
  }

  get channels(): number {
    return this.streams.length;
  }

  /** The writer for a RAM device: page batches (PART) go over the channels, the rest to `main`. */
  writerFor(device: Device, sectionId: number, main: SectionWriter): SectionWriter {
    return {
      write: (type: SectionKind, header?: Uint8Array | null, payload?: readonly Buffer[]): number => {
        if (type !== livemig.SectionType.SECTION_PART) return main.write(type, header, payload);
        this.pagesSinceSync = true;
        const section: livemig.Section.$Properties = { type, sectionId, deviceId: device.id };
        if (header && header.length > 0) section.header = header;
        if (this.compressors) return this.writeCompressed(device, section, payload ?? []);
        return this.streams[this.leastQueued()]!.writeFrame({ section }, payload);
      },
    };
  }

  /**
   * One PART section as one compressed packet, to the channel with the least
   * queued (devices keep PARTs within SaveContext.multifdPacketBytes when the
   * channels compress, so RAM batches are QEMU's 512 KiB packets). A payload
   * larger than a frame goes uncompressed. Returns the bytes it stands for
   * until compressed (its raw size); the device's wire figures are corrected
   * through savedByDevice once it is written.
   */
  private writeCompressed(device: Device, section: livemig.Section.$Properties, views: readonly Buffer[]): number {
    const i = this.leastQueued();
    const totals = this.compression!;
    // Corrected once the packet is written: the device's wire figure (query-migrate) and
    // the guest-byte counts by what compression kept off the wire (a zero-only packet
    // queued behind others counted 0 and adds its wire bytes here).
    let raw = 0;
    for (const v of views) raw += v.length;
    return this.compressors![i]!.writePages({ section }, views, (wire) => {
      totals.savedByDevice.set(device.id, (totals.savedByDevice.get(device.id) ?? 0) + raw - wire);
      this.savedBytes += raw - wire;
    });
  }

  /** A sync marker on every channel, if pages went out since the last one; returns its seq (or null). */
  sync(): number | null {
    if (!this.pagesSinceSync) return null;
    this.pagesSinceSync = false;
    this.seq++;
    for (let i = 0; i < this.streams.length; i++) {
      const marker: FrameMessage = { multifdSync: { seq: this.seq } };
      if (this.compressors) this.compressors[i]!.writeFrame(marker);
      else this.streams[i]!.writeFrame(marker);
    }
    return this.seq;
  }

  /** Bytes handed to the channels (with compression: in guest bytes, see the header). */
  get bytesQueued(): number {
    let n = this.savedBytes;
    for (const s of this.streams) n += s.bytesQueued;
    return n;
  }

  get bytesFlushed(): number {
    let n = this.savedBytes;
    for (const s of this.streams) n += s.bytesFlushed;
    return n;
  }

  /** Every channel hands what it has queued to the kernel now. */
  push(): void {
    for (const s of this.streams) s.push();
  }

  get needsDrain(): boolean {
    return this.streams.some((s) => s.needsDrain) || (this.compressors !== null && this.compressingBytes() > this.maxPendingBytes);
  }

  /** Resolves once every packet (compressed first, with compression) has been handed to the kernel. */
  async flush(signal: AbortSignal): Promise<void> {
    if (this.compressors) await abortable(Promise.all(this.compressors.map((c) => c.idle())), signal);
    await Promise.all(this.streams.map((s) => s.flush(signal)));
  }

  /** Graceful end after a completed migration. */
  end(): void {
    this.closing = true;
    this.stopCompression();
    for (const s of this.sockets) s.end();
  }

  destroy(): void {
    this.closing = true;
    this.stopCompression();
    for (const s of this.sockets) s.destroy();
  }

  private stopCompression(): void {
    if (!this.compressors) return;
    for (const c of this.compressors) c.close();
    parkCompressionPool(this.pool!);
  }

  private compressingBytes(): number {
    let n = 0;
    for (const c of this.compressors!) n += c.pendingBytes;
    return n;
  }

  /** The channel with the least data queued (in Node's buffer, and in the workers with compression). */
  private leastQueued(): number {
    let best = 0;
    let bestQueued = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.streams.length; i++) {
      const s = this.streams[i]!;
      const q = s.bytesQueued - s.bytesFlushed + (this.compressors ? this.compressors[i]!.pendingBytes : 0);
      if (q < bestQueued) {
        best = i;
        bestQueued = q;
      }
    }
    return best;
  }
}

/** `p`, or a rejection with the signal's reason once it aborts. */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** One channel, over TLS when the main connection is (same certificates, same checks), through its handshake. */
async function connectOne(opts: MultifdSenderOptions, channel: number): Promise<Socket> {
  let socket: Socket;
  try {
    socket = await openConnection({ host: opts.host, port: opts.port, tls: opts.tls, signal: opts.signal, timeoutMs: opts.timeoutMs });
  } catch (err) {
    if (opts.signal.aborted) throw err;
    throw new ConnectionError(`cannot open a multifd channel to ${opts.host}:${opts.port}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  // Until its MigrationStream takes it over (once every channel is up), a channel has no
  // other 'error' listener: a reset in its handshake, or while it waits for the other
  // channels, would be an uncaught 'error' that ends the daemon. The 'close' that follows
  // an error is what the handshake and the sender act on.
  socket.on('error', () => undefined);
  try {
    await channelHandshake(socket, opts, channel);
  } catch (err) {
    socket.destroy();
    throw err;
  }
  return socket;
}

/**
 * The channel's header names the migration and the index; with a secret the
 * destination answers with a challenge bound to both, which the channel checks
 * and answers. A SHUT instead names why the destination turned it away.
 */
function channelHandshake(socket: Socket, opts: MultifdSenderOptions, channel: number): Promise<void> {
  const binding: ChannelBinding = { migrationId: opts.migrationId, channel };
  const secret = opts.authSecret;
  const nonce = secret ? createNonce() : null;
  const header = { magic: STREAM_MAGIC, version: STREAM_VERSION, multifd: { migrationId: opts.migrationId, channel }, ...(nonce ? { authNonce: nonce } : {}) };
  const send = (frame: FrameMessage): void => {
    for (const b of encodeFrame(frame)) socket.write(b);
  };
  send({ header });
  if (!secret || !nonce) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const decoder = createReturnPathDecoder();
    const timer = opts.timeoutMs > 0 ? setTimeout(() => done(new ConnectionError(`multifd channel ${channel}: no authentication challenge within ${opts.timeoutMs} ms`)), opts.timeoutMs) : null;
    const onAbort = (): void => done(opts.signal.reason as MigError);
    const onClose = (): void => done(new ConnectionError(`multifd channel ${channel} closed by the destination during its handshake`));
    const onData = (chunk: Buffer): void => {
      try {
        for (const { message } of decoder.push(chunk)) {
          if (message.shut && !message.shut.ok) throw new PeerError(message.shut.code || 'unknown', message.shut.reason || 'no reason given');
          if (message.body !== 'authChallenge' || !message.authChallenge) throw new ProtocolError(`multifd channel ${channel}: '${message.body ?? 'unknown'}' before the authentication challenge`);
          const c = message.authChallenge;
          if (!isValidNonce(c.nonce)) throw new AuthError(`authentication failed: the destination's challenge nonce on multifd channel ${channel} is not ${AUTH_NONCE_BYTES} bytes`);
          if (!proofMatches(authProof(secret, 'destination', nonce, c.nonce, STREAM_VERSION, binding), c.mac)) {
            throw new AuthError(`authentication failed: the destination could not prove it knows the shared secret on multifd channel ${channel}`);
          }
          send({ authResponse: { mac: authProof(secret, 'source', nonce, c.nonce, STREAM_VERSION, binding) } });
          return done(null);
        }
      } catch (err) {
        done(err as Error);
      }
    };
    function done(err: Error | null): void {
      if (timer) clearTimeout(timer);
      opts.signal.removeEventListener('abort', onAbort);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (err) reject(err);
      else resolve();
    }
    opts.signal.addEventListener('abort', onAbort, { once: true });
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}
