/**
 * The bandwidth meter's and rate limiter's edges, with exact figures: the rate
 * of a window (`lastRate`), which windows count as measured (a quarter of a
 * window busy, some bytes), how many recent windows are kept and when one ages
 * out, the fallback to the average over all busy time, and the limiter's windows.
 */
import { describe, expect, it } from 'vitest';
import { BandwidthMeter, RateLimiter, switchoverBandwidth } from '../src/convergence';

describe('BandwidthMeter edges', () => {
  it('lastRate is the bytes per second of the last window, idle time included', () => {
    const m = new BandwidthMeter(0, 1000);
    m.sample(200, 51_000); // 50 000 bytes in 200 ms
    expect(m.lastRate).toBe(250_000);
    expect(m.bandwidth).toBe(250); // bytes per busy ms
    m.addIdle(150);
    m.sample(400, 61_000); // 10 000 bytes in 200 ms, 50 of them busy
    expect(m.lastRate).toBe(50_000);
    expect(m.bandwidth).toBe(200); // min(250, 10 000 / 50)
  });

  it('a window busy for exactly a quarter of the window counts; less does not; neither does one without bytes', () => {
    const quarter = new BandwidthMeter(0, 0);
    quarter.addIdle(75);
    quarter.sample(100, 2500); // busy 25 ms
    expect(quarter.bandwidth).toBe(100);
    const less = new BandwidthMeter(0, 0);
    less.addIdle(76);
    less.sample(100, 2400); // busy 24 ms: not measured; the average over all busy time instead
    expect(less.bandwidth).toBe(100);
    less.sample(200, 2400 + 50_000); // a measured window now: 500 B/ms, the only recent one
    expect(less.bandwidth).toBe(500);
    const none = new BandwidthMeter(0, 0);
    none.sample(100, 0);
    expect(none.bandwidth).toBe(0);
    none.sample(200, 10_000); // measured: 100 B/ms
    expect(none.bandwidth).toBe(100);
    none.sample(300, 10_000); // no bytes: not measured, and it does not replace the estimate
    expect(none.bandwidth).toBe(100);
  });

  it('keeps exactly three recent windows (the slowest of them counts)', () => {
    const m = new BandwidthMeter(0, 0);
    const rates = [100, 400, 300, 200];
    let f = 0;
    rates.forEach((r, i) => {
      f += r * 100;
      m.sample((i + 1) * 100, f);
      if (i === 2) expect(m.bandwidth).toBe(100); // 100, 400, 300
    });
    expect(m.bandwidth).toBe(200); // 100 fell out: 400, 300, 200
    f += 500 * 100;
    m.sample(500, f);
    expect(m.bandwidth).toBe(200); // 300, 200, 500
    f += 500 * 100;
    m.sample(600, f);
    f += 500 * 100;
    m.sample(700, f);
    expect(m.bandwidth).toBe(500); // 500, 500, 500
  });

  it('a window ages out after more than ten windows of time, not at exactly ten', () => {
    const m = new BandwidthMeter(0, 0);
    m.sample(100, 10_000); // 100 B/ms, closed at t=100
    m.sample(200, 40_000); // 300 B/ms
    expect(m.bandwidth).toBe(100);
    m.addIdle(800);
    m.sample(1100, 80_000); // 400 B/ms over 100 busy ms; the first window is exactly 1000 ms old: still recent
    expect(m.bandwidth).toBe(100);
    m.sample(1201, 80_000 + 40_400); // 400 B/ms; now the first window is out (and the second is 1001 ms old)
    expect(m.bandwidth).toBe(400);
  });

  it('a window that ages out while the current one is not measured leaves the estimate as it was', () => {
    const m = new BandwidthMeter(0, 0);
    m.sample(100, 10_000); // 100 B/ms
    m.sample(200, 40_000); // 300 B/ms
    expect(m.bandwidth).toBe(100);
    m.addIdle(950);
    m.sample(1150, 40_000); // idle: the first window ages out, the second is still recent
    expect(m.bandwidth).toBe(100);
  });

  it('a quarter-busy window counts as measured: it stays among the recent ones', () => {
    const m = new BandwidthMeter(0, 0);
    m.addIdle(75);
    m.sample(100, 2500); // 25 busy ms, 100 B/ms
    m.sample(200, 2500 + 30_000); // 300 B/ms
    expect(m.bandwidth).toBe(100);
  });

  it('no recent window: the average over all busy time, counted from the start bytes; never over zero busy time', () => {
    const idle = new BandwidthMeter(0, 5000);
    idle.addIdle(100);
    idle.sample(100, 5000); // no bytes, no busy time
    expect(idle.bandwidth).toBe(0);
    const bytesNoBusy = new BandwidthMeter(0, 5000);
    bytesNoBusy.addIdle(100);
    bytesNoBusy.sample(100, 6000); // bytes, but the whole window idle
    expect(bytesNoBusy.bandwidth).toBe(0);
    // 1000 bytes over 10 busy ms: too little busy time to be measured, so the average: 100 B/ms.
    const slow = new BandwidthMeter(0, 5000);
    slow.addIdle(90);
    slow.sample(100, 6000);
    expect(slow.bandwidth).toBe(100);
    // A window idle for longer than it lasted adds no (negative) busy time.
    slow.addIdle(500);
    slow.sample(200, 6000);
    slow.addIdle(90);
    slow.sample(300, 7000);
    expect(slow.bandwidth).toBe(2000 / 20);
  });
});

describe('RateLimiter edges', () => {
  it('a budget per 100 ms window, from the window start; unlimited at 0', () => {
    const r = new RateLimiter(1000);
    expect(r.allowance(1000, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(r.allowance(1000, 1_000_000)).toBe(100_000);
    r.record(60_000);
    expect(r.allowance(1050, 1_000_000)).toBe(40_000);
    expect(r.msToNextWindow(1030)).toBe(70);
    r.record(50_000);
    expect(r.allowance(1099, 1_000_000)).toBe(0);
    expect(r.allowance(1100, 1_000_000)).toBe(100_000); // a new window at exactly 100 ms
    expect(r.msToNextWindow(1100)).toBe(100);
    expect(r.msToNextWindow(1250)).toBe(0);
  });

  it('switchoverBandwidth: avail-switchover-bandwidth (bytes/s) in bytes/ms, else the measured one', () => {
    expect(switchoverBandwidth({ bandwidth: 7, availSwitchoverBandwidth: 0, downtimeLimitMs: 1 })).toBe(7);
    expect(switchoverBandwidth({ bandwidth: 7, availSwitchoverBandwidth: 5000, downtimeLimitMs: 1 })).toBe(5);
  });

  it('switchoverBandwidth: max-bandwidth bounds the measured bandwidth (not avail-switchover-bandwidth)', () => {
    expect(switchoverBandwidth({ bandwidth: 900, availSwitchoverBandwidth: 0, maxBandwidth: 64_000, downtimeLimitMs: 1 })).toBe(64);
    expect(switchoverBandwidth({ bandwidth: 30, availSwitchoverBandwidth: 0, maxBandwidth: 64_000, downtimeLimitMs: 1 })).toBe(30);
    expect(switchoverBandwidth({ bandwidth: 900, availSwitchoverBandwidth: 0, maxBandwidth: 0, downtimeLimitMs: 1 })).toBe(900);
    expect(switchoverBandwidth({ bandwidth: 900, availSwitchoverBandwidth: 500_000, maxBandwidth: 64_000, downtimeLimitMs: 1 })).toBe(500);
  });
});
