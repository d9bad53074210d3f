/**
 * Stall detection for the outgoing migration (parameter `stall-timeout`).
 * Pure bookkeeping, the clock is passed in; the owner drives it from one timer.
 *
 * With return-path, the source PINGs every tick and the destination answers in
 * order; any bytes from the destination count as a sign of life. So does a
 * backlog draining (the destination is reading: its PONGs may just be queued
 * behind that data on a slow link) — a tiny PING taken by the kernel does not,
 * as kernel buffers accept a few bytes from a stopped peer too. Without a
 * return path, having nothing left to write counts as well, except while the
 * source waits for an answer (the auth challenge, the end-of-migration SHUT).
 *
 * A tick that comes late means this process was the one stalled (event loop
 * blocked): the peer then gets a fresh window instead of the blame.
 */
import { ProtocolError } from '@livemig/common/errors';
import { FIRST_PING_VALUE, PING_INTERVAL_MS } from '@livemig/common/wire';

/** Most PINGs left unanswered before the destination is plainly not listening. */
const MAX_OUTSTANDING_PINGS = 1024;

export class Keepalive {
  private lastActivity: number;
  private lastTick: number;
  private lastFlushed = 0;
  private lastPending = 0;
  private readonly outstanding: number[] = [];
  private nextValue = FIRST_PING_VALUE;
  /** The latest PING answered (PONGs come in order, so every earlier one is answered too). */
  private lastAnswered = FIRST_PING_VALUE - 1;

  constructor(now: number) {
    this.lastActivity = now;
    this.lastTick = now;
  }

  /** How often the owner should tick (and PING) for a given stall-timeout. */
  static intervalMs(stallTimeoutMs: number): number {
    return stallTimeoutMs > 0 ? Math.max(25, Math.min(PING_INTERVAL_MS, Math.floor(stallTimeoutMs / 4))) : PING_INTERVAL_MS;
  }

  /** Bytes arrived from the destination. */
  received(now: number): void {
    this.lastActivity = now;
  }

  /** The value of the next PING (answered in order), or null while too many are unanswered. */
  nextPing(): number | null {
    if (this.outstanding.length >= MAX_OUTSTANDING_PINGS) return null;
    const v = this.nextValue++;
    this.outstanding.push(v);
    return v;
  }

  /** A PONG: it must answer the oldest PING still open. */
  pong(value: number): void {
    const expected = this.outstanding.shift();
    if (expected === undefined) throw new ProtocolError(`return path: PONG ${value} but no PING is open`);
    if (value !== expected) throw new ProtocolError(`return path: PONG ${value} out of order (expected ${expected})`);
    this.lastAnswered = value;
  }

  /** Whether the PING with this value has been answered. */
  answered(value: number): boolean {
    return value <= this.lastAnswered;
  }

  /**
   * One tick. `flushed`/`pending` describe the forward stream (bytes the kernel
   * took so far, bytes still queued in user space); `awaitingPeer` is true while
   * only an answer from the destination can show progress. Returns the silence
   * in ms when it exceeds `stallTimeoutMs`, else null.
   */
  tick(now: number, stallTimeoutMs: number, s: { returnPath: boolean; flushed: number; pending: number; awaitingPeer: boolean }): number | null {
    const late = now - this.lastTick > Math.max(2 * Keepalive.intervalMs(stallTimeoutMs), stallTimeoutMs / 2);
    this.lastTick = now;
    if (late) this.lastActivity = now;
    if (s.flushed > this.lastFlushed && this.lastPending > 0) this.lastActivity = now;
    else if (!s.returnPath && !s.awaitingPeer && s.pending === 0) this.lastActivity = now;
    this.lastFlushed = s.flushed;
    this.lastPending = s.pending;
    if (stallTimeoutMs <= 0) return null;
    const silence = now - this.lastActivity;
    return silence > stallTimeoutMs ? silence : null;
  }
}
