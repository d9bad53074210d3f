/**
 * Re-usable switchover-ack (QEMU 2026): `x-accel-resize {"id","resources"}`
 * on the running source gives the accel more resources; its precopy initial
 * data starts over, the destination prepares again, and the source may not
 * switch over before the new approval (a second MIGRATION_SWITCHOVER_ACK). A
 * re-arm after the source decided to switch over fails the migration and the
 * source runs on. Without switchover-ack the resize just changes what migrates.
 */
import { afterAll, describe, it } from 'vitest';
import { controlAddress, killAll, killEach, startDestination, startSource } from './helpers/daemons';
import { QmpWsClient, eventMs } from './helpers/qmp-client';

// The cases run concurrently (each mostly waits: 32 MiB/s, alloc-ms): each ends its own
// daemons and client when it finishes; killAll is the backstop.
afterAll(killAll);

const ACK = ['--caps', 'return-path,switchover-ack,verify'];
// RAM takes ~2 s at 32 MiB/s; the first allocation 2 × 150 ms, the one after the resize 4 × 700 ms.
const machine = (allocMs: number): string[] => [
  '--device', 'ram,id=ram0,size=64M',
  '--device', `accel,id=accel0,resources=2,resource-size=1M,alloc-ms=${allocMs},initial-size=64K,state-size=64K`,
  '--device', 'cpu,id=cpu0,vcpus=1',
  '--param', 'max-bandwidth=32M',
];

describe.concurrent('re-armable switchover-ack (x-accel-resize)', () => {
  it('a re-arm before the switchover decision delays the switchover until the new approval', async ({ expect, onTestFinished }) => {
    const { d: dst, uri } = await startDestination([...machine(700), ...ACK, '--exit-on-complete']);
    const src = startSource([...machine(700), ...ACK, '--workload', 'dirty-rate=0', '--control', '127.0.0.1:0']);
    onTestFinished(() => killEach(dst, src));
    const qmp = await QmpWsClient.connect(await controlAddress(src));
    onTestFinished(() => qmp.close());
    await qmp.call('migrate', { uri });
    const first = await qmp.waitEvent((e) => e.event === 'MIGRATION_SWITCHOVER_ACK');
    const resizedAt = Date.now();
    expect(await qmp.call('x-accel-resize', { id: 'accel0', resources: 4 })).toEqual({});
    // The ack is void now: the source waits for the new approval.
    const gated = (await qmp.call('query-migrate')) as Record<string, unknown>;
    expect(gated['switchover-acked']).toBe(false);
    expect((gated.devices as Array<Record<string, unknown>>).find((d) => d.id === 'accel0')!['switchover-ack']).toBe('pending');
    const end = await qmp.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed'].includes(e.data?.status as string));
    const info = (await qmp.call('query-migrate')) as Record<string, unknown>;
    expect(end.data?.status, String(info['error-desc'])).toBe('completed');
    expect(info.verified).toBe(true);
    const acks = qmp.events.filter((e) => e.event === 'MIGRATION_SWITCHOVER_ACK');
    expect(acks).toHaveLength(2);
    const stop = qmp.events.find((e) => e.event === 'STOP')!;
    // The new approval needed 4 × 700 ms of allocation after the resize; RAM alone was done sooner.
    expect(eventMs(acks[1]!)).toBeGreaterThan(eventMs(first) + 2800 - 50);
    expect(eventMs(stop)).toBeGreaterThanOrEqual(eventMs(acks[1]!));
    expect(eventMs(stop)).toBeGreaterThan(resizedAt);
    const d = await dst.exited;
    expect(d.code, dst.stderrText.slice(-2000)).toBe(0);
    const dest = dst.summary();
    expect(dest.verified).toBe(true);
    expect((dest.devices as Array<Record<string, unknown>>).find((x) => x.id === 'accel0')!.resources).toBe(4);
    expect(dst.logs.some((l) => l.msg === 'switchover-ack re-armed: the device prepares again')).toBe(true);
  });

  it('a re-arm after the source decided to switch over fails the migration; the source runs on and can migrate again', async ({ expect, onTestFinished }) => {
    // The destination stops itself at EOF: the source has stopped the machine and waits for LOADED.
    const { d: dst, uri } = await startDestination([...machine(20), ...ACK, '--exit-on-complete'], { LIVEMIG_TEST_FAULT: 'stall@eof' });
    const src = startSource([...machine(20), ...ACK, '--workload', 'dirty-rate=0', '--control', '127.0.0.1:0']);
    onTestFinished(() => killEach(dst, src));
    const qmp = await QmpWsClient.connect(await controlAddress(src));
    onTestFinished(() => qmp.close());
    await qmp.call('migrate', { uri });
    // Stopped for switchover: the decision is made.
    await qmp.waitEvent((e) => e.event === 'STOP');
    await qmp.call('x-accel-resize', { id: 'accel0', resources: 3 });
    const end = await qmp.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed'].includes(e.data?.status as string));
    expect(end.data?.status).toBe('failed');
    const info = (await qmp.call('query-migrate')) as Record<string, unknown>;
    expect(info['error-desc']).toMatch(/'accel0' re-armed switchover-ack \(new precopy initial data\) after the source decided to switch over/);
    expect(info['error-code']).toBe('MIG_ERR_DEVICE');
    expect(((await qmp.call('query-status')) as Record<string, unknown>).status).toBe('running');
    dst.proc.kill('SIGKILL');
    // The source's machine (now 3 resources) migrates to a new destination told the same device list.
    const next = await startDestination([...machine(20), ...ACK, '--exit-on-complete']);
    onTestFinished(() => killEach(next.d));
    await qmp.call('migrate', { uri: next.uri });
    const again = await qmp.waitEvent((e) => e.event === 'MIGRATION' && e.data?.status === 'completed' && eventMs(e) > eventMs(end));
    expect(again.data?.status).toBe('completed');
    expect((await next.d.exited).code).toBe(0);
    expect((next.d.summary().devices as Array<Record<string, unknown>>).find((x) => x.id === 'accel0')!.resources).toBe(3);
  });

  it('without switchover-ack the resize just changes what migrates', async ({ expect, onTestFinished }) => {
    const caps = ['--caps', 'return-path,verify'];
    const { d: dst, uri } = await startDestination([...machine(20), ...caps, '--exit-on-complete']);
    const src = startSource([...machine(20), ...caps, '--workload', 'dirty-rate=0', '--control', '127.0.0.1:0']);
    onTestFinished(() => killEach(dst, src));
    const qmp = await QmpWsClient.connect(await controlAddress(src));
    onTestFinished(() => qmp.close());
    await qmp.call('migrate', { uri });
    await qmp.waitEvent((e) => e.event === 'MIGRATION' && e.data?.status === 'active');
    await qmp.call('x-accel-resize', { id: 'accel0', resources: 5 });
    const end = await qmp.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed'].includes(e.data?.status as string));
    const info = (await qmp.call('query-migrate')) as Record<string, unknown>;
    expect(end.data?.status, String(info['error-desc'])).toBe('completed');
    expect(info.verified).toBe(true);
    expect(qmp.events.filter((e) => e.event === 'MIGRATION_SWITCHOVER_ACK')).toHaveLength(0);
    expect((await dst.exited).code).toBe(0);
    expect((dst.summary().devices as Array<Record<string, unknown>>).find((x) => x.id === 'accel0')!.resources).toBe(5);
    // Growing only, and only an accel: clear errors.
    expect(((await qmp.execute('x-accel-resize', { id: 'accel0', resources: 2 })).error as { desc?: string } | undefined)?.desc).toMatch(/resources must grow, from 5/);
    expect(((await qmp.execute('x-accel-resize', { id: 'ram0', resources: 9 })).error as { desc?: string } | undefined)?.desc).toBe("x-accel-resize: 'ram0' is a ram device, not accel");
    expect(((await qmp.execute('x-accel-resize', { id: 'accel0' })).error as { desc?: string } | undefined)?.desc).toBe("Parameter 'resources' is missing");
  });
});
