/**
 * Write batching for a socket: corked at the first write of an event-loop turn and
 * uncorked at the next tick (or earlier, on release()), so what one turn writes (a frame
 * header and its payload views; a run of QMP replies and events) leaves in one writev
 * instead of one system call per write.
 */
import type { Writable } from 'node:stream';

export class TickCork {
  private readonly socket: Writable;
  private held = false;
  private readonly releaseOnTick = (): void => this.release();

  constructor(socket: Writable) {
    this.socket = socket;
  }

  /** Before a write: corks the socket unless this turn already did. */
  hold(): void {
    if (this.held) return;
    this.held = true;
    this.socket.cork();
    process.nextTick(this.releaseOnTick);
  }

  /** Hands what this turn wrote to the kernel now (a no-op when nothing is held). */
  release(): void {
    if (!this.held) return;
    this.held = false;
    this.socket.uncork();
  }
}
