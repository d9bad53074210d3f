/** Writes destination → source messages on the migration connection. */
import type { Socket } from 'node:net';
import { encodeRpMessage, type RpMessage } from '@livemig/common';

export class ReturnPathWriter {
  private readonly socket: Socket;
  private open = false;

  constructor(socket: Socket) {
    this.socket = socket;
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** OPEN_RETURN_PATH: only then may anything but a SHUT go back. */
  openReturnPath(): void {
    this.open = true;
  }

  send(msg: RpMessage): void {
    if (this.socket.writable) this.socket.write(encodeRpMessage(msg));
  }

  /** The last word: success, or the reason this destination gave up. Allowed without a return path. */
  shut(ok: boolean, code = '', reason = ''): void {
    this.send({ shut: { ok, code, reason } });
  }
}
