import { describe, expect, it, vi } from 'vitest';
import { AccelDevice, type AccelSpec } from '../src/devices/accel';
import { CpuDevice, type CpuSpec } from '../src/devices/cpu';
import { RamDevice, type RamSpec } from '../src/devices/ram';
import { parseDeviceSpec } from '../src/device-spec';
import { Rng } from '../src/prng';
import { ProtocolError } from '../src/errors';
import { MemorySectionWriter, loadSections, recordingLoadContext, saveContext } from '../src/testing';
import type { Device } from '../src/devices/device';

/** Precopy until nothing is pending, while a workload runs between rounds, then stop-and-copy. */
function migrate(src: Device, dst: Device, opts: { switchoverAck: boolean; dirtySeconds?: number }): MemorySectionWriter {
  const out = new MemorySectionWriter(src);
  const rng = new Rng(7);
  src.saveSetup(out, saveContext(opts.switchoverAck));
  for (let round = 0; round < 50; round++) {
    src.saveLiveIterate(out, 1 << 20, false);
    if (opts.dirtySeconds) (src as RamDevice).simulateWrites(opts.dirtySeconds, rng, 4 << 20, 100);
    loadSections(dst, out.take());
    if (src.statePendingExact() === 0) break;
  }
  src.statePendingExact();
  while (src.saveLiveIterate(out, 1 << 20, true) > 0) loadSections(dst, out.take());
  src.saveLiveCompletePrecopy(out);
  loadSections(dst, out.take());
  return out;
}

describe('ram', () => {
  const spec = parseDeviceSpec('ram,id=ram0,size=4M,fill=random') as RamSpec;

  it('round-trips through save and load while the workload dirties pages', async () => {
    const src = new RamDevice(spec, 'source');
    const dst = new RamDevice(spec, 'destination');
    dst.loadSetup(recordingLoadContext(false));
    migrate(src, dst, { switchoverAck: false, dirtySeconds: 0.01 });
    await dst.loadComplete();
    expect(dst.memory.equals(src.memory)).toBe(true);
    expect(dst.digest()).toEqual(src.digest());
    expect(src.stats.dirtySyncCount).toBeGreaterThan(1);
  });

  it('sends zero pages as a flag only, and does not write them on the destination', () => {
    const zspec = parseDeviceSpec('ram,id=ram0,size=1M,fill=zero') as RamSpec;
    const src = new RamDevice(zspec, 'source');
    src.write(4096, Buffer.alloc(4096, 0xab)); // one non-zero page
    const out = new MemorySectionWriter(src);
    src.saveSetup(out, saveContext(false));
    src.saveLiveIterate(out, 1 << 30, false);
    const bytes = out.take();
    expect(bytes.length).toBeLessThan(4096 + 1024); // one page of payload plus small headers
    expect(src.stats.zeroPages).toBe(255);
    expect(src.stats.normalPages).toBe(1);
    const dst = new RamDevice(zspec, 'destination');
    dst.loadSetup(recordingLoadContext(false));
    loadSections(dst, bytes);
    expect(dst.memory.equals(src.memory)).toBe(true);
  });

  it('zeroes a destination page that holds stale data when a zero page arrives', () => {
    const zspec = parseDeviceSpec('ram,id=ram0,size=64K,fill=zero') as RamSpec;
    const src = new RamDevice(zspec, 'source');
    const dst = new RamDevice(zspec, 'destination');
    dst.write(0, Buffer.alloc(4096, 9)); // left over from an earlier, failed load
    dst.loadSetup(recordingLoadContext(false));
    migrate(src, dst, { switchoverAck: false });
    expect(dst.memory.equals(src.memory)).toBe(true);
  });

  it('rejects page runs outside memory and payloads that do not match', () => {
    const dst = new RamDevice(parseDeviceSpec('ram,id=ram0,size=64K') as RamSpec, 'destination');
    dst.loadSetup(recordingLoadContext(false));
    const part = (runs: number[], payload: Buffer) => dst.loadState({ type: 2, version: 1, header: { normalRuns: runs }, payload: [payload], payloadLength: payload.length });
    expect(() => part([15, 2], Buffer.alloc(8192))).toThrow(ProtocolError);
    expect(() => part([0, 1], Buffer.alloc(100))).toThrow(/payload is 100 bytes/);
  });
});

describe('accel', () => {
  const spec = parseDeviceSpec('accel,id=accel0,resources=3,resource-size=256K,alloc-ms=5,initial-size=64K,state-size=100K,dirty-rate=1M') as AccelSpec;

  it('with switchover-ack: marks the end of initial data, allocates in the background, approves once', async () => {
    const src = new AccelDevice(spec, 'source');
    const dst = new AccelDevice(spec, 'destination');
    const ctx = recordingLoadContext(true);
    dst.loadSetup(ctx);
    expect(dst.switchoverAckNeeded()).toBe(true);
    const out = new MemorySectionWriter(src);
    src.saveSetup(out, saveContext(true));
    expect(src.initialDataPending()).toBeGreaterThan(0);
    src.saveLiveIterate(out, 1 << 20, false);
    expect(src.initialDataPending()).toBe(0);
    loadSections(dst, out.take());
    expect(ctx.approvals).toHaveLength(0); // allocation still running
    await dst.whenAllocationSettled();
    expect(ctx.approvals[0]![0]).toBe('accel0');
    expect(ctx.approvals[0]![1]).toBeGreaterThanOrEqual(3 * 5);
    // contents after allocation go straight into the resources
    src.simulateWrites(0.05, new Rng(3));
    src.statePendingExact();
    while (src.saveLiveIterate(out, 1 << 20, true) > 0) loadSections(dst, out.take());
    src.saveLiveCompletePrecopy(out);
    loadSections(dst, out.take());
    await dst.loadComplete();
    expect(dst.digest()).toEqual(src.digest());
    expect(ctx.approvals).toHaveLength(1);
  });

  it('without switchover-ack: no mark; allocation happens at the final load', async () => {
    const src = new AccelDevice(spec, 'source');
    const dst = new AccelDevice(spec, 'destination');
    const ctx = recordingLoadContext(false);
    dst.loadSetup(ctx);
    migrate(src, dst, { switchoverAck: false });
    expect(dst.allocationMs).toBeNull();
    await dst.loadComplete();
    expect(dst.allocationMs).not.toBeNull();
    expect(ctx.approvals).toHaveLength(0);
    expect(dst.digest()).toEqual(src.digest());
  });

  it('an INIT_DATA_SENT mark while switchover-ack is off is a protocol error', () => {
    const src = new AccelDevice(spec, 'source');
    const dst = new AccelDevice(spec, 'destination');
    dst.loadSetup(recordingLoadContext(false));
    const out = new MemorySectionWriter(src);
    src.saveSetup(out, saveContext(true));
    src.saveLiveIterate(out, 1 << 20, false);
    expect(() => loadSections(dst, out.take())).toThrow('Received INIT_DATA_SENT but switchover ack is not used');
  });

  it('cleanup during allocation abandons it and frees the resources', async () => {
    const slow = parseDeviceSpec('accel,id=accel0,resources=2,resource-size=64K,alloc-ms=50,initial-size=16K') as AccelSpec;
    const src = new AccelDevice(slow, 'source');
    const dst = new AccelDevice(slow, 'destination');
    const ctx = recordingLoadContext(true);
    dst.loadSetup(ctx);
    const out = new MemorySectionWriter(src);
    src.saveSetup(out, saveContext(true));
    src.saveLiveIterate(out, 1 << 20, false);
    loadSections(dst, out.take());
    dst.loadCleanup();
    await dst.whenAllocationSettled();
    expect(ctx.approvals).toHaveLength(0);
    expect(dst.status()['allocated-resources']).toBe(0);
  });
});

describe('cpu', () => {
  it('is sent whole, once, in a FULL section', async () => {
    const spec = parseDeviceSpec('cpu,id=cpu0,vcpus=3') as CpuSpec;
    const src = new CpuDevice(spec, 'source');
    const dst = new CpuDevice(spec, 'destination');
    dst.loadSetup(recordingLoadContext(false));
    const out = new MemorySectionWriter(src);
    src.saveSetup(out, saveContext(false));
    expect(src.statePendingEstimate()).toBe(3 * 1024);
    src.saveLiveCompletePrecopy(out);
    expect(src.statePendingEstimate()).toBe(0);
    loadSections(dst, out.take());
    await dst.loadComplete();
    expect(dst.regs.equals(src.regs)).toBe(true);
  });

  it('fails the final load when no state arrived', async () => {
    const dst = new CpuDevice(parseDeviceSpec('cpu,id=cpu0,vcpus=1') as CpuSpec, 'destination');
    dst.loadSetup(recordingLoadContext(false));
    await expect(dst.loadComplete()).rejects.toThrow(/without cpu state/);
  });
});


describe('the workload simulator', () => {
  it('keeps no timer for a machine that writes nothing (dirty-rate=0, no accel dirty-rate), and one otherwise', async () => {
    const { Machine, parseDeviceList, parseWorkloadSpec } = await import('../src/index.js');
    const intervals = vi.spyOn(globalThis, 'setInterval');
    try {
      const idle = new Machine(parseDeviceList(['ram,id=ram0,size=1M', 'accel,id=accel0,resources=1,resource-size=64K,alloc-ms=0,initial-size=4K,state-size=4K', 'cpu,id=cpu0,vcpus=1']), parseWorkloadSpec('dirty-rate=0'), 'source');
      idle.start();
      expect(idle.workload?.running).toBe(true);
      expect(intervals).not.toHaveBeenCalled();
      idle.close();
      for (const [devices, workload] of [
        [['ram,id=ram0,size=1M', 'cpu,id=cpu0,vcpus=1'], 'dirty-rate=1M'],
        [['ram,id=ram0,size=1M', 'accel,id=accel0,resources=1,resource-size=64K,alloc-ms=0,initial-size=4K,state-size=4K,dirty-rate=1M'], 'dirty-rate=0'],
      ] as const) {
        intervals.mockClear();
        const busy = new Machine(parseDeviceList([...devices]), parseWorkloadSpec(workload), 'source');
        busy.start();
        expect(intervals, `${workload} with ${devices.join(' ')}`).toHaveBeenCalledTimes(1);
        busy.close();
      }
    } finally {
      intervals.mockRestore();
    }
  });
});
