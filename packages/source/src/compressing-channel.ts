/**
 * One multifd channel's output with `multifd-compression` (QEMU's multifd send
 * thread with its compression method): each page packet is copied out of
 * guest memory into a packet buffer (a worker cannot see guest RAM; the copy
 * also pins the bytes the machine may overwrite next), compressed by the
 * worker pool, and written with the section's `compressed` and `raw_length` set. Frames leave in the
 * order they were queued, each once its compression is done, so the sync
 * marker that follows a round's packets is never written before them. Zero
 * runs never reach a worker: a packet without normal pages goes out as it is.
 */
import type { CompressionMethod, CompressionPool, FrameMessage } from '@livemig/common/wire';
import type { MigrationStream } from './migration-stream';

/** A compressed packet carries at most this many page bytes (QEMU's multifd packet size). */
export const MULTIFD_PACKET_BYTES = 512 * 1024;

interface Entry {
  frame: FrameMessage | null;
  payload: Buffer[];
  /** Uncompressed page bytes while the packet is in a worker; 0 once ready. */
  rawBytes: number;
  /** The pool's result buffer, given back once written. */
  compressed?: Buffer;
  /** Called with the wire bytes once written (the page packet's byte count is corrected then). */
  onWritten: ((wireBytes: number) => void) | null;
}

export interface CompressionTotals {
  /** Page packets compressed. */
  packets: number;
  /** Their normal pages' bytes before compression, and after. */
  rawBytes: number;
  compressedBytes: number;
  /** Bytes compression kept off the wire, per device (query-migrate shows wire bytes). */
  savedByDevice: Map<string, number>;
}

export class CompressingChannel {
  private readonly queue: Entry[] = [];
  private pending = 0;
  private idleWaiters: Array<{ resolve(): void; reject(err: Error): void }> = [];
  private failed: Error | null = null;

  constructor(
    private readonly stream: MigrationStream,
    private readonly pool: CompressionPool,
    private readonly method: CompressionMethod,
    private readonly level: number,
    private readonly totals: CompressionTotals,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Uncompressed bytes waiting in a worker for this channel. */
  get pendingBytes(): number {
    return this.pending;
  }

  /**
   * Queues a page packet: `views` (guest memory) are copied now and compressed
   * in a worker. Returns the bytes it stands for until then (the uncompressed
   * size); `onWritten` learns the real wire size.
   */
  writePages(frame: FrameMessage, views: readonly Buffer[], onWritten: (wireBytes: number) => void): number {
    let raw = 0;
    for (const v of views) raw += v.length;
    if (raw === 0) return this.writeFrame(frame, onWritten);
    const packet = this.pool.packetBuffer(raw, MULTIFD_PACKET_BYTES);
    let at = 0;
    for (const v of views) at += v.copy(packet, at);
    // (The caller gives the packet run arrays of its own: the scanner's are reused for its next batch.)
    const section = frame.section!;
    const entry: Entry = { frame: { section: { ...section, compressed: true, rawLength: raw } }, payload: [], rawBytes: raw, onWritten };
    this.queue.push(entry);
    this.pending += raw;
    this.pool.compress(this.method, this.level, packet).then(
      (out) => {
        this.pending -= entry.rawBytes;
        this.totals.packets++;
        this.totals.rawBytes += entry.rawBytes;
        this.totals.compressedBytes += out.length;
        entry.rawBytes = 0;
        entry.payload = [out];
        entry.compressed = out;
        this.drain();
      },
      (err: unknown) => this.fail(err instanceof Error ? err : new Error(String(err))),
    );
    return raw;
  }

  /**
   * A frame without pages to compress (a sync marker, a zero-only packet): after
   * everything queued before it. Returns its wire bytes if it went at once, else 0
   * and `onWritten` learns them when it goes.
   */
  writeFrame(frame: FrameMessage, onWritten: ((wireBytes: number) => void) | null = null): number {
    if (this.queue.length === 0) return this.stream.writeFrame(frame);
    this.queue.push({ frame, payload: [], rawBytes: 0, onWritten });
    return 0;
  }

  /** Resolves once every queued frame has been handed to the stream. */
  idle(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.idleWaiters.push({ resolve, reject }));
  }

  /** The migration ended: nothing more is written (late results are dropped). */
  close(): void {
    this.failed ??= new Error('multifd channel closed');
    this.queue.length = 0;
    this.pending = 0;
    this.wakeIdle();
  }

  private drain(): void {
    if (this.failed) return;
    let wrote = false;
    try {
      while (this.queue.length > 0 && this.queue[0]!.rawBytes === 0) {
        const e = this.queue.shift()!;
        // A compressed packet's buffer serves another packet once the kernel has it.
        const out = e.compressed;
        const n = this.stream.writeFrame(e.frame!, e.payload, out ? () => this.pool.recycle(out) : undefined);
        e.onWritten?.(n);
        wrote = true;
      }
    } catch (err) {
      return this.fail(err instanceof Error ? err : new Error(String(err)));
    }
    // Results arrive outside the migration loop's rounds: hand them to the kernel now.
    if (wrote) this.stream.push();
    if (this.queue.length === 0) this.wakeIdle();
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = err;
    this.queue.length = 0;
    this.pending = 0;
    this.wakeIdle();
    this.onError(err);
  }

  private wakeIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) {
      if (this.failed) f.reject(this.failed);
      else f.resolve();
    }
  }
}
