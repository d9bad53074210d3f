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
 *
 * Payload sinks (the bulk path): when a header is decoded, `payloadSink` may
 * name the memory regions its payload belongs in (e.g. the guest pages of a RAM
 * frame). The payload then never waits in the decoder: bytes that arrive with
 * pushed chunks are copied into the regions at once, and between frames'
 * headers the reader can ask for `directTarget()` — the part of a region still
 * to fill — read from the socket straight into it and report it with
 * `pushDirect(n)`, so page data goes from the kernel into guest memory with no
 * copy in between. Such frames come back with `inPlace: true` and no payload.
 *
 * `pushEach` hands each frame to a callback as soon as it is complete, before
 * the next header is looked at, so a sink decision for frame k+1 sees the
 * effects of frame k.
 *
 *   prefix ──▶ header ──┬──▶ payload (buffered slices) ──┐
 *      ▲                └──▶ sink (into regions) ────────┤
 *      └─────────────────────────────────────────────────┘
 */
import { FRAME_PREFIX_BYTES } from '../constants';
import { FrameTooLargeError, ProtocolError } from '../errors';

export interface DecodedFrame<T> {
  readonly message: T;
  /** Raw payload bytes, as slices of the received chunks (empty when `inPlace`). */
  readonly payload: Buffer[];
  readonly payloadLength: number;
  /** The payload was written into the regions the payload sink named. */
  readonly inPlace: boolean;
  /** Bytes this frame occupied on the wire. */
  readonly wireBytes: number;
}

export interface FrameDecoderOptions<T> {
  /** Decodes a complete header; may throw (the decoder reports it as a protocol error). */
  decodeHeader(bytes: Buffer): T;
  /** The payload length the header states (0 for messages without payload). */
  payloadLengthOf(message: T): number;
  /**
   * Optional: the regions (in payload order, total length = payloadLength) the
   * frame's payload should be written to, or null to receive it as slices.
   * Called once per frame with a payload, after the frames before it were
   * handled (with pushEach). It must validate everything it relies on: the bytes
   * land in the regions before the frame is complete.
   */
  payloadSink?(message: T, payloadLength: number): Buffer[] | null;
  maxHeaderBytes: number;
  maxPayloadBytes: number;
  /** Names the stream in errors ("migration stream", "return path"). */
  what: string;
}

/** Chunks smaller than this are copied into the tail buffer instead of being kept as they are. */
const SMALL_CHUNK_BYTES = 4096;
const TAIL_BYTES = 64 * 1024;

type State<T> =
  | { kind: 'prefix' }
  | { kind: 'header'; length: number }
  | { kind: 'payload'; message: T; length: number; headerBytes: number }
  | { kind: 'sink'; message: T; length: number; headerBytes: number; regions: Buffer[]; index: number; offset: number; left: number };

export class FrameDecoder<T> {
  private readonly opts: FrameDecoderOptions<T>;
  private chunks: Buffer[] = [];
  private tail: Buffer | null = null;
  private tailUsed = 0;
  private buffered = 0;
  private state: State<T> = { kind: 'prefix' };
  private paused = false;

  constructor(opts: FrameDecoderOptions<T>) {
    this.opts = opts;
  }

  /** Bytes received but not yet part of a returned frame (and still referenced by the decoder). */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** True between frames: nothing partial is buffered. */
  get atFrameBoundary(): boolean {
    return this.state.kind === 'prefix' && this.buffered === 0;
  }

  /**
   * Hands out no more frames until resume() (called from a frame callback: a
   * multifd sync point). Pushed bytes are kept meanwhile; the caller should
   * stop reading from its socket while paused.
   */
  pause(): void {
    this.paused = true;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Hands out the frames buffered while paused (until the next pause). */
  resume(onFrame: (frame: DecodedFrame<T>) => void): void {
    this.paused = false;
    this.drain(onFrame);
  }

  /** Decodes what `chunk` completes and returns the whole frames. */
  push(chunk: Buffer): DecodedFrame<T>[] {
    const out: DecodedFrame<T>[] = [];
    this.pushEach(chunk, (f) => out.push(f));
    return out;
  }

  /** Like push(), but hands each frame to `onFrame` as soon as it is complete. */
  pushEach(chunk: Buffer, onFrame: (frame: DecodedFrame<T>) => void): void {
    if (chunk.length > 0) {
      this.append(chunk);
      this.buffered += chunk.length;
    }
    this.drain(onFrame);
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

  /**
   * Where the next received bytes can go directly: the unfilled part of the
   * current payload region, when a sink is active, nothing is buffered and at
   * least `minBytes` of the region are left (a read per small region — say,
   * scattered 4 KiB pages — costs more than reading them in bulk and copying).
   */
  directTarget(minBytes = 1): Buffer | null {
    const s = this.state;
    if (s.kind !== 'sink' || this.buffered > 0 || this.paused) return null;
    const region = s.regions[s.index]!;
    return region.length - s.offset >= minBytes ? region.subarray(s.offset) : null;
  }

  /** `n` bytes were written into the buffer directTarget() returned; completes frames like pushEach. */
  pushDirect(n: number, onFrame: (frame: DecodedFrame<T>) => void): void {
    const s = this.state;
    if (s.kind !== 'sink' || this.buffered > 0) throw new ProtocolError(`${this.opts.what}: direct bytes without a payload sink`);
    const region = s.regions[s.index]!;
    if (n > region.length - s.offset) throw new RangeError(`direct read of ${n} bytes overruns the payload region`);
    this.advanceSink(s, n);
    this.drain(onFrame);
  }

  private drain(onFrame: (frame: DecodedFrame<T>) => void): void {
    for (;;) {
      if (this.paused) return;
      const state = this.state;
      switch (state.kind) {
        case 'prefix': {
          if (this.buffered < FRAME_PREFIX_BYTES) return;
          const length = this.take(FRAME_PREFIX_BYTES).readUInt32BE(0);
          if (length === 0) throw new ProtocolError(`${this.opts.what}: empty frame header`);
          if (length > this.opts.maxHeaderBytes) throw new FrameTooLargeError(`${this.opts.what}: frame header`, length, this.opts.maxHeaderBytes);
          this.state = { kind: 'header', length };
          break;
        }
        case 'header': {
          if (this.buffered < state.length) return;
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
          const regions = payloadLength > 0 && this.opts.payloadSink ? this.opts.payloadSink(message, payloadLength) : null;
          if (regions) {
            let total = 0;
            for (const r of regions) total += r.length;
            if (total !== payloadLength || regions.some((r) => r.length === 0)) throw new RangeError(`payload sink regions cover ${total} of ${payloadLength} bytes`);
            this.state = { kind: 'sink', message, length: payloadLength, headerBytes: state.length, regions, index: 0, offset: 0, left: payloadLength };
          } else {
            this.state = { kind: 'payload', message, length: payloadLength, headerBytes: state.length };
          }
          break;
        }
        case 'payload': {
          if (this.buffered < state.length) return;
          const payload = this.takeSlices(state.length);
          this.state = { kind: 'prefix' };
          onFrame({ message: state.message, payload, payloadLength: state.length, inPlace: false, wireBytes: FRAME_PREFIX_BYTES + state.headerBytes + state.length });
          break;
        }
        case 'sink': {
          // Copy what was pushed into the regions (no retention).
          while (state.left > 0 && this.buffered > 0) {
            const c = this.chunks[0]!;
            const region = state.regions[state.index]!;
            const k = Math.min(c.length, region.length - state.offset);
            c.copy(region, state.offset, 0, k);
            this.consume(k);
            this.advanceSink(state, k);
          }
          if (state.left > 0) return;
          this.state = { kind: 'prefix' };
          onFrame({ message: state.message, payload: [], payloadLength: state.length, inPlace: true, wireBytes: FRAME_PREFIX_BYTES + state.headerBytes + state.length });
          break;
        }
      }
    }
  }

  private advanceSink(s: Extract<State<T>, { kind: 'sink' }>, n: number): void {
    s.offset += n;
    s.left -= n;
    if (s.offset === s.regions[s.index]!.length && s.left > 0) {
      s.index++;
      s.offset = 0;
    }
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
