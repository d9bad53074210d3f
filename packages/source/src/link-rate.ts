/**
 * The link's rate, learnt only while the sender was not the limit (BBR's
 * delivery-rate samples without the app-limited ones; Linux tcp_rate.c).
 *
 * The meter counts bytes the kernel has taken (`bytesFlushed`). That count
 * moves at the link's rate only while the kernel's send buffer stays full,
 * which is exactly while Node still holds bytes the kernel has not taken (a
 * backlog: libuv writes as much as the kernel accepts and queues the rest).
 * When the backlog runs dry the sender is application-limited: the kernel may
 * take the next bytes at once into its empty buffer (a burst far above the
 * link), or nothing comes for a while (waiting for new dirt or the
 * switchover-ack, or descheduled under load): neither says anything about
 * the link, and counting such time is what made the estimate range over
 * 30× on the same loopback. QEMU's migration_update_counters counts every
 * 100 ms iteration alike (bytes transferred over the iteration's time).
 *
 * An interval opens at an observation with a backlog (the kernel's buffer is
 * full, so no burst into an empty buffer is counted), goes on while every
 * observation shows one (the loop only drains the backlog between two of
 * them, so a backlog at the second means it never ran out in between), and
 * closes at the last such observation when one shows none, or after
 * BANDWIDTH_WINDOW_MS (and the next opens there). Between a full buffer at
 * the start and whatever it holds at the end, the bytes counted are at most
 * what the link delivered: the samples err low, not high.
 *
 * The rate is the median of the last RECENT_SAMPLES samples (the slowest
 * while there are fewer than three). Not their minimum: a backlogged interval
 * can also be slow because the destination did not read (descheduled on a
 * loaded host, or busy with a device's own work such as moving staged accel
 * data in), and under load such stalls ran for several intervals in a row at
 * the end of a bulk pass (27–94 MB/s against a ~1 GB/s link); the slowest of
 * them, held through the trickle that follows (no backlog, so no new sample),
 * left a threshold below the state that must go at the stop, and the
 * migration never converged. A link that really slows down brings the median
 * down after three intervals on it (~300 ms of backlogged sending), one that
 * speeds up raises it after three too. Idle or gated spells take no sample
 * and keep the last estimate: the last good measurement beats one of a
 * trickle.
 */
import { BANDWIDTH_WINDOW_MS } from '@livemig/common/wire';

/** Samples the rate looks back over (their median counts). */
export const RECENT_SAMPLES = 5;
/** Below this many samples, the slowest counts: a median of one or two is no median. */
const MEDIAN_FROM = 3;
/** An interval shorter than this is too short to trust (timer and scheduling noise): dropped. */
export const MIN_SAMPLE_MS = BANDWIDTH_WINDOW_MS / 4;

export class LinkRateEstimator {
  /** The open interval's start (NaN: none open) and its last backlogged observation. */
  private openAt = Number.NaN;
  private openBytes = 0;
  private fedAt = 0;
  private fedBytes = 0;
  /** The wait that ends at the next observation was for the socket's own backpressure. */
  private waitedOnSocket = false;
  private readonly samples: number[] = [];
  /** Scratch for the median (no allocation per sample). */
  private readonly sorted: number[] = [];
  /** Bytes per millisecond; 0 until the first sample. */
  rate = 0;
  /** Samples taken so far (for logs and tests). */
  sampleCount = 0;

  /**
   * The sender is about to wait until the socket has taken its whole backlog
   * (flush at the high-water mark): the wait ends with the backlog empty, but
   * the kernel's buffer was full all along, so the next observation counts as
   * backlogged.
   */
  backpressured(): void {
    this.waitedOnSocket = true;
  }

  /** One observation: the clock, bytes the kernel has taken, bytes still queued in user space. */
  observe(now: number, flushedBytes: number, backlogBytes: number): void {
    const fed = backlogBytes > 0 || this.waitedOnSocket;
    this.waitedOnSocket = false;
    if (!fed) {
      // Application-limited since the last observation: the interval ends where it was last fed.
      if (!Number.isNaN(this.openAt)) this.take(this.fedAt, this.fedBytes);
      this.openAt = Number.NaN;
      return;
    }
    if (Number.isNaN(this.openAt) || now - this.openAt >= BANDWIDTH_WINDOW_MS) {
      if (!Number.isNaN(this.openAt)) this.take(now, flushedBytes);
      this.openAt = now;
      this.openBytes = flushedBytes;
    }
    this.fedAt = now;
    this.fedBytes = flushedBytes;
  }

  /** New connections (precopy-resume): the interval open at the break is dropped; the samples stay. */
  reset(): void {
    this.openAt = Number.NaN;
    this.waitedOnSocket = false;
  }

  /** Closes the open interval at (at, bytes): a sample if it is long enough and moved bytes. */
  private take(at: number, bytes: number): void {
    const ms = at - this.openAt;
    const moved = bytes - this.openBytes;
    if (ms < MIN_SAMPLE_MS || moved <= 0) return;
    this.samples.push(moved / ms);
    if (this.samples.length > RECENT_SAMPLES) this.samples.shift();
    this.sampleCount++;
    const sorted = this.sorted;
    sorted.length = 0;
    for (const r of this.samples) sorted.push(r);
    sorted.sort((x, y) => x - y);
    this.rate = sorted.length < MEDIAN_FROM ? sorted[0]! : sorted[(sorted.length - 1) >> 1]!;
  }
}
