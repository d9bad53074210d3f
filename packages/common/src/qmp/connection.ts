/**
 * One QMP client connection, between a transport (servers.ts: a plain socket
 * or a WebSocket) and its QmpSession. It owns the two things a client can use
 * to grow the daemon:
 *
 * - **Input**: requests are handled one at a time, in order (replies in
 *   request order, as on a QEMU monitor), each inside the session's error
 *   boundary; a run of requests yields to the event loop now and then, so a
 *   flood cannot starve other clients or the migration. Requests received but
 *   not handled yet are bounded: past QMP_INPUT_QUEUE_CHARS the transport
 *   stops reading.
 * - **Output**: replies and events count as unread while they sit in the
 *   process (the socket's or WebSocket's buffer: the kernel's buffers are
 *   full). Above QMP_OUTPUT_HIGH_WATER the client's requests are neither read
 *   nor handled (so its replies stop growing) until it has read down to
 *   QMP_OUTPUT_LOW_WATER; past QMP_OUTPUT_CAP (events keep coming to a client
 *   that reads nothing) it is dropped.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Logger } from '../logger';
import { errorReply, type QmpDispatcher } from './dispatcher';
import { QmpSession, type QmpSessionOptions } from './session';

/** What a connection needs from its transport. */
export interface QmpTransport {
  /** Writes one serialised message; `flushed` runs once it has left the process. */
  write(text: string, flushed: () => void): void;
  /** Bytes written and not yet handed to the kernel. */
  readonly buffered: number;
  pauseReading(): void;
  resumeReading(): void;
  /** Closes once what was written is flushed (briefly bounded). */
  end(): void;
  /** Drops the connection now. */
  destroy(): void;
}

const KiB = 1024;
const MiB = 1024 * KiB;
/** Unread output above which the client's requests are no longer read or handled. */
export const QMP_OUTPUT_HIGH_WATER = 1 * MiB;
/** Reading and handling resume once the unread output is down to this. */
export const QMP_OUTPUT_LOW_WATER = 256 * KiB;
/** Unread output past which the client is dropped. */
export const QMP_OUTPUT_CAP = 8 * MiB;
/** Requests received and not handled yet (characters) above which reading stops. */
export const QMP_INPUT_QUEUE_CHARS = 1 * MiB;
/** Requests handled in a row before yielding to the event loop. */
const REQUESTS_PER_TURN = 64;

export class QmpConnection {
  private readonly transport: QmpTransport;
  private readonly log: Logger;
  private readonly session: QmpSession;
  private queue: string[] = [];
  private head = 0;
  private queuedChars = 0;
  private running = false;
  private outputBlocked = false;
  private readingPaused = false;
  private closed = false;
  private readonly onFlushed = (): void => this.update();

  constructor(dispatcher: QmpDispatcher, transport: QmpTransport, log: Logger, opts: QmpSessionOptions = {}) {
    this.transport = transport;
    this.log = log;
    // Last: the session sends the greeting at once.
    this.session = new QmpSession(dispatcher, { send: (m) => this.send(m), close: () => this.end() }, opts);
  }

  /** One complete JSON text from the client (the transport cut it). */
  receive(text: string): void {
    if (this.closed) return;
    this.queue.push(text);
    this.queuedChars += text.length;
    this.update();
  }

  /** The transport cannot take the client's input (an over-long request): says why, then closes. */
  refuse(desc: string): void {
    if (this.closed) return;
    this.send(errorReply(desc));
    this.end();
  }

  /** The transport closed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.head = 0;
    this.queuedChars = 0;
    this.session.close();
  }

  private end(): void {
    this.transport.pauseReading();
    this.transport.end();
  }

  private send(message: object): void {
    if (this.closed) return;
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (err) {
      // Requests are depth-limited, so this would be a fault of ours; the client still gets an answer.
      this.log.error({ err }, 'QMP reply could not be serialised');
      text = JSON.stringify(errorReply(`internal error: the reply could not be serialised (${err instanceof Error ? err.message : 'unknown'})`));
    }
    this.transport.write(text, this.onFlushed);
    const unread = this.transport.buffered;
    if (unread > QMP_OUTPUT_CAP) {
      this.log.warn({ unread, cap: QMP_OUTPUT_CAP }, 'QMP client dropped: it left more replies and events unread than allowed');
      this.close();
      this.transport.destroy();
      return;
    }
    this.update();
  }

  /** Applies the bounds: reading paused or not, handling blocked or not; starts handling when it may. */
  private update(): void {
    if (this.closed) return;
    const unread = this.transport.buffered;
    if (this.outputBlocked ? unread <= QMP_OUTPUT_LOW_WATER : unread >= QMP_OUTPUT_HIGH_WATER) {
      this.outputBlocked = !this.outputBlocked;
      if (this.outputBlocked) this.log.debug({ unread }, 'QMP client not reading its replies: its requests wait');
      else this.log.debug({ unread }, 'QMP client reading its replies again');
    }
    const pause = this.outputBlocked || this.queuedChars > QMP_INPUT_QUEUE_CHARS;
    if (pause !== this.readingPaused) {
      this.readingPaused = pause;
      if (pause) {
        this.transport.pauseReading();
        this.log.debug({ unread, queued: this.queuedChars }, 'QMP client reading paused: its replies are unread or its requests pile up');
      } else {
        this.transport.resumeReading();
        this.log.debug({ unread, queued: this.queuedChars }, 'QMP client reading resumed');
      }
    }
    if (!this.running && !this.outputBlocked && this.head < this.queue.length) void this.run();
  }

  /** Handles queued requests in order while output is not blocked. Never rejects. */
  private async run(): Promise<void> {
    this.running = true;
    try {
      let handled = 0;
      while (!this.closed && !this.outputBlocked && this.head < this.queue.length) {
        const text = this.queue[this.head]!;
        this.queue[this.head++] = '';
        if (this.head === this.queue.length) {
          this.queue = [];
          this.head = 0;
        } else if (this.head >= 4096 && this.head * 2 >= this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
        this.queuedChars -= text.length;
        await this.session.handleText(text);
        if (++handled % REQUESTS_PER_TURN === 0) await yieldToLoop();
      }
    } catch (err) {
      // handleText never rejects; if this ever happens the connection goes, not the daemon.
      this.log.error({ err }, 'QMP connection failed; dropping it');
      this.close();
      this.transport.destroy();
    } finally {
      this.running = false;
    }
    this.update();
  }
}
