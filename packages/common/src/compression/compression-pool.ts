/**
 * A small pool of worker threads that compress and inflate multifd packets
 * (`multifd-compression`), so the source's event loop spends no time in zlib
 * or zstd, nor the destination's in zlib (QEMU compresses in its multifd send
 * threads the same way; a destination inflates zstd on its own thread, which
 * costs less than the round trip here: multifd-receiver.ts).
 *
 * A packet's bytes go to a worker as a transferred ArrayBuffer, with a second
 * one for the result, and both come back the same way: the only copies are
 * the one that takes the pages out of guest memory on the source (guest RAM is
 * an ordinary Buffer, which a worker cannot see, see ram.ts) and the one that
 * puts them into guest memory on the destination. Every buffer is recycled:
 * the input when the worker is done with it, the output when the caller says
 * (`recycle`, once the result was written or loaded), so a migration touches
 * a few dozen packet buffers, not a fresh one per packet (~130 page faults a
 * 512 KiB packet). Jobs go to the worker with the fewest in flight; each
 * resolves in its own time, and callers keep their own order.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CompressionMethod } from './page-codec';
import { compressedCapacity } from './zstd-codec';

export type { CompressionMethod } from './page-codec';

export type CompressionJob =
  | { id: number; op: 'compress'; method: CompressionMethod; level: number; input: ArrayBuffer; length: number; output: ArrayBuffer }
  | { id: number; op: 'decompress'; method: CompressionMethod; expected: number; input: ArrayBuffer; length: number; output: ArrayBuffer };
/** `returned`: the job's buffers the worker is done with (the input; the offered output when the result is elsewhere). */
export type CompressionReply = ({ id: number; ok: true; output: ArrayBuffer; length: number } | { id: number; ok: false; message: string }) & { returned: ArrayBuffer[] };

/** Every packet buffer the pool makes holds this much: a 512 KiB packet (QEMU's multifd packet size) compressed in the worst case. */
const PACKET_CAPACITY = compressedCapacity(512 * 1024);

/** Spare packet buffers kept for reuse (inputs and outputs of the packets in flight, 8 a channel at most). */
const MAX_SPARE_BUFFERS = 48;

interface Pending {
  resolve(b: Buffer): void;
  reject(e: Error): void;
}

interface PoolWorker {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

export interface CompressionPoolOptions {
  /** Worker threads (default: the cores, at most 4). */
  threads?: number;
  /** The worker script (default: compression-worker.js beside this file). */
  workerFile?: string;
}

export class CompressionPool {
  private readonly workers: PoolWorker[];
  private nextId = 1;
  private closed = false;
  /** A worker failed or exited: the pool must not be parked for another migration. */
  private broken = false;
  /** Packet buffers made here (the only ones ever transferred: a pooled Buffer's slab must never be). */
  private readonly own = new WeakSet<ArrayBuffer>();
  private readonly spare: ArrayBuffer[] = [];

  constructor(opts: CompressionPoolOptions = {}) {
    const threads = Math.max(1, opts.threads ?? Math.min(4, availableParallelism()));
    const file = opts.workerFile ?? join(__dirname, 'compression-worker.js');
    this.workers = Array.from({ length: threads }, () => this.spawn(file));
  }

  get threads(): number {
    return this.workers.length;
  }

  /**
   * A buffer of `length` bytes for a packet, from the spares when one is large
   * enough (contents undefined: the caller fills it). Only such buffers can be
   * given to compress()/decompress(), which take them over.
   */
  packetBuffer(length: number, minCapacity = 0): Buffer {
    return Buffer.from(this.spareBuffer(length, minCapacity), 0, length);
  }

  /** A spare of at least `length` bytes, else a new one (of PACKET_CAPACITY at least, so any spare serves any packet). */
  private spareBuffer(length: number, minCapacity = 0): ArrayBuffer {
    for (let i = this.spare.length - 1; i >= 0; i--) {
      const b = this.spare[i]!;
      if (b.byteLength >= length) {
        // Swap-remove: order among spares does not matter.
        this.spare[i] = this.spare[this.spare.length - 1]!;
        this.spare.pop();
        return b;
      }
    }
    const b = new ArrayBuffer(Math.max(length, minCapacity, PACKET_CAPACITY));
    this.own.add(b);
    return b;
  }

  private keep(b: ArrayBuffer): void {
    // (zlib's smaller result buffers are left to the GC: only full-size ones serve any packet.)
    if (!this.closed && this.spare.length < MAX_SPARE_BUFFERS && b.byteLength >= PACKET_CAPACITY) this.spare.push(b);
  }

  /**
   * Compresses `input`, a packetBuffer() (taken over: the caller must not touch it again).
   * The result may be given back with recycle() once it is no longer needed.
   */
  compress(method: CompressionMethod, level: number, input: Buffer): Promise<Buffer> {
    const output = this.spareBuffer(compressedCapacity(input.length));
    return this.run((id, buffer) => ({ id, op: 'compress', method, level, input: buffer, length: input.length, output }), input, output);
  }

  /** Inflates `input`, a packetBuffer() (taken over), to exactly `expected` bytes (recycle() it after use). */
  decompress(method: CompressionMethod, input: Buffer, expected: number): Promise<Buffer> {
    const output = this.spareBuffer(expected);
    return this.run((id, buffer) => ({ id, op: 'decompress', method, expected, input: buffer, length: input.length, output }), input, output);
  }

  /**
   * A result of compress()/decompress() the caller is done with (written to the
   * kernel, or loaded): its buffer serves a later packet. Anything else is ignored.
   */
  recycle(result: Buffer): void {
    const b = result.buffer;
    if (result.byteOffset !== 0 || !(b instanceof ArrayBuffer) || !this.own.has(b)) return;
    this.keep(b);
  }

  /** Whether it can serve another migration as it is: open, every worker alive, nothing in flight. */
  get reusable(): boolean {
    return !this.closed && !this.broken && this.workers.every((w) => w.pending.size === 0);
  }

  /** Packet buffers kept for reuse (returned by the workers with their replies). */
  get spareBuffers(): number {
    return this.spare.length;
  }

  /** Lets go of the spare packet buffers (up to MAX_SPARE_BUFFERS of them), e.g. before the pool waits idle. */
  dropSpares(): void {
    this.spare.length = 0;
  }

  /** Ends the workers; jobs still in flight reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    for (const w of this.workers) this.failAll(w, new Error('compression pool closed'));
  }

  private run(job: (id: number, buffer: ArrayBuffer) => CompressionJob, input: Buffer, output: ArrayBuffer): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('compression pool closed'));
    const buffer = input.buffer;
    if (input.byteOffset !== 0 || !(buffer instanceof ArrayBuffer) || !this.own.has(buffer) || buffer === output) {
      this.keep(output);
      return Promise.reject(new Error('compression pool: the input is not one of its packet buffers'));
    }
    let best = this.workers[0]!;
    for (const w of this.workers) if (w.pending.size < best.pending.size) best = w;
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      best.pending.set(id, { resolve, reject });
      best.worker.postMessage(job(id, buffer), [buffer, output]);
    });
  }

  private spawn(file: string): PoolWorker {
    const w: PoolWorker = { worker: new Worker(file), pending: new Map() };
    // The pool never keeps a daemon alive on its own.
    w.worker.unref();
    w.worker.on('message', (reply: CompressionReply) => {
      for (const b of reply.returned) {
        this.own.add(b);
        this.keep(b);
      }
      const p = w.pending.get(reply.id);
      if (!p) return;
      w.pending.delete(reply.id);
      if (reply.ok) {
        // zlib's own result buffers are the pool's from now on too (recycle() keeps them).
        this.own.add(reply.output);
        p.resolve(Buffer.from(reply.output, 0, reply.length));
      }
      else p.reject(new Error(reply.message));
    });
    w.worker.on('error', (err) => this.failAll(w, err));
    w.worker.on('exit', (code) => this.failAll(w, new Error(`compression worker exited (code ${code})`)));
    return w;
  }

  private failAll(w: PoolWorker, err: Error): void {
    this.broken = true;
    for (const p of w.pending.values()) p.reject(err);
    w.pending.clear();
  }
}

/**
 * One pool of started workers kept between migrations by a daemon configured for
 * multifd-compression. A worker thread takes ~50–300 ms to start on this kind of
 * machine (a V8 isolate, then the codec binding), and that time counted in the
 * migration's setup-time: 5–10 % of a 256 MiB zstd migration over 1 Gbit/s. So a
 * daemon started with compression on warms a pool (warmCompressionPool), a
 * migration takes it (takeCompressionPool) and parks it again when it ends
 * (parkCompressionPool). The workers are unref'd: a parked pool keeps no process alive.
 */
let parked: CompressionPool | null = null;

/** A pool of `threads` workers: the parked one when it fits, else a new one (`workerFile` as in CompressionPoolOptions). */
export function takeCompressionPool(threads: number, workerFile?: string): CompressionPool {
  const p = parked;
  parked = null;
  if (p && p.threads === threads && p.reusable) return p;
  void p?.close();
  return new CompressionPool({ threads, ...(workerFile ? { workerFile } : {}) });
}

/** A migration is done with `pool`: keep it for the next one if it is healthy and idle, else close it. */
export function parkCompressionPool(pool: CompressionPool): void {
  if (pool === parked) return;
  if (!pool.reusable) {
    void pool.close();
    return;
  }
  void parked?.close();
  // An idle daemon keeps the threads, not megabytes of packet buffers.
  pool.dropSpares();
  parked = pool;
}

/** Starts a pool of `threads` workers ahead of the first migration (no-op when one is parked). */
export function warmCompressionPool(threads: number, workerFile?: string): void {
  if (parked?.reusable && parked.threads === threads) return;
  parkCompressionPool(new CompressionPool({ threads, ...(workerFile ? { workerFile } : {}) }));
}

/** Workers a migration with `channels` multifd channels uses (one per channel, at most one per core). */
export function compressionThreads(channels: number): number {
  return Math.max(1, Math.min(channels, availableParallelism()));
}
