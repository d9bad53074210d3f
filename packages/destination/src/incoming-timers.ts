/**
 * The two timers of an incoming migration (from the accepted configuration
 * on; the handshake has its own, handshake.ts), both about a quiet stream:
 *
 * - the watchdog: with return-path, OPEN_RETURN_PATH must arrive within
 *   stall-timeout (HANDSHAKE_TIMEOUT_MS when off) of the acceptance; after it,
 *   with or without return-path, a source that sends nothing for longer than
 *   stall-timeout (INCOMING_IDLE_LIMIT_MS when off) is a stalled one — except
 *   while this side is busy with the final load. So no peer holds the one
 *   migration slot by saying nothing, mid-frame or between frames;
 * - the idle digest: while the stream is quiet in precopy (e.g. the source
 *   waits for the switchover-ack), catch up on digest work, so little of it is
 *   left for the downtime.
 *
 * Both read the migration through a narrow view; a stall is reported once, as
 * a StallError naming the phase.
 */
import { StallError } from '@livemig/common/errors';
import { HANDSHAKE_TIMEOUT_MS, INCOMING_IDLE_LIMIT_MS, PING_INTERVAL_MS } from '@livemig/common/wire';

/** Digest catch-up on a quiet stream: every 5 ms, 8 MiB (~2 ms of hashing). */
const IDLE_DIGEST_INTERVAL_MS = 5;
const IDLE_DIGEST_BYTES = 8 * 1024 * 1024;

export interface TimedMigration {
  readonly startedAt: number;
  finished(): boolean;
  /** The destination's stall-timeout (ms, 0 = off), read live. */
  stallTimeoutMs(): number;
  /** return-path is on and OPEN_RETURN_PATH has not arrived yet. */
  awaitingReturnPath(): boolean;
  /** This side is busy (the final load): the source's silence proves nothing. */
  busy(): boolean;
  /** Precopy with verify on: quiet time may go to digest work. */
  digestCatchUp(): boolean;
  /** Hashes up to `bytes` of stale digest units; returns what it hashed (0: every unit is fresh). */
  refreshDigests(bytes: number): number;
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
  /**
   * Digest catch-up runs between start() and EOF or stop(). Within that its 5 ms timer is
   * off while it has nothing to do (every unit fresh, or not precopy with verify) until the
   * source sends again (dataArrived): ticking on cost ~0.2 ms of CPU a wakeup here, ~4% of
   * a core for an incoming migration that waits (an allocation, a pause, an ack).
   */
  private digestOn = false;

  constructor(m: TimedMigration) {
    this.m = m;
  }

  start(): void {
    this.digestOn = true;
    this.startIdleDigest();
    this.lastDataAt = performance.now();
    this.lastWatchTick = this.lastDataAt;
    const stall = this.m.stallTimeoutMs();
    this.watchIntervalMs = stall > 0 ? Math.max(25, Math.min(PING_INTERVAL_MS, Math.floor(stall / 4))) : PING_INTERVAL_MS;
    this.watchTimer = setInterval(() => this.watch(), this.watchIntervalMs);
    this.watchTimer.unref();
  }

  /** The source sent something, on any channel: the watchdog's window starts again, and so does digest catch-up. */
  dataArrived(now = performance.now()): void {
    this.lastDataAt = now;
    if (this.digestOn) this.startIdleDigest();
  }

  /** The stream has ended (EOF): no more digest catch-up. */
  stopIdleDigest(): void {
    this.digestOn = false;
    this.pauseIdleDigest();
  }

  private startIdleDigest(): void {
    if (this.idleDigestTimer) return;
    this.idleDigestTimer = setInterval(() => this.idleDigest(), IDLE_DIGEST_INTERVAL_MS);
    this.idleDigestTimer.unref();
  }

  private pauseIdleDigest(): void {
    if (this.idleDigestTimer) clearInterval(this.idleDigestTimer);
    this.idleDigestTimer = null;
  }

  stop(): void {
    this.stopIdleDigest();
    if (this.watchTimer) clearInterval(this.watchTimer);
    this.watchTimer = null;
  }

  /**
   * The watchdog: OPEN_RETURN_PATH in time, then no silence past the idle
   * limit unless this side is busy. A late tick means this process was the one
   * stalled: the source gets a fresh window.
   */
  private watch(): void {
    if (this.m.finished()) return;
    const now = performance.now();
    const stall = this.m.stallTimeoutMs();
    if (now - this.lastWatchTick > Math.max(2 * this.watchIntervalMs, stall / 2)) this.lastDataAt = now;
    this.lastWatchTick = now;
    if (this.m.awaitingReturnPath()) {
      const limit = stall > 0 ? stall : HANDSHAKE_TIMEOUT_MS;
      if (now - this.m.startedAt > limit) return this.m.stalled(new StallError(`no OPEN_RETURN_PATH within ${limit} ms of accepting the configuration (return-path is on)`));
    }
    if (this.m.busy()) return;
    const silence = now - this.lastDataAt;
    const limit = stall > 0 ? stall : INCOMING_IDLE_LIMIT_MS;
    const named = stall > 0 ? `stall-timeout ${stall} ms` : `idle limit ${limit} ms, stall-timeout off`;
    if (silence > limit) this.m.stalled(new StallError(`source stalled: nothing received for ${Math.round(silence)} ms (${named}) during ${this.m.phase()}`));
  }

  /** While the stream is quiet (e.g. the source waits for the ack), catch up on digest work. */
  private idleDigest(): void {
    if (!this.m.digestCatchUp()) return this.pauseIdleDigest();
    if (performance.now() - this.lastDataAt < IDLE_DIGEST_INTERVAL_MS) return;
    if (this.m.refreshDigests(IDLE_DIGEST_BYTES) === 0) this.pauseIdleDigest();
  }
}
