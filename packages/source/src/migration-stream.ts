/**
 * The forward half of the migration connection (QEMU's QEMUFile for writing):
 * frames go to the socket corked, so a header and its payload views leave in
 * one writev; it counts bytes, honours backpressure and gives each device a
 * SectionWriter that fills in section ids and device identity.
 */
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { ConnectionError } from '@livemig/common/errors';
import { encodeFrameHeader, type FrameMessage, livemig } from '@livemig/common/wire';
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
   * The socket's own count of bytes the kernel has taken when this stream began
   * (see bytesFlushed), or null where it cannot be read (TLS: its counters are
   * of plaintext before encryption).
   */
  private readonly takenBase: number | null;
  /** The socket is corked by writeFrame until the next tick (or push()). */
  private corked = false;
  private readonly uncorkOnTick = (): void => this.push();

  constructor(socket: Socket) {
    this.socket = socket;
    // Bytes written before this stream existed and not taken yet are not this stream's.
    const taken = socket instanceof TLSSocket ? null : socketBytesTaken(socket);
    this.takenBase = taken === null ? null : taken + socket.writableLength;
    if (socket instanceof TLSSocket) writeChunksOneByOne(socket);
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
   * that gives the kernel's share exactly. Bounded by the coarse count below and
   * what was queued above, so it can only be more precise; the coarse count alone
   * over TLS or once the handle is gone.
   */
  get bytesFlushed(): number {
    const coarse = this.queued - this.socket.writableLength;
    if (this.takenBase === null) return coarse;
    const taken = socketBytesTaken(this.socket);
    if (taken === null) return coarse;
    return Math.min(this.queued, Math.max(coarse, taken - this.takenBase));
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
    if (!this.corked) {
      // Everything written in this turn of the event loop leaves in one writev
      // (at the next tick, or earlier on push()).
      this.socket.cork();
      this.corked = true;
      process.nextTick(this.uncorkOnTick);
    }
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
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
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
 * Bytes of this socket the kernel has taken so far: bytes handed to libuv
 * (`_bytesDispatched`) less what libuv still holds of them (`writeQueueSize`,
 * updated as each part of a request is written). Both are Node internals of
 * `net.Socket` (stable since Node 10); null where either is missing.
 */
function socketBytesTaken(socket: Socket): number | null {
  const s = socket as unknown as { _bytesDispatched?: unknown; _handle?: { writeQueueSize?: unknown } | null };
  const dispatched = s._bytesDispatched;
  const inLibuv = s._handle?.writeQueueSize;
  return typeof dispatched === 'number' && typeof inLibuv === 'number' ? dispatched - inLibuv : null;
}
