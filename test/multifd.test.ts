/**
 * multifd end to end (SPEC §3): RAM pages over extra connections, the sync
 * points that keep re-sent pages in order, and the capability check. Functional
 * only: throughput figures are in `npm run bench`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { killAll, startDestination, startSource } from './helpers/daemons';

afterEach(killAll);

describe('multifd', () => {
  it('migrates RAM over the extra channels under a dirtying workload and verifies', async () => {
    const caps = ['--caps', 'return-path,switchover-ack,verify,multifd'];
    // The ack takes 4 × 300 ms of allocation: many passes meanwhile, with pages
    // re-sent (on any channel) across sync points.
    const machine = ['--device', 'ram,id=ram0,size=64M', '--device', 'accel,id=accel0,resources=4,resource-size=4M,alloc-ms=300,initial-size=64K,state-size=1M', '--device', 'cpu,id=cpu0,vcpus=2'];
    const { d: dst, uri } = await startDestination([...machine, ...caps, '--exit-on-complete']);
    const src = startSource([...machine, ...caps, '--param', 'multifd-channels=3', '--workload', 'dirty-rate=96M', '--migrate-to', uri]);
    const [s, d] = await Promise.all([src.exited, dst.exited]);
    expect(s.code).toBe(0);
    expect(d.code).toBe(0);
    const summary = src.summary();
    expect(summary.status).toBe('completed');
    expect(summary.verified).toBe(true);
    expect((summary.ram as Record<string, number>)['dirty-sync-count']).toBeGreaterThan(1);
    expect(dst.summary().verified).toBe(true);
    const opened = src.logs.find((l) => l.msg === 'multifd channels open');
    expect(opened?.channels).toBe(3);
    const attached = dst.logs.filter((l) => l.msg === 'multifd channel attached').map((l) => l.channel);
    expect(attached.sort()).toEqual([0, 1, 2]);
  });

  it('a page re-sent in a later pass never loses to its older copy on another channel (one channel held back until the first sync point)', async () => {
    // LIVEMIG_TEST_MULTIFD_HOLD=0 (destination test hook): channel 0 loads nothing until the
    // main channel reached the first sync point; its first pages (copies as they were when
    // sent) wait in the kernel while channels 1 and 2 load theirs. With the sync points,
    // nothing of a later pass loads before them; without, a page channel 0 carried and the
    // workload re-dirtied (re-sent on 1 or 2) would be overwritten by its older copy:
    // verification fails. Every run, not by chance.
    const caps = ['--caps', 'return-path,switchover-ack,verify,multifd'];
    const machine = ['--device', 'ram,id=ram0,size=8M', '--device', 'accel,id=accel0,resources=2,resource-size=1M,alloc-ms=250,initial-size=64K,state-size=256K', '--device', 'cpu,id=cpu0,vcpus=2'];
    const { d: dst, uri } = await startDestination([...machine, ...caps, '--exit-on-complete'], { LIVEMIG_TEST_MULTIFD_HOLD: '0' });
    const src = startSource([...machine, ...caps, '--param', 'multifd-channels=3', '--workload', 'dirty-rate=64M', '--migrate-to', uri]);
    const [s, d] = await Promise.all([src.exited, dst.exited]);
    expect(s.code, String(src.summary()['error-desc'])).toBe(0);
    expect(d.code).toBe(0);
    const summary = src.summary();
    expect(summary.verified).toBe(true);
    expect(dst.summary().verified).toBe(true);
    // The hold happened: channel 0 was attached only at the first sync point, after passes went on.
    expect(dst.logs.find((l) => l.msg === 'test hook: held multifd channel attached at the sync point')?.seq).toBe(1);
    expect((summary.ram as Record<string, number>)['dirty-sync-count']).toBeGreaterThanOrEqual(3);
  });

  it('works without a return path', async () => {
    const machine = ['--device', 'ram,id=ram0,size=32M', '--device', 'cpu,id=cpu0,vcpus=2'];
    const caps = ['--caps', 'multifd,verify'];
    const { d: dst, uri } = await startDestination([...machine, ...caps, '--exit-on-complete']);
    const src = startSource([...machine, ...caps, '--workload', 'dirty-rate=32M', '--migrate-to', uri]);
    const [s, d] = await Promise.all([src.exited, dst.exited]);
    expect(s.code).toBe(0);
    expect(d.code).toBe(0);
    expect(dst.summary().verified).toBe(true);
    expect(dst.logs.filter((l) => l.msg === 'multifd channel attached')).toHaveLength(2);
  });

  it.each([
    ['on at the source', 'return-path,multifd', 'return-path', "capability 'multifd' is on at the source but off at the destination"],
    ['on at the destination', 'return-path', 'return-path,multifd', "capability 'multifd' is off at the source but on at the destination"],
    ['on at the source, no return path', 'multifd', 'verify', "capability 'multifd' is on at the source but off at the destination"],
  ])('refuses a multifd mismatch (%s), naming the capability; the destination keeps waiting', async (_what, srcCaps, dstCaps, desc) => {
    const machine = ['--device', 'ram,id=ram0,size=16M'];
    const { d: dst, uri } = await startDestination([...machine, '--caps', dstCaps]);
    const src = startSource([...machine, '--caps', srcCaps, '--migrate-to', uri]);
    expect((await src.exited).code).toBe(1);
    const s = src.summary();
    expect(s.status).toBe('failed');
    expect(s['error-desc']).toContain(desc);
    expect(dst.proc.exitCode).toBeNull();
  });
});
