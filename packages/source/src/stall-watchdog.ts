/**
 * Drives the Keepalive bookkeeping (keepalive.ts) from one timer for an
 * outgoing migration: every tick it checks for a stall and, while the return
 * path is in use, sends the next PING. It only reads the migration through a
 * narrow view and reports a stall once, as a StallError naming what was
 * missing and the phase.
 */
import { StallError } from '@livemig/common/errors';
import { livemig } from '@livemig/common/wire';
import { Keepalive } from './keepalive';
import type { MigrationStream } from './migration-stream';

export interface WatchedMigration {
  readonly returnPath: boolean;
  stream(): MigrationStream | null;
  stallTimeoutMs(): number;
  /** What only the destination's answer can show progress on, or null. */
  awaiting(): string | null;
  /** True while keepalive PINGs may go (return path open, no final word yet). */
  pinging(): boolean;
  /** False once the migration ended or failed: the watchdog goes quiet. */
  live(): boolean;
  phase(): string;
  stalled(err: StallError): void;
}

export class StallWatchdog {
  readonly keepalive: Keepalive;
  private readonly m: WatchedMigration;
  private timer: NodeJS.Timeout | null = null;

  constructor(m: WatchedMigration, now: number) {
    this.m = m;
    this.keepalive = new Keepalive(now);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), Keepalive.intervalMs(this.m.stallTimeoutMs()));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Sends the next PING now (also used right after OPEN_RETURN_PATH, and to
   * learn when the destination has taken everything sent before it). Returns
   * its value, or null if none could go.
   */
  ping(): number | null {
    const stream = this.m.stream();
    if (!stream || stream.closed) return null;
    const value = this.keepalive.nextPing();
    if (value !== null) stream.writeFrame({ command: { type: livemig.CommandType.CMD_PING, value } });
    return value;
  }

  private tick(): void {
    const stream = this.m.stream();
    if (!stream || !this.m.live()) return;
    const stall = this.m.stallTimeoutMs();
    const awaiting = this.m.awaiting();
    const silence = this.keepalive.tick(performance.now(), stall, {
      returnPath: this.m.returnPath,
      flushed: stream.bytesFlushed,
      pending: stream.pendingBytes,
      awaitingPeer: awaiting !== null,
    });
    if (silence !== null) {
      const ms = Math.round(silence);
      const what = awaiting
        ? `no answer for ${ms} ms while waiting for ${awaiting}`
        : this.m.returnPath
          ? `no return-path traffic for ${ms} ms`
          : `the migration stream made no write progress for ${ms} ms`;
      this.m.stalled(new StallError(`destination stalled: ${what} (stall-timeout ${stall} ms) during ${this.m.phase()}`));
      return;
    }
    if (this.m.pinging()) this.ping();
  }
}
