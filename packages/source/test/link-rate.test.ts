/**
 * The link-rate estimate with synthetic byte/time sequences: it learns only
 * from intervals in which the sender always had bytes queued for the kernel
 * (or waited on the socket's backpressure), keeps its estimate through idle
 * and gated spells, follows a slower or faster link after three intervals on
 * it (the median of the last five), and is not set by a receiver's short stall.
 * And the meter that precopy reads: the link's rate once measured, the
 * sender's own rate until then.
 */
import { describe, expect, it } from 'vitest';
import { BandwidthMeter } from '../src/convergence';
import { LinkRateEstimator, MIN_SAMPLE_MS } from '../src/link-rate';

/** A sender that keeps the kernel full: an observation every `step` ms, `rate` bytes/ms taken. */
function busy(e: LinkRateEstimator, from: { t: number; f: number }, ms: number, rate: number, step = 5): { t: number; f: number } {
  let { t, f } = from;
  for (let i = 0; i < ms / step; i++) {
    t += step;
    f += rate * step;
    e.observe(t, f, 4 * 1024 * 1024);
  }
  return { t, f };
}

/**
 * The downtime bench's trickle: every 50 ms a sync finds `burst` dirty bytes,
 * the kernel takes them at once into its empty buffer (no backlog), then the
 * loop waits with nothing queued.
 */
function trickle(e: { observe(t: number, f: number, b: number): void }, from: { t: number; f: number }, ms: number, burst: number): { t: number; f: number } {
  let { t, f } = from;
  for (let i = 0; i < ms / 50; i++) {
    t += 1;
    f += burst; // handed over in one write, taken at once
    e.observe(t, f, 0);
    t += 49;
    e.observe(t, f, 0);
  }
  return { t, f };
}

describe('LinkRateEstimator', () => {
  it('a backlogged sender is measured over 100 ms intervals, from the first observation with a backlog', () => {
    const e = new LinkRateEstimator();
    // The first round: the kernel took 3 MB into its empty buffer at once, no backlog yet: not counted.
    e.observe(0, 0, 0);
    e.observe(1, 3_000_000, 0);
    expect(e.rate).toBe(0);
    let p = busy(e, { t: 1, f: 3_000_000 }, 95, 1000);
    expect(e.rate).toBe(0); // the interval opened at t=6 and is 95 ms old... still open
    p = busy(e, p, 10, 1000);
    expect(e.sampleCount).toBe(1);
    expect(e.rate).toBe(1000); // the 3 MB burst is not in it
    busy(e, p, 200, 1000);
    expect(e.rate).toBe(1000);
  });

  it('app-limited time takes no sample and keeps the estimate: bursts into an empty buffer, waits, a gated spell of seconds', () => {
    const e = new LinkRateEstimator();
    let p = busy(e, { t: 0, f: 0 }, 200, 1000);
    expect(e.rate).toBe(1000);
    const samples = e.sampleCount;
    // 2 s of trickle: 1.6 MB every 50 ms, taken at once: 32 000 B/ms "in 1 ms", or 32 B/ms over the period.
    p = trickle(e, p, 2000, 1_600_000);
    expect(e.sampleCount).toBe(samples + 1); // only the busy interval the trickle closed
    expect(e.rate).toBe(1000);
    // Waiting for the switchover-ack with nothing at all to send, for 5 s.
    for (let i = 0; i < 250; i++) {
      p.t += 20;
      e.observe(p.t, p.f, 0);
    }
    expect(e.rate).toBe(1000);
    expect(e.sampleCount).toBe(samples + 1);
  });

  it('an interval ends at its last backlogged observation when the backlog runs dry; one shorter than a quarter window is dropped', () => {
    const e = new LinkRateEstimator();
    let p = busy(e, { t: 0, f: 0 }, 60, 2000, 10); // opens at t=10, last fed at t=60: 50 ms
    // The backlog ran out, then the loop was descheduled for 40 ms: not link time.
    p.t += 40;
    p.f += 1000;
    e.observe(p.t, p.f, 0);
    expect(e.sampleCount).toBe(1);
    expect(e.rate).toBe(2000); // 100 000 bytes over the 50 ms from t=10 to t=60
    // A 20 ms backlogged stretch at 10 B/ms: too short to trust.
    p = busy(e, p, MIN_SAMPLE_MS - 5, 10, 5);
    e.observe(p.t + 1, p.f, 0);
    expect(e.sampleCount).toBe(1);
    expect(e.rate).toBe(2000);
  });

  it('a wait on the socket backpressure counts as backlogged although it ends with the backlog empty', () => {
    const e = new LinkRateEstimator();
    let t = 0;
    let f = 0;
    e.observe(t, f, 64 * 1024 * 1024);
    for (let i = 0; i < 4; i++) {
      // 64 MiB queued, the loop waits until the kernel took all of it (25 ms at 2684 B/ms).
      e.backpressured();
      t += 25;
      f += 67_108_864;
      e.observe(t, f, 0);
    }
    expect(e.sampleCount).toBe(1);
    expect(e.rate).toBeCloseTo(67_108_864 / 25);
    // Without the hint the same observation is app-limited: the interval closes where it was last fed.
    const plain = new LinkRateEstimator();
    plain.observe(0, 0, 1);
    plain.observe(25, 67_108_864, 0);
    expect(plain.sampleCount).toBe(0);
    // The hint covers one wait only.
    e.backpressured();
    e.observe(t + 10, f + 1000, 0);
    e.observe(t + 200, f + 1000, 0); // would close a 200 ms interval (a second sample) if it still counted
    expect(e.sampleCount).toBe(1);
  });

  it('a link that slows down: the estimate comes down once three intervals were measured on it (~300 ms of backlogged sending)', () => {
    const e = new LinkRateEstimator();
    e.observe(0, 0, 1); // intervals from t=0: they close at every 100 ms
    let p = busy(e, { t: 0, f: 0 }, 500, 2000); // five samples at 2000 B/ms
    expect(e.rate).toBe(2000);
    // The link drops to 500 B/ms half-way through an interval: that sample is the mix (1250).
    p = busy(e, p, 50, 2000);
    p = busy(e, p, 50, 500);
    expect(e.rate).toBe(2000);
    p = busy(e, p, 100, 500);
    expect(e.rate).toBe(2000);
    p = busy(e, p, 100, 500);
    expect(e.rate).toBeCloseTo(1250, 6); // 250 ms after the change: the median is the mixed interval
    p = busy(e, p, 100, 500);
    expect(e.rate).toBe(500); // 350 ms after it: the slow link
    // Then the sender goes app-limited: the estimate stays at the slow link, not the old fast one.
    trickle(e, p, 2000, 10_000);
    expect(e.rate).toBe(500);
  });

  it('a link that speeds up: the estimate goes up after three intervals on it', () => {
    const e = new LinkRateEstimator();
    e.observe(0, 0, 1);
    let p = busy(e, { t: 0, f: 0 }, 500, 500);
    expect(e.rate).toBe(500);
    p = busy(e, p, 100, 2000);
    expect(e.rate).toBe(500);
    p = busy(e, p, 100, 2000);
    expect(e.rate).toBe(500);
    p = busy(e, p, 100, 2000);
    expect(e.rate).toBe(2000); // after 300 ms of backlogged sending at the new rate
  });

  it('a receiver that stalls for one or two intervals (nothing read: a backlog, but bytes barely move) does not set the estimate; three in a row do', () => {
    const e = new LinkRateEstimator();
    e.observe(0, 0, 1);
    let p = busy(e, { t: 0, f: 0 }, 300, 1000);
    p = busy(e, p, 100, 30);
    expect(e.rate).toBe(1000);
    p = busy(e, p, 100, 30);
    expect(e.rate).toBe(1000);
    // Then app-limited (the trickle): no new sample, and the estimate is not the stall's.
    p = trickle(e, p, 1000, 1_600_000);
    expect(e.rate).toBe(1000);
    // A third stalled interval: three of the last five are slow, so the receiver's rate is the rate.
    e.observe(p.t, p.f, 1);
    p = busy(e, p, 100, 30);
    expect(e.rate).toBe(30);
  });

  it('with fewer than three samples the slowest counts', () => {
    const e = new LinkRateEstimator();
    e.observe(0, 0, 1);
    let p = busy(e, { t: 0, f: 0 }, 100, 1000);
    expect(e.rate).toBe(1000);
    p = busy(e, p, 100, 400);
    expect(e.rate).toBe(400);
    busy(e, p, 100, 2000);
    expect(e.rate).toBe(1000); // the median of 400, 1000, 2000
  });

  it('new connections (precopy-resume): the open interval is dropped, the estimate stays', () => {
    const e = new LinkRateEstimator();
    busy(e, { t: 0, f: 0 }, 150, 1000); // one sample, one interval open from t=100
    e.reset();
    // The new connections count from 0: an interval spanning the break would be negative.
    e.observe(5000, 0, 1);
    e.observe(5050, 100_000, 1);
    e.observe(5060, 100_000, 0);
    expect(e.rate).toBe(1000); // the 50 ms after the resume: 2000 B/ms, the slowest is still 1000
    expect(e.sampleCount).toBe(2);
  });
});

describe('BandwidthMeter: the link rate once measured, the sender rate until then', () => {
  it('the downtime bench under load: bulk at the link rate, then 1.6 s of trickle; the estimate stays at the link rate', () => {
    // 256 MiB at 1.2 GB/s (1.2e6 B/ms), backlogged, then every 50 ms 1.6 MB taken at once
    // and the process descheduled for 40 ms of each 50 ms before it notices it has nothing
    // to send: the old meter counted that as busy time.
    const LINK = 1_200_000;
    const m = new BandwidthMeter(0, 0);
    let t = 0;
    let f = 0;
    m.sample(t, f, 0);
    while (f < 256 * 1024 * 1024) {
      t += 4;
      f += LINK * 4;
      m.sample(t, f, 32 * 1024 * 1024);
    }
    for (let i = 0; i < 32; i++) {
      t += 41;
      f += 1_600_000;
      m.sample(t, f, 0); // the round after the 40 ms stall: 1.6 MB went, the backlog is empty
      m.addIdle(9);
      t += 9;
      m.sample(t, f, 0);
    }
    expect(m.link.sampleCount).toBeGreaterThan(0);
    expect(m.bandwidth).toBe(LINK);
    // What the sender rate alone says after the same sequence (the old estimate): ~39 000 B/ms,
    // 31× too low, and a threshold of ~12 MB at 300 ms.
    const old = new BandwidthMeter(0, 0);
    let ft = 0;
    let ff = 0;
    while (ff < 256 * 1024 * 1024) {
      ft += 4;
      ff += LINK * 4;
      old.sample(ft, ff);
    }
    for (let i = 0; i < 32; i++) {
      ft += 41;
      ff += 1_600_000;
      old.sample(ft, ff);
      old.addIdle(9);
      ft += 9;
      old.sample(ft, ff);
    }
    expect(old.bandwidth).toBeLessThan(LINK / 10);
  });

  it('no backlogged interval (all-zero RAM, a sender slower than the link): the sender rate stands in; the first link sample replaces it', () => {
    const m = new BandwidthMeter(0, 0);
    // Zero pages: a few header bytes per round, never a backlog.
    for (let t = 10; t <= 300; t += 10) m.sample(t, t * 5, 0);
    expect(m.link.rate).toBe(0);
    expect(m.bandwidth).toBe(5);
    // Real data now, faster than the link: a backlog, measured.
    let f = 1500;
    for (let t = 310; t <= 420; t += 10) {
      f += 10_000;
      m.sample(t, f, 1 << 20);
    }
    expect(m.link.rate).toBe(1000);
    expect(m.bandwidth).toBe(1000);
  });

  it('precopy-resume: rebase keeps the link estimate', () => {
    const m = new BandwidthMeter(0, 0);
    let f = 0;
    for (let t = 10; t <= 220; t += 10) {
      f += 10_000;
      m.sample(t, f, 1);
    }
    expect(m.bandwidth).toBe(1000);
    m.rebase(5000, 0);
    m.addIdle(95);
    m.sample(5100, 100, 0);
    expect(m.bandwidth).toBe(1000);
  });
});
