/**
 * Migration parameters end to end, each by what it does to the migration (not
 * by how long a run took on this machine): `timeout` ends one that cannot
 * converge, `max-bandwidth` caps the rate actually sent, and
 * `avail-switchover-bandwidth` is the bandwidth the switchover decision uses.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { controlAddress, killAll, killEach, startDestination, startSource } from './helpers/daemons';
import { QmpWsClient } from './helpers/qmp-client';
import { BANDWIDTH_WINDOW_MS } from '@livemig/common/wire';

// The cases run concurrently: each kills its own daemons when it finishes; killAll is the backstop.
afterAll(killAll);

const MACHINE = ['--device', 'ram,id=ram0,size=16M', '--device', 'cpu,id=cpu0,vcpus=1'];
const CAPS = ['--caps', 'return-path,verify'];
// 3× what the link carries: without help this never converges.
const OUTRUN = ['--workload', 'dirty-rate=48M', '--param', 'max-bandwidth=16M', '--param', 'downtime-limit=50'];

describe.concurrent('migration parameters', () => {
  it('timeout: a migration that cannot converge fails MIG_ERR_TIMEOUT once it is over, and the machine runs on', async ({ expect, onTestFinished }) => {
    const { d: dst, uri } = await startDestination([...MACHINE, ...CAPS]);
    onTestFinished(() => killEach(dst));
    const src = startSource([...MACHINE, ...CAPS, ...OUTRUN, '--param', 'timeout=1000', '--control', '127.0.0.1:0']);
    onTestFinished(() => killEach(src));
    const q = await QmpWsClient.connect(await controlAddress(src));
    await q.call('migrate', { uri });
    const end = await q.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed', 'cancelled'].includes(e.data?.status as string));
    expect(end.data?.status).toBe('failed');
    const info = await q.call('query-migrate');
    expect(info['error-desc']).toBe('migration did not converge within timeout (1000 ms)');
    expect(info['total-time']).toBeGreaterThanOrEqual(1000);
    expect(q.events.some((e) => e.event === 'STOP')).toBe(false);
    expect((await q.call('query-status')).status).toBe('running');
    q.close();
  });

  it('max-bandwidth: the rate actually sent stays under the cap', async ({ expect, onTestFinished }) => {
    const { d: dst, uri } = await startDestination([...MACHINE, ...CAPS, '--exit-on-complete']);
    onTestFinished(() => killEach(dst));
    const cap = 32 * 1024 * 1024;
    const src = startSource([...MACHINE, ...CAPS, '--workload', 'dirty-rate=0', '--param', 'max-bandwidth=32M', '--migrate-to', uri]);
    onTestFinished(() => killEach(src));
    expect((await src.exited).code).toBe(0);
    expect((await dst.exited).code).toBe(0);
    const s = src.summary();
    const sent = (s.ram as Record<string, number>).transferred!;
    expect(sent).toBeGreaterThanOrEqual(16 * 1024 * 1024);
    // The limiter gives each 100 ms window (BANDWIDTH_WINDOW_MS, QEMU's BUFFER_DELAY) its
    // share at the window's start, so n windows' worth of bytes is out after n - 1 windows
    // and a bit: at least bytes / cap less one window. A slow machine only takes longer,
    // so this cannot flake; a limiter that let more through than its windows would fail.
    expect(s['total-time'] as number).toBeGreaterThanOrEqual((sent / cap) * 1000 - BANDWIDTH_WINDOW_MS);
  });

  it('avail-switchover-bandwidth: the switchover decision uses it, so the same outrun migration converges', async ({ expect, onTestFinished }) => {
    // Measured (16 MiB/s × 50 ms) nothing this workload leaves pending ever fits; at an
    // assumed 10 GiB/s it fits at once: the source switches over and completes, verified.
    const { d: dst, uri } = await startDestination([...MACHINE, ...CAPS, '--exit-on-complete']);
    onTestFinished(() => killEach(dst));
    const src = startSource([...MACHINE, ...CAPS, ...OUTRUN, '--param', 'avail-switchover-bandwidth=10G', '--param', 'timeout=8000', '--migrate-to', uri]);
    onTestFinished(() => killEach(src));
    expect((await src.exited).code, String(src.summary()['error-desc'])).toBe(0);
    expect((await dst.exited).code).toBe(0);
    const s = src.summary();
    expect(s.status).toBe('completed');
    expect(s.verified).toBe(true);
  });
});
