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
 */
import type { Socket } from 'node:net';
import { openConnection } from './transport';
import {
  AUTH_NONCE_BYTES,
  AuthError,
  ConnectionError,
  PeerError,
  ProtocolError,
  STREAM_MAGIC,
  STREAM_VERSION,
  authProof,
  createNonce,
  createReturnPathDecoder,
  encodeFrame,
  isValidNonce,
  livemig,
  proofMatches,
  type ChannelBinding,
  type Device,
  type FrameMessage,
  type MigError,
  type SectionKind,
  type SectionWriter,
  type TlsFiles,
} from '@livemig/common';
import { MigrationStream } from './migration-stream';

/** How long a channel's loss waits before it is reported (see the constructor). */
const CHANNEL_ERROR_GRACE_MS = 300;

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
  /** A channel failed or closed: fatal to the migration. */
  onError(err: ConnectionError): void;
}

export class MultifdSender {
  private readonly streams: MigrationStream[];
  private readonly sockets: Socket[];
  private seq = 0;
  /** Pages went out since the last sync marker. */
  private pagesSinceSync = false;
  private closing = false;

  private constructor(sockets: Socket[], onError: (err: ConnectionError) => void) {
    this.sockets = sockets;
    this.streams = sockets.map((s) => new MigrationStream(s));
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
    return new MultifdSender(sockets, opts.onError);
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
        return this.leastQueued().writeFrame({ section }, payload);
      },
    };
  }

  /** A sync marker on every channel, if pages went out since the last one; returns its seq (or null). */
  sync(): number | null {
    if (!this.pagesSinceSync) return null;
    this.pagesSinceSync = false;
    this.seq++;
    for (const s of this.streams) s.writeFrame({ multifdSync: { seq: this.seq } });
    return this.seq;
  }

  get bytesQueued(): number {
    let n = 0;
    for (const s of this.streams) n += s.bytesQueued;
    return n;
  }

  get bytesFlushed(): number {
    let n = 0;
    for (const s of this.streams) n += s.bytesFlushed;
    return n;
  }

  /** Every channel hands what it has queued to the kernel now. */
  push(): void {
    for (const s of this.streams) s.push();
  }

  get needsDrain(): boolean {
    return this.streams.some((s) => s.needsDrain);
  }

  flush(signal: AbortSignal): Promise<void> {
    return Promise.all(this.streams.map((s) => s.flush(signal))).then(() => undefined);
  }

  /** Graceful end after a completed migration. */
  end(): void {
    this.closing = true;
    for (const s of this.sockets) s.end();
  }

  destroy(): void {
    this.closing = true;
    for (const s of this.sockets) s.destroy();
  }

  private leastQueued(): MigrationStream {
    let best = this.streams[0]!;
    let bestQueued = best.bytesQueued - best.bytesFlushed;
    for (let i = 1; i < this.streams.length; i++) {
      const s = this.streams[i]!;
      const q = s.bytesQueued - s.bytesFlushed;
      if (q < bestQueued) {
        best = s;
        bestQueued = q;
      }
    }
    return best;
  }
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
