/**
 * Writes destination → source messages on the migration connection. What may
 * queue up unread is bounded: a source that sends PINGs but never reads the
 * answers is a stalled source, not a reason to grow without limit.
 */
import type { Socket } from 'node:net';
import { StallError } from '@livemig/common/errors';
import { MAX_RP_QUEUED_BYTES, encodeRpMessage, type RpMessage } from '@livemig/common/wire';

export class ReturnPathWriter {
  private socket: Socket;
  private open = false;

  constructor(socket: Socket) {
    this.socket = socket;
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** OPEN_RETURN_PATH: only then may anything but an auth challenge or SHUT go back. */
  openReturnPath(): void {
    this.open = true;
  }

  /**
   * precopy-resume: the migration goes on over a new connection. The return
   * path stays open (the resuming source does not open it again).
   */
  rebind(socket: Socket): void {
    this.socket = socket;
  }

  /** Throws StallError when the source has left too much unread. */
  send(msg: RpMessage): void {
    if (!this.socket.writable) return;
    if (this.socket.writableLength > MAX_RP_QUEUED_BYTES) {
      throw new StallError(`the source is not reading the return path (${this.socket.writableLength} bytes queued)`);
    }
    this.socket.write(encodeRpMessage(msg));
  }

  /**
   * precopy-resume's held-state report: written at once, outside the bound on
   * unread messages (the report is sized by the machine, not by a peer that
   * does not read: the source reads it before anything else).
   */
  sendReport(msg: RpMessage): void {
    if (this.socket.writable) this.socket.write(encodeRpMessage(msg));
  }

  /** The last word: success, or the reason this destination gave up. Allowed without a return path. */
  shut(ok: boolean, code = '', reason = ''): void {
    this.send({ shut: { ok, code, reason } });
  }

  /** SHUT on the way out of a failure: never throws (the connection is dropped right after). */
  shutQuietly(ok: boolean, code = '', reason = ''): void {
    if (this.socket.writable) this.socket.write(encodeRpMessage({ shut: { ok, code, reason } }));
  }
}
