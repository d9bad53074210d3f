/**
 * Receiving a bulk stream at the speed of the kernel copy.
 *
 * Node's default read path allocates a fresh 64 KiB buffer for every read:
 * on a migration stream that is ~16 000 allocations per GiB, and the memory
 * behind them is new to the process often enough that page faults cost more
 * than the copy itself (measured on loopback: 0.40–0.60 s of receiver CPU per
 * GiB, against 0.19 s with reused buffers; see docs/PERFORMANCE.md). Node has
 * a documented way to read into buffers of our choice, `onread` (net.Socket
 * option): the kernel copies into a buffer we own and we reuse it.
 *
 * The frame decoder hands payloads on as slices of the received chunks
 * (zero-copy) and keeps the last `retainedBytes()` bytes of the stream while
 * a frame is incomplete. So a receive buffer may be reused only once every
 * byte in it is older than that retained tail. The pool below keeps a few
 * buffers of RECEIVE_BUFFER_BYTES, fills each from its start, reads on into
 * the unused rest of the current one, and only allocates when every buffer
 * still holds retained bytes (bounded by the decoder's maximum frame size).
 *
 * Contract for the consumer: a chunk passed to `onChunk` is valid until the
 * consumer returns, except its last `retainedBytes()` bytes, which stay valid
 * until the consumer no longer retains them. Anything kept longer must be copied.
 * A consumer that knows where the next bytes belong (a frame decoder with a
 * payload sink) offers `directTarget()`: the next read goes straight there.
 *
 * `onread` is a constructor option, so a socket accepted by a net.Server
 * cannot get it directly: `adoptForPooledReads` moves the accepted socket's
 * handle into a new net.Socket that has it (the old object is destroyed without
 * closing the handle, so the server's connection count stays right). This
 * relies on `socket._handle`, long-standing but undocumented; when it is not
 * there (or the socket is not plain TCP, e.g. TLS), the ordinary 'data' path
 * is used instead and nothing else changes.
 */
import { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { RECEIVE_BUFFER_BYTES } from '../constants';

/** Where received bytes go. */
export interface ChunkConsumer {
  onChunk(chunk: Buffer): void;
  /** Bytes at the tail of what was received that the consumer still references. */
  retainedBytes(): number;
  /**
   * Optional: a buffer the next bytes should be read straight into (a payload's
   * place in guest memory), or null. Bytes read there are reported by onDirect.
   */
  directTarget?(): Buffer | null;
  onDirect?(n: number): void;
  /** Optional: most bytes the next read into a pool buffer should take (small when a header is due). */
  readLimit?(): number;
}

/** A connection whose received bytes go to one consumer. */
export interface ChunkInput {
  readonly socket: Socket;
  /** True when reads go through the buffer pool. */
  readonly pooled: boolean;
  /** Starts delivering received bytes (once). */
  start(consumer: ChunkConsumer): void;
  /** Stops reading from the socket (nothing is delivered until resume()). */
  pause(): void;
  resume(): void;
}

/** Don't continue reading into the rest of a buffer when less than this is left. */
const MIN_TAIL_BYTES = 64 * 1024;

interface PoolEntry {
  readonly buf: Buffer;
  /** Bytes of buf in use (from its start). */
  used: number;
  /** Stream offset just past the last byte read into buf. */
  end: number;
}

/** Chooses receive buffers so that no byte the consumer retains is overwritten. Pure bookkeeping. */
export class ReceiveBufferPool {
  private readonly entries: PoolEntry[] = [];
  private current: PoolEntry;
  private received = 0;
  private readonly bufferBytes: number;

  constructor(bufferBytes = RECEIVE_BUFFER_BYTES) {
    this.bufferBytes = bufferBytes;
    this.current = this.allocate();
  }

  /** Number of buffers allocated so far (for tests and figures). */
  get size(): number {
    return this.entries.length;
  }

  /** The buffer the next read goes into. */
  next(retainedBytes: number): Buffer {
    const cur = this.current;
    if (cur.buf.length - cur.used >= MIN_TAIL_BYTES) return cur.buf.subarray(cur.used);
    const oldestKept = this.received - retainedBytes;
    let free: PoolEntry | undefined;
    for (const e of this.entries) {
      if (e !== cur && e.end <= oldestKept) {
        free = e;
        break;
      }
    }
    // The current buffer is reusable too when nothing in it is retained.
    if (!free && cur.end <= oldestKept) free = cur;
    const e = free ?? this.allocate();
    e.used = 0;
    this.current = e;
    return e.buf;
  }

  /** Records that `n` bytes were read into `target` (the buffer `next()` returned); returns them. */
  filled(target: Buffer, n: number): Buffer {
    const cur = this.current;
    const chunk = target.subarray(0, n);
    cur.used += n;
    this.received += n;
    cur.end = this.received;
    return chunk;
  }

  private allocate(): PoolEntry {
    const e: PoolEntry = { buf: Buffer.allocUnsafeSlow(this.bufferBytes), used: 0, end: 0 };
    this.entries.push(e);
    return e;
  }
}

/** The ordinary path: 'data' events with buffers Node allocates (never reused, nothing to track). */
function dataEventInput(socket: Socket): ChunkInput {
  let started = false;
  return {
    socket,
    pooled: false,
    start(consumer: ChunkConsumer): void {
      if (started) return;
      started = true;
      socket.on('data', (chunk: Buffer) => consumer.onChunk(chunk));
    },
    pause: () => void socket.pause(),
    resume: () => void socket.resume(),
  };
}

/**
 * Takes over an accepted (or connected) TCP socket so that its reads go into
 * reused buffers. Returns the socket to use from now on (`input.socket`). Reads
 * start when `start()` is called.
 */
export function adoptForPooledReads(socket: Socket, bufferBytes = RECEIVE_BUFFER_BYTES): ChunkInput {
  const handle = (socket as unknown as { _handle?: unknown })._handle;
  const adoptable =
    !(socket instanceof TLSSocket) && handle !== null && typeof handle === 'object' && typeof (handle as { readStart?: unknown }).readStart === 'function' && socket.readableLength === 0;
  if (!adoptable) return dataEventInput(socket);

  const pool = new ReceiveBufferPool(bufferBytes);
  let consumer: ChunkConsumer | null = null;
  let direct = false;
  const nextBuffer = (): Buffer => {
    const target = consumer?.directTarget?.() ?? null;
    if (target && target.length > 0) {
      direct = true;
      return target;
    }
    direct = false;
    const buf = pool.next(consumer ? consumer.retainedBytes() : 0);
    const limit = consumer?.readLimit?.() ?? buf.length;
    return limit < buf.length ? buf.subarray(0, Math.max(limit, 1)) : buf;
  };
  // Detach the handle from the accepted socket, then destroy that object: with no
  // handle, destroy() only updates the server's bookkeeping and emits 'close' on it.
  (socket as unknown as { _handle: unknown })._handle = null;
  socket.destroy();
  const adopted = new Socket({
    handle: handle as never,
    // The server's choice (a half-closed peer may still be written to) carries over.
    allowHalfOpen: socket.allowHalfOpen,
    readable: true,
    writable: true,
    pauseOnCreate: true,
    onread: {
      buffer: nextBuffer,
      callback: (n: number, buf: Uint8Array) => {
        if (direct) consumer?.onDirect?.(n);
        else consumer?.onChunk(pool.filled(buf as Buffer, n));
        return true;
      },
    },
  } as ConstructorParameters<typeof Socket>[0]);
  adopted.setNoDelay(true);
  let started = false;
  return {
    socket: adopted,
    pooled: true,
    start(c: ChunkConsumer): void {
      if (started) return;
      started = true;
      consumer = c;
      adopted.resume();
    },
    // net.Socket stops and restarts reads on the handle for `onread` sockets too.
    pause: () => void adopted.pause(),
    resume: () => void adopted.resume(),
  };
}
