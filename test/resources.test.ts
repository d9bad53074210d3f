/**
 * Resource bounds (SPEC §6, §8): the peak RSS (VmHWM) of each daemon through a
 * migration under a dirtying workload stays within the machine's size plus a
 * fixed overhead. The destination loads every frame as it arrives (nothing
 * queues between the socket and the devices: a slow loader is backpressure on
 * the socket), buffers at most one partial frame, and stages early accel
 * contents in the memory its allocation adopts, so nothing is held twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { controlAddress, killAll, startDestination, startSource } from './helpers/daemons';
import { QmpWsClient } from './helpers/qmp-client';

afterEach(killAll);

const MiB = 1024 * 1024;
/** Node itself (~57 MiB idle), V8 heap, digest tables, socket chunks awaiting GC; measured ~95 MiB. */
const FIXED_OVERHEAD = 140 * MiB;
const MACHINE = [
  '--device', 'ram,id=ram0,size=192M',
  '--device', 'accel,id=accel0,resources=4,resource-size=16M,alloc-ms=100,initial-size=64K,state-size=4M',
  '--device', 'cpu,id=cpu0,vcpus=2',
];
const MACHINE_BYTES = 192 * MiB + 4 * 16 * MiB + 4 * MiB + 64 * 1024 + 2 * 1024;

describe('peak memory', () => {
  it('each daemon stays within the machine size plus a fixed overhead', async () => {
    const caps = ['--caps', 'return-path,switchover-ack,verify'];
    const { d: dst, uri } = await startDestination([...MACHINE, ...caps, '--control', '127.0.0.1:0']);
    const src = startSource([...MACHINE, ...caps, '--workload', 'dirty-rate=64M', '--control', '127.0.0.1:0']);
    const q = await QmpWsClient.connect(await controlAddress(src));
    await q.call('migrate', { uri });
    const end = await q.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed'].includes(e.data?.status as string));
    expect(end.data?.status).toBe('completed');
    const source = src.peakRss();
    const destination = dst.peakRss();
    console.log(`peak RSS: source ${(source / MiB).toFixed(0)} MiB, destination ${(destination / MiB).toFixed(0)} MiB, machine ${(MACHINE_BYTES / MiB).toFixed(0)} MiB`);
    expect(source).toBeLessThanOrEqual(MACHINE_BYTES + FIXED_OVERHEAD);
    expect(destination).toBeLessThanOrEqual(MACHINE_BYTES + FIXED_OVERHEAD);
    q.close();
  });
});
