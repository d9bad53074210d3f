/**
 * The two timers of an incoming migration, both about a quiet stream:
 *
 * - the watchdog: a handshake must end in time (stall-timeout, or
 *   HANDSHAKE_TIMEOUT_MS when off); after it, a source silent for longer than
 *   stall-timeout is a stalled one, but only while the return path is open
 *   (the source then PINGs every second) and not while this side is busy with
 *   the final load;
 * - the idle digest: while the stream is quiet in precopy (e.g. the source
 *   waits for the switchover-ack), catch up on digest work, so little of it is
 *   left for the downtime.
 *
 * Both read the migration through a narrow view; a stall is reported once, as
 * a StallError naming the phase.
 */
import { HANDSHAKE_TIMEOUT_MS, PING_INTERVAL_MS, StallError } from '@livemig/common';

/** Digest catch-up on a quiet stream: every 5 ms, 8 MiB (~2 ms of hashing). */
const IDLE_DIGEST_INTERVAL_MS = 5;
const IDLE_DIGEST_BYTES = 8 * 1024 * 1024;

export interface TimedMigration {
  readonly startedAt: number;
  finished(): boolean;
  /** The destination's stall-timeout (ms, 0 = off), read live. */
  stallTimeoutMs(): number;
  /** Still in the handshake (header, auth, configuration). */
  handshaking(): boolean;
  /** Silence proves nothing now: no return path (so no keepalive), or this side is busy loading. */
  quietAllowed(): boolean;
  /** Precopy with verify on: quiet time may go to digest work. */
  digestCatchUp(): boolean;
  refreshDigests(bytes: number): void;
  /** Where the migration is, for error messages. */
  phase(): string;
  stalled(err: StallError): void;
}

export class IncomingTimers {
  private readonly m: TimedMigration;
  /** When the source last sent anything, on any channel. */
  lastDataAt = 0;
  private lastWatchTick = 0;
  private watchIntervalMs = PING_INTERVAL_MS;
  private watchTimer: NodeJS.Timeout | null = null;
  private idleDigestTimer: NodeJS.Timeout | null = null;

  constructor(m: TimedMigration) {
    this.m = m;
  }

  start(): void {
    this.idleDigestTimer = setInterval(() => this.idleDigest(), IDLE_DIGEST_INTERVAL_MS);
    this.idleDigestTimer.unref();
    this.lastDataAt = performance.now();
    this.lastWatchTick = this.lastDataAt;
    const stall = this.m.stallTimeoutMs();
    this.watchIntervalMs = stall > 0 ? Math.max(25, Math.min(PING_INTERVAL_MS, Math.floor(stall / 4))) : PING_INTERVAL_MS;
    this.watchTimer = setInterval(() => this.watch(), this.watchIntervalMs);
    this.watchTimer.unref();
  }

  /** The stream has ended (EOF): no more digest catch-up. */
  stopIdleDigest(): void {
    if (this.idleDigestTimer) clearInterval(this.idleDigestTimer);
    this.idleDigestTimer = null;
  }

  stop(): void {
    this.stopIdleDigest();
    if (this.watchTimer) clearInterval(this.watchTimer);
    this.watchTimer = null;
  }

  /**
   * The watchdog: a handshake must end in time; after it, a silent source is a
   * stalled one — except while this side is busy with the final load. A late
   * tick means this process was the one stalled: the source gets a fresh window.
   */
  private watch(): void {
    if (this.m.finished()) return;
    const now = performance.now();
    const stall = this.m.stallTimeoutMs();
    if (now - this.lastWatchTick > Math.max(2 * this.watchIntervalMs, stall / 2)) this.lastDataAt = now;
    this.lastWatchTick = now;
    if (this.m.handshaking()) {
      const limit = stall > 0 ? stall : HANDSHAKE_TIMEOUT_MS;
      if (now - this.m.startedAt > limit) this.m.stalled(new StallError(`handshake not completed within ${limit} ms (stuck in ${this.m.phase()})`));
      return;
    }
    // Only a source that keeps the return path open promises keepalive PINGs; without
    // one, silence (e.g. a precopy waiting on its own) is not evidence of a stall.
    if (stall <= 0 || this.m.quietAllowed()) return;
    const silence = now - this.lastDataAt;
    if (silence > stall) this.m.stalled(new StallError(`source stalled: nothing received for ${Math.round(silence)} ms (stall-timeout ${stall} ms) during ${this.m.phase()}`));
  }

  /** While the stream is quiet (e.g. the source waits for the ack), catch up on digest work. */
  private idleDigest(): void {
    if (!this.m.digestCatchUp()) return;
    if (performance.now() - this.lastDataAt < IDLE_DIGEST_INTERVAL_MS) return;
    this.m.refreshDigests(IDLE_DIGEST_BYTES);
  }
}
