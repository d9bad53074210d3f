/**
 * Bandwidth estimate and the convergence test (QEMU migration_update_counters):
 * the switchover threshold is bandwidth × downtime-limit and the expected
 * downtime pending ÷ bandwidth.
 *
 * The bandwidth is the link's rate measured only while the sender was not
 * application-limited (`LinkRateEstimator`: intervals during which the kernel
 * always had the next bytes waiting), kept through idle and gated spells.
 * Until the first such interval (a bulk pass too short to measure, all-zero
 * RAM whose headers never fill the socket, a sender slower than the link:
 * max-bandwidth below it, compression, verify), the sender's own rate stands
 * in: bytes over windows of ~100 ms of *busy* time (time spent waiting with
 * nothing to send is not link time), the slowest of the last three windows;
 * a window ages out after RECENT_WINDOW_MAX_AGE_MS (one bad window, 30 bytes
 * in 110 ms while the compression workers started, otherwise held it at
 * 300 B/s for good), and with no recent window the average over all busy
 * time is used. Under max-bandwidth below the link that is the capped rate,
 * as QEMU measures it (the stop-and-copy is not rate-limited, so it errs low).
 */
import { BANDWIDTH_WINDOW_MS } from '@livemig/common/wire';
import { LinkRateEstimator } from './link-rate';

/** Windows the bandwidth estimate looks back over. */
const RECENT_WINDOWS = 3;
/** A measured window counts this long (ten windows' time), busy windows or not after it. */
const RECENT_WINDOW_MAX_AGE_MS = 10 * BANDWIDTH_WINDOW_MS;

export class BandwidthMeter {
  private windowStart: number;
  private windowBytes: number;
  private idleMs = 0;
  /** Measured windows: bytes per busy ms, and when each closed. */
  private readonly recent: Array<{ rate: number; at: number }> = [];
  private readonly startBytes: number;
  private totalBusyMs = 0;
  /** Bytes flushed on the connections before a resume (precopy-resume): the count goes on across them. */
  private carried = 0;
  /** The sender's own rate over busy time (bytes/ms), the stand-in until the link is measured. */
  private senderRate = 0;
  /** Time metered so far (pauses of precopy-resume excluded), the last sample's clock, and its byte count. */
  private meteredMs = 0;
  private lastAt: number;
  private lastBytes: number;
  /** The link's rate while the sender was not the limit. */
  readonly link = new LinkRateEstimator();
  /** Bytes per second over the last window, for `mbps`. */
  lastRate = 0;

  constructor(now: number, flushedBytes: number) {
    this.windowStart = now;
    this.windowBytes = flushedBytes;
    this.startBytes = flushedBytes;
    this.lastAt = now;
    this.lastBytes = flushedBytes;
  }

  /**
   * Bytes per millisecond: the link's rate once measured, else the sender's; 0
   * until either is. The link's rate is never taken below what the migration has
   * already moved on average (bytes the kernel took over the metered wall time,
   * idle spells included, so it errs low): the link demonstrably did that much. A
   * sample can be far below it when the destination took nothing of the page
   * channels' backlog for an interval (descheduled on a loaded host) and only the
   * main channel's small frames moved (~25 bytes in 100 ms); with fewer than three
   * samples that one counts, nothing more is sent once the bulk pass is out, and
   * the threshold (bandwidth × downtime-limit, ~75 bytes) stayed below accel's
   * final state for good. The floor decays while nothing moves; the sender's rate
   * needs none (its windows age out).
   */
  get bandwidth(): number {
    if (this.link.rate <= 0) return this.senderRate;
    return Math.max(this.link.rate, this.achievedRate);
  }

  /** Bytes the kernel took per metered ms since the meter started (0 before any). */
  get achievedRate(): number {
    const bytes = this.lastBytes - this.startBytes;
    return this.meteredMs > 0 && bytes > 0 ? bytes / this.meteredMs : 0;
  }

  /** The loop waits for the socket to take its backlog (see LinkRateEstimator.backpressured). */
  backpressured(): void {
    this.link.backpressured();
  }

  /** Time the loop spent waiting with nothing to send (excluded from the sender's busy time). */
  addIdle(ms: number): void {
    this.idleMs += ms;
  }

  /**
   * precopy-resume: the migration goes on over new connections (their byte
   * count starts again at `flushedBytes`) after a pause, which was no link
   * time. The estimate so far stays: with little left to send after a resume,
   * a fresh meter would hardly see a busy window and the threshold would
   * collapse (no switchover). The window open at the break is dropped.
   */
  rebase(now: number, flushedBytes: number): void {
    this.carried = this.windowBytes - flushedBytes;
    this.windowStart = now;
    this.lastAt = now;
    this.idleMs = 0;
    this.link.reset();
  }

  /**
   * Feeds the current clock, the connections' flushed byte count and the bytes
   * still queued in user space (the backlog; 0 when unknown: no link sample);
   * closes a window when due.
   */
  sample(now: number, connectionBytes: number, backlogBytes = 0): void {
    const flushedBytes = connectionBytes + this.carried;
    this.meteredMs += Math.max(0, now - this.lastAt);
    this.lastAt = now;
    this.lastBytes = flushedBytes;
    this.link.observe(now, flushedBytes, backlogBytes);
    const elapsed = now - this.windowStart;
    if (elapsed < BANDWIDTH_WINDOW_MS) return;
    const bytes = flushedBytes - this.windowBytes;
    const busy = elapsed - this.idleMs;
    this.lastRate = (bytes * 1000) / elapsed;
    this.totalBusyMs += Math.max(0, busy);
    // A window that was mostly idle says nothing about the link on its own.
    const measured = busy >= BANDWIDTH_WINDOW_MS / 4 && bytes > 0;
    if (measured) {
      this.recent.push({ rate: bytes / busy, at: now });
      if (this.recent.length > RECENT_WINDOWS) this.recent.shift();
    }
    while (this.recent.length > 0 && now - this.recent[0]!.at > RECENT_WINDOW_MAX_AGE_MS) this.recent.shift();
    if (this.recent.length > 0) {
      // Conservative: the slowest recent window. A noisy fast window must not
      // let the machine stop with more than the link can move in the limit.
      if (measured) this.senderRate = Math.min(...this.recent.map((w) => w.rate));
    } else if (flushedBytes > this.startBytes && this.totalBusyMs > 0) {
      // No recent window was busy enough: none yet (e.g. the whole bulk pass fit in a
      // few ms, then idle; the estimate would stay 0 and never converge), or every one
      // aged out (a mostly idle link for a while; the last busy window, however wrong,
      // must not hold the estimate for good). Use everything so far.
      this.senderRate = (flushedBytes - this.startBytes) / this.totalBusyMs;
    }
    this.windowStart = now;
    this.windowBytes = flushedBytes;
    this.idleMs = 0;
  }
}

export interface ConvergenceInputs {
  /** Measured bytes/ms. */
  bandwidth: number;
  /** avail-switchover-bandwidth in bytes/s (0 = use the measured one). */
  availSwitchoverBandwidth: number;
  /**
   * max-bandwidth in bytes/s (0 or absent = none): the measured bandwidth counts at most
   * this. Under a cap below the link, QEMU's estimate is the capped rate (its iterations
   * are rate-limited); the link estimate, learnt from the moments a round's budget sat in
   * the socket, would be the link's, and precopy would switch over with a pending set it
   * can only send at the cap during the final passes.
   */
  maxBandwidth?: number;
  downtimeLimitMs: number;
}

/** The bandwidth (bytes/ms) the final transfer is assumed to get. */
export function switchoverBandwidth(i: ConvergenceInputs): number {
  if (i.availSwitchoverBandwidth > 0) return i.availSwitchoverBandwidth / 1000;
  const cap = i.maxBandwidth ?? 0;
  return cap > 0 ? Math.min(i.bandwidth, cap / 1000) : i.bandwidth;
}

/** Bytes that may remain when the machine stops (QEMU threshold_size). */
export function thresholdBytes(i: ConvergenceInputs): number {
  return switchoverBandwidth(i) * i.downtimeLimitMs;
}

/** pending ÷ bandwidth, in ms; null while no bandwidth is known. */
export function expectedDowntimeMs(pending: number, i: ConvergenceInputs): number | null {
  const bw = switchoverBandwidth(i);
  return bw > 0 ? pending / bw : null;
}

/** max-bandwidth: a byte budget per 100 ms window (QEMU migration-stats rate limit). */
export class RateLimiter {
  private windowStart: number;
  private used = 0;
  constructor(now: number) {
    this.windowStart = now;
  }

  /** Bytes that may still go in this window (Infinity when unlimited). */
  allowance(now: number, maxBandwidth: number): number {
    if (maxBandwidth <= 0) return Number.POSITIVE_INFINITY;
    if (now - this.windowStart >= BANDWIDTH_WINDOW_MS) {
      this.windowStart = now;
      this.used = 0;
    }
    return Math.max(0, (maxBandwidth * BANDWIDTH_WINDOW_MS) / 1000 - this.used);
  }

  record(bytes: number): void {
    this.used += bytes;
  }

  /** Ms until the current window ends. */
  msToNextWindow(now: number): number {
    return Math.max(0, BANDWIDTH_WINDOW_MS - (now - this.windowStart));
  }
}
