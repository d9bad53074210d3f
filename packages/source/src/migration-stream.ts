/**
 * The forward half of the migration connection (QEMU's QEMUFile for writing):
 * frames go to the socket corked, so a header and its payload views leave in
 * one writev; it counts bytes, honours backpressure and gives each device a
 * SectionWriter that fills in section ids and device identity.
 */
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { ConnectionError } from '@livemig/common/errors';
import { encodeFrameHeader, type FrameMessage, livemig, TickCork } from '@livemig/common/wire';
import { type Device, type SectionKind, type SectionWriter } from '@livemig/common/devices';

/**
 * Queue this much in user space before waiting for the socket to drain. The
 * queue holds views of guest memory (no copies), so depth costs nothing but
 * bookkeeping; a deep one means the kernel always has the next bytes when it
 * can take them (a backlog of 8 MiB drained to empty cost ~10% of throughput).
 */
const HIGH_WATER_BYTES = 64 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

export class MigrationStream {
  private readonly socket: Socket;
  private queued = 0;
  private closedError: Error | null = null;
  /**
   * The kernel's count of this connection when this stream began (see
   * bytesFlushed): of the socket's bytes over TCP, of the underlying TCP
   * handle's ciphertext over TLS; null where it cannot be read.
   */
  private readonly takenBase: number | null;
  /** Reads the connection's counts: tcpCounts, or tlsCipherCounts over TLS. */
  private readonly counts: (socket: Socket) => HandleCounts | null;
  /** The socket is corked by writeFrame until the next tick (or push()). */
  private readonly cork: TickCork;

  constructor(socket: Socket) {
    this.socket = socket;
    this.cork = new TickCork(socket);
    const tls = socket instanceof TLSSocket;
    this.counts = tls ? tlsCipherCounts : tcpCounts;
    // Bytes written before this stream existed and not taken yet are not this stream's.
    // Over TLS: the ciphertext handed down so far (the handshake's and whatever of the
    // earlier plaintext is encrypted); plaintext still unencrypted is counted as this
    // stream's once it goes, at most a few dozen bytes (a channel's auth response).
    const c = this.counts(socket);
    this.takenBase = c === null ? null : tls ? c.handedDown : c.handedDown - c.inLibuv + socket.writableLength;
    if (tls) writeChunksOneByOne(socket);
    socket.on('close', () => {
      this.closedError ??= new ConnectionError('connection to the destination closed');
    });
    socket.on('error', (err) => {
      this.closedError ??= new ConnectionError(`connection to the destination failed: ${err.message}`, { cause: err });
    });
  }

  /** Bytes handed to the stream so far. */
  get bytesQueued(): number {
    return this.queued;
  }

  /**
   * Bytes the kernel has taken. Node's buffer (`writableLength`) drops only when a
   * whole write request completes, and a request is everything queued while the
   * previous one was in flight (a writev of up to the 64 MiB high-water mark), so
   * queued minus that moves in steps of tens of MiB: a 100 ms bandwidth window could
   * see 4 MiB of a 150 MB one. libuv counts what is left of the requests in flight
   * to the byte (`writeQueueSize`); with the socket's count of bytes handed to it,
   * that gives the kernel's share exactly. Over TLS the request is one plaintext
   * chunk (a 4 MiB frame payload: see writeChunksOneByOne) that completes only
   * once all its records are out, so the coarse count stood still for as long
   * as one was in flight, however much the kernel took meanwhile: a bandwidth
   * sample of a backlogged interval saw a frame header (~60 bytes in 100 ms, 578
   * B/s on loopback), the link estimate kept it through the idle spell after the
   * bulk pass, the threshold (173 bytes) stayed below accel's final state, and
   * precopy waited, with nothing to send, forever. There the count is the
   * ciphertext the kernel took of the underlying TCP handle: exact but for the
   * records' own bytes (22 per record with TLS 1.3: ~0.13% of a 16 KiB record,
   * more of a frame header's). Bounded by
   * the coarse count below and what was queued above, so it can only be more
   * precise; the coarse count alone once the handle is gone (or where the
   * transport has no TCP handle under it).
   */
  get bytesFlushed(): number {
    const coarse = this.queued - this.socket.writableLength;
    if (this.takenBase === null) return coarse;
    const c = this.counts(this.socket);
    if (c === null) return coarse;
    return Math.min(this.queued, Math.max(coarse, c.handedDown - c.inLibuv - this.takenBase));
  }

  /** Bytes written but still in Node's buffer (not yet taken by the kernel). */
  get pendingBytes(): number {
    return this.socket.writableLength;
  }

  /** True once the connection closed or failed: writeFrame would throw. */
  get closed(): boolean {
    return this.closedError !== null;
  }

  get needsDrain(): boolean {
    return this.socket.writableLength > HIGH_WATER_BYTES;
  }

  /**
   * Writes one frame: header, then payload views, in one corked batch. Returns
   * wire bytes. `onFlushed` is called once the kernel has taken the whole frame
   * (not on failure): its payload buffers may then be reused.
   */
  writeFrame(frame: FrameMessage, payload: readonly Buffer[] = [], onFlushed?: () => void): number {
    if (this.closedError) throw this.closedError;
    let payloadLength = 0;
    for (const p of payload) payloadLength += p.length;
    const header = encodeFrameHeader(frame, payloadLength);
    // Everything written in this turn of the event loop leaves in one writev
    // (at the next tick, or earlier on push()).
    this.cork.hold();
    const last = payload.length - 1;
    const done = onFlushed ? (err?: Error | null): void => void (err ? null : onFlushed()) : undefined;
    this.socket.write(header, last < 0 ? done : undefined);
    for (let i = 0; i <= last; i++) this.socket.write(payload[i]!, i === last ? done : undefined);
    const n = header.length + payloadLength;
    this.queued += n;
    return n;
  }

  /**
   * Hands what this turn has queued to the kernel now instead of at the next
   * tick, so it travels while the caller prepares more (stop-and-copy).
   */
  push(): void {
    this.cork.release();
  }

  /** A SectionWriter for one device; section ids are the device's index + 1. */
  sectionWriter(device: Device, sectionId: number): SectionWriter {
    return {
      write: (type: SectionKind, header?: Uint8Array | null, payload?: readonly Buffer[]): number => {
        const named = type === livemig.SectionType.SECTION_START || type === livemig.SectionType.SECTION_FULL;
        // The generic header; the device's own bytes ride in `header`, opaque.
        const section: livemig.Section.$Properties = named
          ? { type, sectionId, deviceId: device.id, deviceType: device.type.name, version: device.version }
          : { type, sectionId };
        if (header && header.length > 0) section.header = header;
        return this.writeFrame({ section }, payload);
      },
    };
  }

  /**
   * Resolves once everything written so far has been handed to the kernel: a
   * zero-length write completes only after every write before it. Rejects if
   * the connection closes or the signal aborts, so a wait can never hang.
   */
  flush(signal: AbortSignal): Promise<void> {
    if (this.closedError) return Promise.reject(this.closedError);
    if (this.socket.writableLength === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: unknown): void => {
        if (settled) return;
        settled = true;
        this.socket.off('close', onClose);
        signal.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const onClose = (): void => settle(this.closedError ?? new ConnectionError('connection to the destination closed'));
      const onAbort = (): void => settle(signal.reason);
      this.socket.on('close', onClose);
      signal.addEventListener('abort', onAbort, { once: true });
      this.socket.write(EMPTY, (err) => settle(err ?? undefined));
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/**
 * Over TLS, a gathered write costs a copy of everything in it: Node's TLS layer
 * (TLSWrap::DoWrite) concatenates a writev's buffers into one fresh allocation
 * before SSL_write, so a corked round of 4 MiB of guest-memory views became a
 * 4 MiB malloc (page faults on fresh pages) plus a memcpy, a third of the
 * source's CPU on a TLS migration. Without `_writev` (the Writable hook net.Socket
 * implements) the stream hands buffered chunks to the socket one by one: each is
 * a single-buffer write, which SSL_write encrypts straight from guest memory. The
 * small frame headers then travel as their own TLS records (a few dozen bytes per
 * 4 MiB frame). Plain TCP keeps writev: the kernel gathers without a copy.
 */
function writeChunksOneByOne(socket: TLSSocket): void {
  (socket as unknown as { _writev: unknown })._writev = null;
}

/**
 * A connection's counts, whose difference is what the kernel has taken so far:
 * bytes handed to libuv, and what libuv still holds of them (updated as each
 * part of a request is written).
 */
interface HandleCounts {
  handedDown: number;
  inLibuv: number;
}

function countsOf(handedDown: unknown, inLibuv: unknown): HandleCounts | null {
  return typeof handedDown === 'number' && typeof inLibuv === 'number' ? { handedDown, inLibuv } : null;
}

/**
 * A TCP socket's counts: `_bytesDispatched` and its handle's `writeQueueSize`,
 * Node internals of `net.Socket` (stable since Node 10); null where either is missing.
 */
function tcpCounts(socket: Socket): HandleCounts | null {
  const s = socket as unknown as { _bytesDispatched?: unknown; _handle?: { writeQueueSize?: unknown } | null };
  return countsOf(s._bytesDispatched, s._handle?.writeQueueSize);
}

/**
 * A TLS socket's counts, of ciphertext: what the TLS layer wrote to the TCP handle
 * it wraps (TLSWrap keeps it as `_parent`; `bytesWritten` is counted by the handle's
 * stream base) and that handle's `writeQueueSize`. Node internals like tcpCounts;
 * null where either is missing.
 */
function tlsCipherCounts(socket: Socket): HandleCounts | null {
  const tcp = (socket as unknown as { _handle?: { _parent?: { bytesWritten?: unknown; writeQueueSize?: unknown } | null } | null })._handle?._parent;
  return countsOf(tcp?.bytesWritten, tcp?.writeQueueSize);
}
