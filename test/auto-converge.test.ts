/**
 * auto-converge end to end: the throttle rises while the workload dirties RAM
 * faster than a small max-bandwidth can carry it, the migration converges, and
 * the throttle is back to 0 when it ends — completed or cancelled. Functional
 * only: the convergence figures are in `npm run bench`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { controlAddress, killAll, startDestination, startSource } from './helpers/daemons';
import { QmpWsClient } from './helpers/qmp-client';

afterEach(killAll);

const MACHINE = ['--device', 'ram,id=ram0,size=16M'];
// 3× the link: without a throttle this never converges.
const OUTRUN = ['--workload', 'dirty-rate=96M', '--param', 'max-bandwidth=32M'];
const throttleUp = (l: { msg: string; percent?: unknown }): boolean => l.msg === 'auto-converge: cpu throttle' && typeof l.percent === 'number' && l.percent > 0;

describe('auto-converge', () => {
  it('throttles a workload that outruns the link until it converges, then resets the throttle', async () => {
    const caps = ['--caps', 'return-path,auto-converge,verify'];
    const { d: dst, uri } = await startDestination([...MACHINE, ...caps, '--exit-on-complete']);
    const src = startSource([...MACHINE, ...caps, ...OUTRUN, '--migrate-to', uri]);
    const [s, d] = await Promise.all([src.exited, dst.exited]);
    expect(s.code).toBe(0);
    expect(d.code).toBe(0);
    const raised = src.logs.filter(throttleUp).map((l) => l.percent as number);
    // Starts at cpu-throttle-initial (20) and rises by cpu-throttle-increment (10).
    expect(raised[0]).toBe(20);
    for (let i = 1; i < raised.length; i++) expect(raised[i]).toBe(raised[i - 1]! + 10);
    const summary = src.summary();
    expect(summary.status).toBe('completed');
    expect(summary.verified).toBe(true);
    expect(summary['cpu-throttle-percentage']).toBe(0);
    const last = src.logs.filter((l) => l.msg === 'auto-converge: cpu throttle').at(-1);
    expect(last?.percent).toBe(0);
  });

  it('the throttle slows the workload itself: its dirty rate (query-migrate) drops once throttled', async () => {
    // One step to 90 %: the workload then runs a tenth of the time. dirty-pages-rate counts
    // the distinct pages dirtied per second between syncs; unthrottled, 96M/s over 16 MiB
    // nearly saturates each pass; at 90 % the writers make ~2,500 page writes a second.
    const { uri } = await startDestination([...MACHINE, '--caps', 'return-path']);
    const params = ['--param', 'cpu-throttle-initial=90', '--param', 'max-cpu-throttle=90'];
    const src = startSource([...MACHINE, '--caps', 'return-path,auto-converge', ...OUTRUN, ...params, '--control', '127.0.0.1:0']);
    const qmp = await QmpWsClient.connect(await controlAddress(src));
    const samples: Array<{ pass: number; throttle: number; rate: number }> = [];
    const ended = (e: { event: string; data?: Record<string, unknown> }): boolean => e.event === 'MIGRATION' && ['completed', 'failed', 'cancelled'].includes(e.data?.status as string);
    await qmp.call('migrate', { uri });
    // After each pass: the figures then (query-migrate), until two passes ran throttled or it ended.
    for (let pass = 1; samples.filter((x) => x.throttle === 90).length < 2; pass++) {
      const e = await qmp.waitEvent((x) => (x.event === 'MIGRATION_PASS' && (x.data?.pass as number) >= pass) || ended(x));
      const info = await qmp.call('query-migrate');
      samples.push({ pass: info.ram['dirty-sync-count'], throttle: info['cpu-throttle-percentage'] ?? 0, rate: info.ram['dirty-pages-rate'] });
      if (ended(e)) break;
      pass = e.data?.pass as number;
    }
    // The rate a pass reports is over the interval before its sync: the first throttled sample
    // may still cover unthrottled time, so compare the fastest unthrottled with the last throttled one.
    const before = samples.filter((x) => x.throttle === 0 && x.pass >= 2 && x.rate > 0).map((x) => x.rate);
    const after = samples.filter((x) => x.throttle === 90).map((x) => x.rate);
    expect(before.length, JSON.stringify(samples)).toBeGreaterThan(0);
    expect(after.length, JSON.stringify(samples)).toBeGreaterThan(0);
    expect(after.at(-1)!, JSON.stringify(samples)).toBeLessThan(Math.max(...before) / 2);
    qmp.close();
  });

  it('resets the throttle when the migration is cancelled; the machine runs on at full speed', async () => {
    const { uri } = await startDestination([...MACHINE, '--caps', 'return-path']);
    const src = startSource([...MACHINE, '--caps', 'return-path,auto-converge', ...OUTRUN, '--control', '127.0.0.1:0']);
    const qmp = await QmpWsClient.connect(await controlAddress(src));
    await qmp.call('migrate', { uri });
    await src.waitLog(throttleUp, 'a throttle step');
    const live = await qmp.call('query-migrate');
    expect(live['cpu-throttle-percentage']).toBeGreaterThan(0);
    await qmp.call('migrate_cancel');
    await qmp.waitEvent((e) => e.event === 'MIGRATION' && e.data?.status === 'cancelled');
    const after = await qmp.call('query-migrate');
    expect(after.status).toBe('cancelled');
    expect(after['cpu-throttle-percentage']).toBe(0);
    expect((await qmp.call('query-status')).status).toBe('running');
    qmp.close();
  });
});
