import { describe, expect, it } from 'vitest';
import { BandwidthMeter, RateLimiter, expectedDowntimeMs, thresholdBytes } from '../src/convergence';

describe('convergence', () => {
  it('threshold = bandwidth × downtime-limit; avail-switchover-bandwidth overrides', () => {
    expect(thresholdBytes({ bandwidth: 1000, availSwitchoverBandwidth: 0, downtimeLimitMs: 300 })).toBe(300_000);
    expect(thresholdBytes({ bandwidth: 1000, availSwitchoverBandwidth: 2_000_000, downtimeLimitMs: 300 })).toBe(600_000);
    expect(expectedDowntimeMs(500_000, { bandwidth: 1000, availSwitchoverBandwidth: 0, downtimeLimitMs: 300 })).toBe(500);
    expect(expectedDowntimeMs(1, { bandwidth: 0, availSwitchoverBandwidth: 0, downtimeLimitMs: 300 })).toBeNull();
  });

  it('measures bandwidth over busy time only', () => {
    const m = new BandwidthMeter(0, 0);
    m.sample(50, 1000);
    expect(m.bandwidth).toBe(0); // window not closed
    m.sample(100, 100_000);
    expect(m.bandwidth).toBe(1000);
    m.addIdle(60); // waiting for the ack with nothing to send
    m.sample(200, 140_000);
    expect(m.bandwidth).toBe(1000); // 40 000 bytes over 40 busy ms
    m.addIdle(95);
    m.sample(300, 140_100);
    expect(m.bandwidth).toBe(1000); // an almost idle window keeps the estimate
  });

  it('precopy-resume: a rebase onto new connections keeps the estimate and counts on from their bytes; the pause is no link time', () => {
    const m = new BandwidthMeter(0, 0);
    m.sample(100, 100_000);
    m.sample(200, 200_000);
    expect(m.bandwidth).toBe(1000);
    // Paused for 5 s, then resumed: the new connections start at 0 bytes.
    m.rebase(5200, 0);
    expect(m.bandwidth).toBe(1000);
    // Almost idle after the resume (little left to send): the windows of before the pause have
    // aged out, so the estimate is the average over all busy time (200 050 bytes in 202 ms),
    // the pause not counted: it does not collapse.
    m.addIdle(98);
    m.sample(5300, 50);
    expect(m.bandwidth).toBeCloseTo(200_050 / 202, 6);
    // Busy again: measured from the new connections' bytes, not negative, not from the pause.
    m.sample(5400, 200_050);
    expect(m.bandwidth).toBe(2000);
  });

  it('a stalled interval cannot hold the link estimate below what the migration already moved (multifd over TLS under load)', () => {
    // The hang of security.test.ts (multifd + TLS, 3 vitest workers on 2 cores): the bulk
    // pass (9.4 MB) crossed in ~150 ms, and its one backlogged link sample was an interval in
    // which the destination took nothing of the page channels' backlog, only the main
    // channel's small frames moving (25 bytes in 100 ms). With one sample that one counts,
    // nothing more was sent, and the threshold (75 bytes) stayed below accel's 64 KiB final
    // state for good: precopy idled, PINGs answered, until the test's timeout.
    const bulk = 9_400_000;
    const m = new BandwidthMeter(0, 0);
    m.sample(0, 0, bulk); // the round is queued: an interval opens
    m.sample(100, 25, bulk - 25); // the destination descheduled: a window later, 25 bytes moved
    m.sample(150, bulk, 0); // then it took everything; the backlog ran dry
    for (let t = 170; t <= 450; t += 20) {
      m.addIdle(20);
      m.sample(t, bulk, 0); // nothing left to send before the stop: idle
    }
    expect(m.link.sampleCount).toBe(1);
    expect(m.link.rate).toBe(0.25);
    // The link moved 9.4 MB in 450 ms: it is at least that fast.
    expect(m.bandwidth).toBeCloseTo(bulk / 450, 6);
    expect(thresholdBytes({ bandwidth: m.bandwidth, availSwitchoverBandwidth: 0, downtimeLimitMs: 300 })).toBeGreaterThan(64 * 1024);
  });

  it('a link sample above the average moved stays the estimate (the floor only lifts one below it)', () => {
    const m = new BandwidthMeter(0, 0);
    m.sample(0, 0, 1_000_000);
    m.sample(100, 1_000_000, 1_000_000); // 10 000 B/ms while backlogged
    m.sample(150, 1_500_000, 0);
    m.addIdle(850);
    m.sample(1000, 1_500_000, 0); // 1.5 MB in a second on average
    expect(m.link.rate).toBe(10_000);
    expect(m.bandwidth).toBe(10_000);
  });

  it('uses the slowest of the last three windows', () => {
    const m = new BandwidthMeter(0, 0);
    m.sample(100, 100_000); // 1000 B/ms
    m.sample(200, 400_000); // 3000 B/ms
    expect(m.bandwidth).toBe(1000);
    m.sample(300, 700_000); // 3000
    m.sample(400, 1_000_000); // 3000: the slow window has aged out
    expect(m.bandwidth).toBe(3000);
  });

  it('one bad window cannot hold the estimate once the link goes mostly idle (multifd-compression start-up)', () => {
    // The windows of a failed 8 MiB zstd migration under dirty-rate=4M: the first
    // round waited 112 ms for the compression workers to start with 34 bytes out,
    // the bulk pass then went at ~22 B/ms, and from there every window was mostly
    // idle (a few ms of sending, ~100 ms waiting for new dirt).
    const m = new BandwidthMeter(0, 0);
    let t = 112;
    let flushed = 34;
    m.sample(t, flushed);
    t += 415;
    flushed += 9_162_778;
    m.sample(t, flushed);
    expect(m.bandwidth).toBeCloseTo(34 / 112); // the slowest recent window: 0.3 B/ms
    for (let i = 0; i < 12; i++) {
      m.addIdle(100);
      t += 110;
      flushed += 500_000;
      m.sample(t, flushed);
    }
    // Before: still 0.3 B/ms (300 B/s), a threshold of 90 bytes against 260 KB pending,
    // for as long as the migration ran. Now the old windows have aged out.
    expect(m.bandwidth).toBeGreaterThan(10);
    expect(m.bandwidth).toBeCloseTo((flushed - 0) / (112 + 415 + 12 * 10));
  });

  it('a measured window ages out after a second', () => {
    const m = new BandwidthMeter(0, 0);
    m.sample(100, 100_000); // 1000 B/ms
    for (let t = 200; t <= 1000; t += 100) {
      m.addIdle(95);
      m.sample(t, 100_000 + t); // idle windows: not measured
    }
    expect(m.bandwidth).toBe(1000); // the window is 900 ms old: still recent
    m.addIdle(195);
    m.sample(1200, 101_200);
    // Aged out: everything so far, 101 200 bytes over 100 + 10 × 5 busy ms.
    expect(m.bandwidth).toBeCloseTo(101_200 / 150);
  });

  it('rate limit: a budget per 100 ms window', () => {
    const r = new RateLimiter(0);
    expect(r.allowance(0, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(r.allowance(0, 10_000)).toBe(1000);
    r.record(800);
    expect(r.allowance(50, 10_000)).toBe(200);
    expect(r.msToNextWindow(50)).toBe(50);
    expect(r.allowance(100, 10_000)).toBe(1000);
  });
});
