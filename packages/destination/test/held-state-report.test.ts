/**
 * precopy-resume, the destination's report on a resume: every iterable
 * device's receivedState() as held-state pieces; a device without the hook is
 * set up again (loadCleanup, loadSetup, its section restarted: a new START is
 * taken) and reported as none; non-iterable devices are not reported.
 */
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { HeldStateAssembler, livemig, type RpMessage } from '@livemig/common/wire';
import { Machine, parseDeviceList, parseWorkloadSpec } from '@livemig/common/devices';
import { reportHeldState } from '../src/held-state-report';
import { LoadSetup } from '../src/load-setup';
import { ReturnPathWriter } from '../src/return-path-writer';
import { SectionTable } from '../src/section-table';
import { FakeSocket } from '../../../test/helpers/fake-socket';

describe('reportHeldState', () => {
  it('reports what each iterable device holds, and sets up again one without the hook', () => {
    const machine = new Machine(parseDeviceList(['ram,id=ram0,size=64K', 'cpu,id=cpu0,vcpus=1', 'accel,id=accel0,resources=1,resource-size=64K,alloc-ms=0,initial-size=4K']), parseWorkloadSpec('dirty-rate=0'), 'destination');
    const accel = machine.device('accel0')!;
    // An application's device type without the pair of hooks.
    (accel as { receivedState?: unknown }).receivedState = undefined;
    const calls: string[] = [];
    const cleanup = accel.loadCleanup.bind(accel);
    const setupFn = accel.loadSetup.bind(accel);
    accel.loadCleanup = () => (calls.push('loadCleanup'), cleanup());
    accel.loadSetup = (ctx) => (calls.push('loadSetup'), setupFn(ctx));
    const sock = new FakeSocket();
    const setup = new LoadSetup(machine, false, new ReturnPathWriter(sock.asSocket()), pino({ level: 'silent' }), {
      finished: () => false,
      reached: () => {},
      fail: (err) => {
        throw err;
      },
      deviceProgress: () => {},
      devicePreallocated: () => {},
      switchoverAckSent: () => {},
    });
    setup.run(false);
    calls.length = 0;
    const sections = new SectionTable(machine);
    const start = (id: string, sectionId: number): void => {
      const d = machine.device(id)!;
      sections.accept({ type: livemig.SectionType.SECTION_START, sectionId, deviceId: id, deviceType: d.type.name, version: d.version }, false);
    };
    start('ram0', 1);
    start('accel0', 3);
    const sent: RpMessage[] = [];
    const restarted = reportHeldState(machine, sections, setup, (m) => sent.push(m));
    expect(restarted).toEqual(['accel0']);
    expect(calls).toEqual(['loadCleanup', 'loadSetup']);
    const held = new HeldStateAssembler();
    for (const m of sent) held.add(m.recvBitmap!);
    expect(held.get('ram0')).toHaveLength(16 * 4); // 16 pages, a batch number each (none loaded yet: 0)
    expect(held.get('accel0')).toBeNull();
    expect(held.get('cpu0')).toBeUndefined();
    // The restarted device takes a new START; RAM's second START is still refused.
    expect(() => start('accel0', 3)).not.toThrow();
    expect(() => start('ram0', 1)).toThrow(/second START section for 'ram0'/);
    machine.close();
  });
});
