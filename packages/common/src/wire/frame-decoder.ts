/**
 * Incremental, pure frame decoder: feed it socket chunks of any size, get whole
 * frames back. No I/O, timers or logging. Lengths are checked against the limits
 * as soon as they are read, before anything is buffered for them. Complete
 * headers are cut first and decoded second, so a protobuf error always means a
 * malformed header, never "need more bytes". Payloads are returned as slices of
 * the pushed chunks (zero-copy); a payload split across chunks is a list of slices.
 * Tiny chunks (a peer trickling bytes) are copied together into shared 64 KiB
 * tail buffers, so memory stays proportional to the bytes buffered, not to the
 * number of chunks, and no list grows long enough to make shifting it costly.
 */
import { FRAME_PREFIX_BYTES } from '../constants';
import { FrameTooLargeError, ProtocolError } from '../errors';

export interface DecodedFrame<T> {
  readonly message: T;
  /** Raw payload bytes, as slices of the received chunks. */
  readonly payload: Buffer[];
  readonly payloadLength: number;
  /** Bytes this frame occupied on the wire. */
  readonly wireBytes: number;
}

export interface FrameDecoderOptions<T> {
  /** Decodes a complete header; may throw (the decoder reports it as a protocol error). */
  decodeHeader(bytes: Buffer): T;
  /** The payload length the header states (0 for messages without payload). */
  payloadLengthOf(message: T): number;
  maxHeaderBytes: number;
  maxPayloadBytes: number;
  /** Names the stream in errors ("migration stream", "return path"). */
  what: string;
}

/** Chunks smaller than this are copied into the tail buffer instead of being kept as they are. */
const SMALL_CHUNK_BYTES = 4096;
const TAIL_BYTES = 64 * 1024;

type State = { kind: 'prefix' } | { kind: 'header'; length: number } | { kind: 'payload'; message: T0; length: number; headerBytes: number };
type T0 = unknown;

export class FrameDecoder<T> {
  private readonly opts: FrameDecoderOptions<T>;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private state: State = { kind: 'prefix' };
  private tail: Buffer | null = null;
  private tailUsed = 0;

  constructor(opts: FrameDecoderOptions<T>) {
    this.opts = opts;
  }

  /** Bytes received but not yet part of a returned frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** True between frames: nothing partial is buffered. */
  get atFrameBoundary(): boolean {
    return this.state.kind === 'prefix' && this.buffered === 0;
  }

  push(chunk: Buffer): DecodedFrame<T>[] {
    if (chunk.length > 0) {
      this.append(chunk);
      this.buffered += chunk.length;
    }
    const out: DecodedFrame<T>[] = [];
    for (;;) {
      const state = this.state;
      if (state.kind === 'prefix') {
        if (this.buffered < FRAME_PREFIX_BYTES) return out;
        const length = this.take(FRAME_PREFIX_BYTES).readUInt32BE(0);
        if (length === 0) throw new ProtocolError(`${this.opts.what}: empty frame header`);
        if (length > this.opts.maxHeaderBytes) throw new FrameTooLargeError(`${this.opts.what}: frame header`, length, this.opts.maxHeaderBytes);
        this.state = { kind: 'header', length };
      } else if (state.kind === 'header') {
        if (this.buffered < state.length) return out;
        const bytes = this.take(state.length);
        let message: T;
        try {
          message = this.opts.decodeHeader(bytes);
        } catch (err) {
          throw new ProtocolError(`${this.opts.what}: malformed frame header (${err instanceof Error ? err.message : String(err)})`);
        }
        const payloadLength = this.opts.payloadLengthOf(message);
        if (payloadLength > this.opts.maxPayloadBytes) {
          throw new FrameTooLargeError(`${this.opts.what}: frame payload`, payloadLength, this.opts.maxPayloadBytes);
        }
        this.state = { kind: 'payload', message, length: payloadLength, headerBytes: state.length };
      } else {
        if (this.buffered < state.length) return out;
        const payload = this.takeSlices(state.length);
        out.push({
          message: state.message as T,
          payload,
          payloadLength: state.length,
          wireBytes: FRAME_PREFIX_BYTES + state.headerBytes + state.length,
        });
        this.state = { kind: 'prefix' };
      }
    }
  }

  private append(chunk: Buffer): void {
    if (chunk.length >= SMALL_CHUNK_BYTES) {
      this.chunks.push(chunk);
      this.tail = null;
      return;
    }
    const tail = this.tail;
    const lastIndex = this.chunks.length - 1;
    const last = this.chunks[lastIndex];
    // Extend the last chunk when it is the view that ends where the tail's free space starts.
    if (tail && last && last.buffer === tail.buffer && last.byteOffset + last.length === tail.byteOffset + this.tailUsed && this.tailUsed + chunk.length <= tail.length) {
      chunk.copy(tail, this.tailUsed);
      this.tailUsed += chunk.length;
      this.chunks[lastIndex] = tail.subarray(last.byteOffset - tail.byteOffset, this.tailUsed);
      return;
    }
    const fresh = Buffer.allocUnsafeSlow(TAIL_BYTES);
    chunk.copy(fresh, 0);
    this.tail = fresh;
    this.tailUsed = chunk.length;
    this.chunks.push(fresh.subarray(0, chunk.length));
  }

  /** Contiguous copy of the next n bytes (only used for prefixes and headers). */
  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      this.consume(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n - filled);
      c.copy(out, filled, 0, k);
      filled += k;
      this.consume(k);
    }
    return out;
  }

  /** The next n bytes as slices of the received chunks, without copying. */
  private takeSlices(n: number): Buffer[] {
    const out: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, left);
      out.push(c.subarray(0, k));
      left -= k;
      this.consume(k);
    }
    return out;
  }

  private consume(n: number): void {
    const first = this.chunks[0]!;
    if (n === first.length) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
  }
}
