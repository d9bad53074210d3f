/**
 * An in-memory stand-in for the destination's side of the migration socket:
 * the test pushes the source's bytes in with feed(), reads what the
 * destination wrote back (return path) from `written`, and hangs up with
 * hangUp(). Implements the part of net.Socket that IncomingMigration uses.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';

export class FakeSocket extends EventEmitter {
  readonly written: Buffer[] = [];
  writable = true;
  writableLength = 0;
  private closed = false;

  write(chunk: Buffer): boolean {
    if (this.writable) this.written.push(chunk);
    return true;
  }

  end(chunk?: Buffer): this {
    if (chunk) this.write(chunk);
    this.writable = false;
    this.close();
    return this;
  }

  resume(): this {
    return this;
  }

  destroySoon(): void {
    this.end();
  }

  destroy(): this {
    this.writable = false;
    this.close();
    return this;
  }

  resetAndDestroy(): this {
    return this.destroy();
  }

  /** The source sends bytes. */
  feed(chunk: Buffer): void {
    if (!this.closed) this.emit('data', chunk);
  }

  /** The source hangs up. */
  hangUp(): void {
    this.writable = false;
    this.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    setImmediate(() => this.emit('close'));
  }

  asSocket(): Socket {
    return this as unknown as Socket;
  }
}
