/**
 * Reads one incoming connection into the frame decoder — first for its
 * handshake (handshake.ts), then, handed over, for the migration's main
 * channel or a multifd channel:
 * chunks from the socket's 'data' events or from pooled reads
 * (wire/pooled-reader.ts), payloads read straight into the place the
 * decoder's payload sink names, a small read after an in-place payload (so
 * the payload after the next header can go in place too), and the pause while
 * a multifd sync waits for the other channels. Every complete frame goes to
 * the current owner synchronously, from one callback made
 * once: nothing is allocated per frame here.
 */
import type { Socket } from 'node:net';
import { toMigError, type MigError } from '@livemig/common/errors';
import {
  MIN_DIRECT_READ_BYTES,
  createStreamDecoder,
  type ChunkInput,
  type DecodedFrame,
  type DecodedFrameMessage,
} from '@livemig/common/wire';

/** Read size when a header is due after an in-place payload: the payload after it can then go straight into place. */
const HEADER_READ_BYTES = 16 * 1024;

export interface ReaderOwner {
  /** Completed or failed: whatever still arrives is dropped. */
  finished(): boolean;
  /** The decoder's payload sink: where a frame's payload goes in place, or null. */
  payloadTargets(msg: DecodedFrameMessage, length: number): Buffer[] | null;
  handleFrame(frame: DecodedFrame<DecodedFrameMessage>): void;
  /** `n` bytes arrived (before the frames they complete are handled). */
  arrived(n: number): void;
  /** The frames `n` bytes completed were handled. */
  loaded(n: number): void;
  fail(err: MigError): void;
  /** Optional: most bytes one read may take (a handshake reads small, so a refused peer touches little memory). */
  readLimit?(): number;
}

export class StreamReader {
  private readonly socket: Socket;
  private readonly input: ChunkInput | null;
  /** Who the frames go to: the handshake first, then (handOver) the migration or multifd channel it became. */
  private owner: ReaderOwner;
  private readonly decoder = createStreamDecoder({ payloadSink: (msg, length) => this.owner.payloadTargets(msg, length) });
  private readonly onFrame = (frame: DecodedFrame<DecodedFrameMessage>): void => {
    this.lastFrameInPlace = frame.inPlace;
    this.owner.handleFrame(frame);
  };
  private lastFrameInPlace = false;
  /** After failure: bytes still read (and dropped), and how many may be before reading stops. */
  private drained = 0;
  private drainLimit = Number.POSITIVE_INFINITY;
  /** holdReading(): the owner asked for no reads, whatever the sync points say. */
  private readHeld = false;

  constructor(socket: Socket, input: ChunkInput | null, owner: ReaderOwner) {
    this.socket = socket;
    this.input = input;
    this.owner = owner;
  }

  /**
   * The connection changes hands (handshake → migration or multifd channel):
   * every later frame, even one already received in the same chunk, goes to
   * `owner`. Called from inside a frame callback, synchronously.
   */
  handOver(owner: ReaderOwner): void {
    this.owner = owner;
  }

  /** Bytes received but not yet loaded (a partial frame): bounded by the maximum frame size. */
  get pendingBytes(): number {
    return this.decoder.pendingBytes;
  }

  get atFrameBoundary(): boolean {
    return this.decoder.atFrameBoundary;
  }

  start(): void {
    if (this.input) {
      this.input.start({
        onChunk: (chunk) => this.onData(chunk),
        retainedBytes: () => this.decoder.pendingBytes,
        directTarget: () => (this.owner.finished() ? null : this.decoder.directTarget(MIN_DIRECT_READ_BYTES)),
        onDirect: (n) => this.onDirect(n),
        readLimit: () => Math.min(this.owner.readLimit?.() ?? Number.POSITIVE_INFINITY, this.lastFrameInPlace && this.decoder.atFrameBoundary ? HEADER_READ_BYTES : Number.POSITIVE_INFINITY),
      });
    } else this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  /** A multifd sync point on the main channel (from a frame callback): no more frames, no more reads, until resumeAfterSync(). */
  pauseForSync(): void {
    this.decoder.pause();
    this.pauseReading(true);
  }

  /**
   * Stops reading the socket while `held` (frames already read still decode):
   * an owner whose loads run behind (multifd packets inflating in workers).
   */
  holdReading(held: boolean): void {
    this.readHeld = held;
    if (held) this.pauseReading(true);
    else if (!this.decoder.isPaused && !this.owner.finished()) this.pauseReading(false);
  }

  /** Every channel reached the main channel's sync point: go on with the main channel. */
  resumeAfterSync(): void {
    if (this.owner.finished()) return;
    try {
      this.decoder.resume(this.onFrame);
      if (!this.decoder.isPaused && !this.readHeld) this.pauseReading(false);
    } catch (err) {
      this.owner.fail(toMigError(err, 'MIG_ERR_PROTOCOL'));
    }
  }

  /**
   * On failure: keep reading (and dropping) what the source still sends, even
   * if a multifd sync had paused the input, so closing does not answer with a
   * reset — up to `limitBytes`, then reading stops (a hostile peer that keeps
   * sending costs kernel buffer, not ours).
   */
  drain(limitBytes = Number.POSITIVE_INFINITY): void {
    this.drainLimit = limitBytes;
    if (this.input) this.input.resume();
  }

  private dropped(n: number): void {
    this.drained += n;
    if (this.drained > this.drainLimit) this.pauseReading(true);
  }

  private onData(chunk: Buffer): void {
    if (this.owner.finished()) return this.dropped(chunk.length);
    this.owner.arrived(chunk.length);
    try {
      this.decoder.pushEach(chunk, this.onFrame);
      this.owner.loaded(chunk.length);
    } catch (err) {
      this.owner.fail(toMigError(err, 'MIG_ERR_PROTOCOL'));
    }
  }

  /** `n` payload bytes were read straight into the place the decoder's sink named. */
  private onDirect(n: number): void {
    if (this.owner.finished()) return this.dropped(n);
    this.owner.arrived(n);
    try {
      this.decoder.pushDirect(n, this.onFrame);
      this.owner.loaded(n);
    } catch (err) {
      this.owner.fail(toMigError(err, 'MIG_ERR_PROTOCOL'));
    }
  }

  private pauseReading(paused: boolean): void {
    if (this.input) {
      if (paused) this.input.pause();
      else this.input.resume();
    } else if (paused) this.socket.pause();
    else this.socket.resume();
  }
}
