/**
 * End to end: the real daemons over loopback (issue #2). Timing assertions use
 * the daemons' own event timestamps and reported figures, never sleeps.
 */
import { afterAll, describe, it } from 'vitest';
import { SMALL_MACHINE, controlAddress, killAll, killEach, startDestination, startSource } from './helpers/daemons';
import { QmpWsClient, eventMs } from './helpers/qmp-client';

// The cases run concurrently (several wait on alloc-ms or a bandwidth cap): each kills its
// own daemons when it finishes; killAll is the backstop.
afterAll(killAll);

const ACK = ['--caps', 'return-path,switchover-ack,verify'];

describe.concurrent('migration between two daemons', () => {
  it('completes and verifies under a dirtying workload', async ({ expect, onTestFinished }) => {
    const { d: dst, uri } = await startDestination([...SMALL_MACHINE, ...ACK, '--exit-on-complete']);
    onTestFinished(() => killEach(dst));
    const src = startSource([...SMALL_MACHINE, ...ACK, '--workload', 'dirty-rate=64M', '--migrate-to', uri]);
    onTestFinished(() => killEach(src));
    const [s, d] = await Promise.all([src.exited, dst.exited]);
    expect(s.code).toBe(0);
    expect(d.code).toBe(0);
    const summary = src.summary();
    expect(summary.status).toBe('completed');
    expect(summary.verified).toBe(true);
    expect(summary['switchover-acked']).toBe(true);
    const ram = summary.ram as Record<string, number>;
    expect(ram.total).toBe(64 * 1024 * 1024);
    expect(ram['normal-bytes']).toBeGreaterThanOrEqual(ram.total!);
    // Downtime is real (the machine stopped) and part of the migration's time.
    expect(summary.downtime as number).toBeGreaterThan(0);
    expect(summary.downtime as number).toBeLessThanOrEqual(summary['total-time'] as number);
    const dest = dst.summary();
    expect(dest.status).toBe('completed');
    expect(dest.verified).toBe(true);
  });

  it('sends the converged pending set while the machine runs: an idle machine stops with no RAM left to send', async ({ expect, onTestFinished }) => {
    // At 128 MiB/s, 64 MiB converge with ~38 MiB still pending (≤ bandwidth × 300 ms);
    // QEMU would send those with the machine stopped. Here only what the machine dirtied
    // during the final pass goes in the downtime: nothing, for an idle machine.
    const machine = ['--device', 'ram,id=ram0,size=64M', '--device', 'cpu,id=cpu0,vcpus=2', '--param', 'max-bandwidth=128M'];
    const caps = ['--caps', 'return-path'];
    const { d: dst, uri } = await startDestination([...machine, ...caps, '--exit-on-complete']);
    onTestFinished(() => killEach(dst));
    const src = startSource([...machine, ...caps, '--workload', 'dirty-rate=0', '--migrate-to', uri]);
    onTestFinished(() => killEach(src));
    const [s, d] = await Promise.all([src.exited, dst.exited]);
    expect(s.code).toBe(0);
    expect(d.code).toBe(0);
    const summary = src.summary();
    expect(summary.status).toBe('completed');
    const ram = summary.ram as Record<string, number>;
    expect(ram['precopy-bytes']).toBeGreaterThanOrEqual(ram.total!);
    // At stop: SWITCHOVER_START, the sections' END frames, the CPU state, EOF; no page.
    expect(ram['downtime-bytes']).toBeLessThan(64 * 1024);
  });

  it('with switchover-ack, keeps iterating until the ack and stops the machine only after it', async ({ expect, onTestFinished }) => {
    // Allocation (4 × 300 ms) takes far longer than converging 64 MiB over loopback.
    const machine = ['--device', 'ram,id=ram0,size=64M', '--device', 'accel,id=accel0,resources=4,resource-size=4M,alloc-ms=300,initial-size=64K,state-size=1M', '--device', 'cpu,id=cpu0,vcpus=2'];
    const { d: dst, uri } = await startDestination([...machine, ...ACK, '--exit-on-complete']);
    onTestFinished(() => killEach(dst));
    const src = startSource([...machine, ...ACK, '--control', '127.0.0.1:0']);
    onTestFinished(() => killEach(src));
    const qmp = await QmpWsClient.connect(await controlAddress(src));
    onTestFinished(() => qmp.close());
    await qmp.call('migrate', { uri });
    const completed = await qmp.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed'].includes(e.data?.status as string));
    expect(completed.data?.status).toBe('completed');
    const ack = await qmp.waitEvent((e) => e.event === 'MIGRATION_SWITCHOVER_ACK');
    const stop = await qmp.waitEvent((e) => e.event === 'STOP');
    const active = await qmp.waitEvent((e) => e.event === 'MIGRATION' && e.data?.status === 'active');
    expect(eventMs(stop)).toBeGreaterThanOrEqual(eventMs(ack));
    // The ack came after the allocation time, and passes went on meanwhile.
    expect(eventMs(ack) - eventMs(active)).toBeGreaterThanOrEqual(4 * 300);
    const passesBeforeAck = qmp.events.filter((e) => e.event === 'MIGRATION_PASS' && eventMs(e) < eventMs(ack));
    expect(passesBeforeAck.length).toBeGreaterThan(1);
    const info = await qmp.call('query-migrate');
    expect(info['switchover-ack-wait']).toBeGreaterThanOrEqual(4 * 300);
    expect(info.verified).toBe(true);
    expect(info.devices.find((x: { id: string }) => x.id === 'accel0')['switchover-ack']).toBe('approved');
    // The allocation was paid before the stop (STOP came after the ack, which the destination
    // sends only once allocated): the final load did not contain it, so it took less than the
    // allocation did. A relation between the run's own figures, not a time budget.
    expect(info['downtime-breakdown']['destination-load']).toBeLessThan(info['switchover-ack-wait']);
    qmp.close();
    expect((await dst.exited).code).toBe(0);
  });

  it('with two gating devices, the ack comes only after both approved, and the machine stops after the ack', async ({ expect, onTestFinished }) => {
    // accel0 is done in ~50 ms, accel1 takes 3 × 250 ms: an ack counted early would come between them.
    const machine = [
      '--device', 'ram,id=ram0,size=16M',
      '--device', 'accel,id=accel0,resources=1,resource-size=1M,alloc-ms=50,initial-size=64K,state-size=256K',
      '--device', 'accel,id=accel1,resources=3,resource-size=1M,alloc-ms=250,initial-size=64K,state-size=256K',
      '--device', 'cpu,id=cpu0,vcpus=2',
    ];
    const { d: dst, uri } = await startDestination([...machine, ...ACK, '--exit-on-complete']);
    onTestFinished(() => killEach(dst));
    const src = startSource([...machine, ...ACK, '--control', '127.0.0.1:0']);
    onTestFinished(() => killEach(src));
    const qmp = await QmpWsClient.connect(await controlAddress(src));
    onTestFinished(() => qmp.close());
    await qmp.call('migrate', { uri });
    const completed = await qmp.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed'].includes(e.data?.status as string));
    expect(completed.data?.status).toBe('completed');
    // Events in the order the source saw them (one connection: emission order).
    const order = qmp.events
      .filter((e) => ['DEVICE_PREALLOCATED', 'MIGRATION_SWITCHOVER_ACK', 'STOP'].includes(e.event))
      .map((e) => (e.event === 'DEVICE_PREALLOCATED' ? `approved:${e.data?.device as string}` : e.event));
    expect(order).toEqual(['approved:accel0', 'approved:accel1', 'MIGRATION_SWITCHOVER_ACK', 'STOP']);
    const info = await qmp.call('query-migrate');
    expect(info.verified).toBe(true);
    expect(info.devices.filter((x: { id: string }) => x.id.startsWith('accel')).map((x: Record<string, unknown>) => [x.id, x['switchover-ack']])).toEqual([
      ['accel0', 'approved'],
      ['accel1', 'approved'],
    ]);
    qmp.close();
    expect((await dst.exited).code).toBe(0);
  });

  it('without switchover-ack, switches earlier and its downtime includes the allocation', async ({ expect, onTestFinished }) => {
    const machine = ['--device', 'ram,id=ram0,size=64M', '--device', 'accel,id=accel0,resources=4,resource-size=4M,alloc-ms=300,initial-size=64K,state-size=1M', '--device', 'cpu,id=cpu0,vcpus=2'];
    const caps = ['--caps', 'return-path,verify'];
    const { d: dst, uri } = await startDestination([...machine, ...caps, '--exit-on-complete']);
    onTestFinished(() => killEach(dst));
    const src = startSource([...machine, ...caps, '--control', '127.0.0.1:0']);
    onTestFinished(() => killEach(src));
    const qmp = await QmpWsClient.connect(await controlAddress(src));
    onTestFinished(() => qmp.close());
    await qmp.call('migrate', { uri });
    const end = await qmp.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed'].includes(e.data?.status as string));
    expect(end.data?.status).toBe('completed');
    // Earlier: nothing waits for the allocation before the stop. The source saw no
    // approval and no ack, went from precopy straight to STOP; the allocation then
    // happened on the destination after it (its final load waited for it, inside
    // the downtime). Order of events, not a time budget (that is the bench's).
    const order = qmp.events
      .filter((e) => ['DEVICE_PREALLOCATED', 'MIGRATION_SWITCHOVER_ACK', 'STOP'].includes(e.event) || e.event === 'MIGRATION')
      .map((e) => (e.event === 'MIGRATION' ? `MIGRATION:${e.data?.status as string}` : e.event));
    expect(order).toEqual(['MIGRATION:setup', 'MIGRATION:active', 'STOP', 'MIGRATION:device', 'MIGRATION:completed']);
    const info = await qmp.call('query-migrate');
    qmp.close();
    expect(info['switchover-acked']).toBe(false);
    expect(info.downtime as number).toBeGreaterThanOrEqual(4 * 300);
    expect(info.downtime as number).toBeLessThanOrEqual(info['total-time'] as number);
    expect((info['downtime-breakdown'] as Record<string, number>)['destination-load']).toBeGreaterThanOrEqual(4 * 300 * 0.9);
    expect((await dst.exited).code).toBe(0);
  });

  it('refuses a device list mismatch before any state moves; the source keeps running and can migrate again', async ({ expect, onTestFinished }) => {
    const { d: wrong, uri: wrongUri } = await startDestination(['--device', 'ram,id=ram0,size=32M', '--device', 'cpu,id=cpu0,vcpus=2', ...ACK]);
    onTestFinished(() => killEach(wrong));
    const src = startSource([...SMALL_MACHINE, ...ACK, '--control', '127.0.0.1:0']);
    onTestFinished(() => killEach(src));
    const qmp = await QmpWsClient.connect(await controlAddress(src));
    onTestFinished(() => qmp.close());
    await qmp.call('migrate', { uri: wrongUri });
    const failed = await qmp.waitEvent((e) => e.event === 'MIGRATION' && ['failed', 'completed'].includes(e.data?.status as string));
    expect(failed.data?.status).toBe('failed');
    const info = await qmp.call('query-migrate');
    expect(info['error-desc']).toMatch(/ram0.*size=64M.*size=32M/);
    expect(info['error-desc']).toMatch(/accel0.*exists at the source but not at the destination/);
    expect((await qmp.call('query-status')).status).toBe('running');
    // The refused destination is still there, waiting.
    expect(wrong.proc.exitCode).toBeNull();
    const { d: right, uri } = await startDestination([...SMALL_MACHINE, ...ACK, '--exit-on-complete']);
    onTestFinished(() => killEach(right));
    const before = qmp.events.length;
    await qmp.call('migrate', { uri });
    const done = await qmp.waitEvent((e) => qmp.events.indexOf(e) >= before && e.event === 'MIGRATION' && ['completed', 'failed'].includes(e.data?.status as string));
    expect(done.data?.status).toBe('completed');
    expect((await qmp.call('query-migrate')).verified).toBe(true);
    qmp.close();
    expect((await right.exited).code).toBe(0);
  });

  it('refuses a capability mismatch naming the capability', async ({ expect, onTestFinished }) => {
    const { d: dst, uri } = await startDestination([...SMALL_MACHINE, '--caps', 'return-path,verify']);
    onTestFinished(() => killEach(dst));
    const src = startSource([...SMALL_MACHINE, ...ACK, '--migrate-to', uri]);
    onTestFinished(() => killEach(src));
    expect((await src.exited).code).toBe(1);
    const s = src.summary();
    expect(s.status).toBe('failed');
    expect(s['error-desc']).toContain("capability 'switchover-ack' is on at the source but off at the destination");
  });

  it('migrate-set-capabilities: switchover-ack requires return-path (exact QEMU text)', async ({ expect, onTestFinished }) => {
    const src = startSource([...SMALL_MACHINE, '--control', '127.0.0.1:0']);
    onTestFinished(() => killEach(src));
    const qmp = await QmpWsClient.connect(await controlAddress(src));
    onTestFinished(() => qmp.close());
    const reply = await qmp.execute('migrate-set-capabilities', { capabilities: [{ capability: 'switchover-ack', state: true }] });
    expect(reply.error).toEqual({ class: 'GenericError', desc: "Capability 'switchover-ack' requires capability 'return-path'" });
    qmp.close();
  });
});

describe.concurrent('command line', () => {
  it('exits 2 with an error naming the bad value', async ({ expect, onTestFinished }) => {
    const src = startSource(['--device', 'ram,id=ram0,size=12Q']);
    onTestFinished(() => killEach(src));
    expect((await src.exited).code).toBe(2);
    expect(src.stderrText).toContain("device 'ram0' size: '12Q' is not a size");
    const src2 = startSource(['--caps', 'switchover-ack']);
    onTestFinished(() => killEach(src2));
    expect((await src2.exited).code).toBe(2);
    expect(src2.stderrText).toContain("Capability 'switchover-ack' requires capability 'return-path'");
    const src3 = startSource(['--param', 'downtime-limit=fast']);
    onTestFinished(() => killEach(src3));
    expect((await src3.exited).code).toBe(2);
    expect(src3.stderrText).toContain("downtime-limit");
  });
});
