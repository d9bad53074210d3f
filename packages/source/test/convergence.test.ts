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

  it('uses the slowest of the last three windows', () => {
    const m = new BandwidthMeter(0, 0);
    m.sample(100, 100_000); // 1000 B/ms
    m.sample(200, 400_000); // 3000 B/ms
    expect(m.bandwidth).toBe(1000);
    m.sample(300, 700_000); // 3000
    m.sample(400, 1_000_000); // 3000: the slow window has aged out
    expect(m.bandwidth).toBe(3000);
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
