/**
 * The section table, driven directly: which section frames it takes in which
 * order (START/FULL once per device, of its type and a loadable version, START
 * only for iterable devices, FULL only for the others and after switchover;
 * PART/END only for a started section, END only after switchover), how it hands
 * sections to their device (header decoded once, the version START named), and
 * how it tracks async loads until a device's final load may begin.
 */
import { describe, expect, it } from 'vitest';
import { MigError, ProtocolError } from '@livemig/common/errors';
import { livemig } from '@livemig/common/wire';
import { Machine, parseDeviceList, parseWorkloadSpec, type Device, type IncomingSection } from '@livemig/common/devices';
import { SectionTable } from '../src/section-table';
import { refusal } from '../../common/test/helpers/refusal';

const T = livemig.SectionType;

function machine(): Machine {
  return new Machine(parseDeviceList(['ram,id=ram0,size=64K', 'cpu,id=cpu0', 'accel,id=accel0,resources=1,resource-size=64K,initial-size=4K']), parseWorkloadSpec('dirty-rate=0'), 'destination');
}

const start = (id: number, deviceId: string, deviceType: string, version = 1, more: Partial<livemig.Section.$Properties> = {}): livemig.Section.$Properties => ({
  type: T.SECTION_START,
  sectionId: id,
  deviceId,
  deviceType,
  version,
  ...more,
});
const full = (id: number, deviceId = 'cpu0', deviceType = 'cpu', version = 1): livemig.Section.$Properties => ({ type: T.SECTION_FULL, sectionId: id, deviceId, deviceType, version });
const part = (id: number, more: Partial<livemig.Section.$Properties> = {}): livemig.Section.$Properties => ({ type: T.SECTION_PART, sectionId: id, ...more });
const end = (id: number): livemig.Section.$Properties => ({ type: T.SECTION_END, sectionId: id });

describe('SectionTable.accept', () => {
  it('a whole stream in order: START, PARTs, END after switchover, FULL after switchover; all ended', () => {
    const m = machine();
    const t = new SectionTable(m);
    const ram = m.device('ram0')!;
    const cpu = m.device('cpu0')!;
    const accel = m.device('accel0')!;
    expect(t.accept(start(1, 'ram0', 'ram'), false)).toBe(ram);
    expect(t.accept(start(2, 'accel0', 'accel'), false)).toBe(accel);
    expect(t.ended(ram)).toBe(false);
    expect(t.accept(part(1), false)).toBe(ram);
    expect(t.accept(part(2), false)).toBe(accel);
    expect(t.accept(part(1), true)).toBe(ram);
    expect(refusal(() => t.checkAllEnded(), ProtocolError)).toMatch(/stream ended without the final section of '(ram0|cpu0|accel0)'/);
    expect(t.accept(end(1), true)).toBe(ram);
    expect(t.ended(ram)).toBe(true);
    expect(t.accept(end(2), true)).toBe(accel);
    expect(refusal(() => t.checkAllEnded(), ProtocolError)).toBe("stream ended without the final section of 'cpu0'");
    expect(t.ended(cpu)).toBe(false);
    expect(t.accept(full(3), true)).toBe(cpu);
    expect(t.ended(cpu)).toBe(true);
    expect(() => t.checkAllEnded()).not.toThrow();
  });

  it('names each refusal of a START or FULL', () => {
    const m = machine();
    const t = new SectionTable(m);
    expect(refusal(() => t.accept(start(1, 'nope', 'ram'), false), ProtocolError)).toBe("section for unknown device 'nope'");
    expect(refusal(() => t.accept({ type: T.SECTION_START, sectionId: 1 }, false), ProtocolError)).toBe("section for unknown device ''");
    expect(refusal(() => t.accept(start(1, 'ram0', 'accel'), false), ProtocolError)).toBe("section for 'ram0' says accel, the device is ram");
    expect(refusal(() => t.accept(start(1, 'ram0', ''), false), ProtocolError)).toBe("section for 'ram0' says no type, the device is ram");
    expect(refusal(() => t.accept(start(1, 'ram0', 'ram', 99), false), ProtocolError)).toMatch(/^'ram0' section version 99 is newer than \d+$/);
    expect(refusal(() => t.accept(start(1, 'ram0', 'ram', 0), false), ProtocolError)).toMatch(/^'ram0' section version 0 is older than the oldest this side loads \(\d+\)$/);
    expect(refusal(() => t.accept(start(1, 'cpu0', 'cpu'), false), ProtocolError)).toBe("START section for non-iterable 'cpu0'");
    expect(refusal(() => t.accept(full(1, 'ram0', 'ram'), true), ProtocolError)).toBe("FULL section for iterable 'ram0'");
    expect(refusal(() => t.accept(full(1), false), ProtocolError)).toBe("FULL section for 'cpu0' before switchover");
    // Nothing refused was recorded.
    expect(refusal(() => t.accept(part(1), false), ProtocolError)).toBe('section id 1 was never started');
    t.accept(start(1, 'ram0', 'ram'), false);
    expect(refusal(() => t.accept(start(2, 'ram0', 'ram'), false), ProtocolError)).toBe("second START section for 'ram0'");
    expect(refusal(() => t.accept(start(1, 'accel0', 'accel'), false), ProtocolError)).toBe("section id 1 used for 'accel0' and 'ram0'");
    t.accept(full(3), true);
    expect(refusal(() => t.accept(full(4), true), ProtocolError)).toBe("second FULL section for 'cpu0'");
  });

  it('names each refusal of a PART or END, and of anything else', () => {
    const m = machine();
    const t = new SectionTable(m);
    expect(refusal(() => t.accept(part(7), false), ProtocolError)).toBe('section id 7 was never started');
    expect(refusal(() => t.accept(end(7), true), ProtocolError)).toBe('section id 7 was never started');
    expect(refusal(() => t.accept({ type: T.SECTION_PART }, false), ProtocolError)).toBe('section id 0 was never started');
    t.accept(start(1, 'ram0', 'ram'), false);
    expect(refusal(() => t.accept(end(1), false), ProtocolError)).toBe("END section for 'ram0' before switchover");
    expect(t.ended(m.device('ram0')!)).toBe(false);
    t.accept(end(1), true);
    expect(refusal(() => t.accept(part(1), true), ProtocolError)).toBe("section for 'ram0' after its END");
    expect(refusal(() => t.accept(end(1), true), ProtocolError)).toBe("section for 'ram0' after its END");
    expect(refusal(() => t.accept({ sectionId: 1 }, true), ProtocolError)).toBe('section with invalid type 0');
    expect(refusal(() => t.accept({ type: 9 as livemig.SectionType, sectionId: 1 }, true), ProtocolError)).toBe('section with invalid type 9');
    expect(refusal(() => t.accept(part(1, { compressed: true }), true), ProtocolError)).toBe('section 1: compressed pages outside a multifd channel with multifd-compression');
    expect(refusal(() => t.accept({ type: T.SECTION_PART, compressed: true }, true), ProtocolError)).toBe('section 0: compressed pages outside a multifd channel with multifd-compression');
  });

  it('section ids default to 0 and stay bound to their device', () => {
    const m = machine();
    const t = new SectionTable(m);
    t.accept({ type: T.SECTION_START, deviceId: 'ram0', deviceType: 'ram', version: 1 }, false);
    expect(t.accept({ type: T.SECTION_PART }, false)).toBe(m.device('ram0'));
    expect(t.accept(part(0), false)).toBe(m.device('ram0'));
  });
});

/** A device that records what it was given to load, and may load asynchronously. */
function recorder(base: Device, asyncLoads: Array<{ resolve: () => void; reject: (e: unknown) => void }>, decodes: { n: number }): Device {
  const seen: IncomingSection[] = [];
  const d = Object.create(base) as Device & { seen: IncomingSection[] };
  d.seen = seen;
  d.decodeHeader = (type, version, bytes) => {
    decodes.n++;
    return { type, version, bytes: Buffer.from(bytes).toString('hex') };
  };
  d.loadState = (s) => {
    seen.push(s);
    if ((s.header as { bytes: string }).bytes !== 'aa') return undefined;
    return new Promise<void>((resolve, reject) => asyncLoads.push({ resolve, reject }));
  };
  return d;
}

describe('SectionTable.load and settled', () => {
  it('hands the device its header (decoded once), the version its START named, the payload; tracks async loads', async () => {
    const m = machine();
    const ram = m.device('ram0')!;
    const loads: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
    const decodes = { n: 0 };
    const dev = recorder(ram, loads, decodes) as Device & { seen: IncomingSection[] };
    const failures: MigError[] = [];
    const t = new SectionTable(new Machine([dev], { role: 'destination' }), (e) => failures.push(e));
    expect(t.versionOf(dev)).toBe(dev.version);
    t.accept(start(1, 'ram0', 'ram', 1), false);
    expect(t.versionOf(dev)).toBe(1);
    const s = part(1, { header: new Uint8Array([0xbb]) });
    expect(t.header(dev, s)).toEqual({ type: T.SECTION_PART, version: 1, bytes: 'bb' });
    expect(t.header(dev, s)).toEqual({ type: T.SECTION_PART, version: 1, bytes: 'bb' });
    expect(decodes.n).toBe(1);
    const payload = [Buffer.from('xy')];
    t.load(dev, s, payload, 2, true);
    expect(decodes.n).toBe(1);
    expect(dev.seen).toEqual([{ type: T.SECTION_PART, version: 1, header: { type: T.SECTION_PART, version: 1, bytes: 'bb' }, payload, payloadLength: 2, inPlace: true }]);
    // A section without a header: the device decodes an empty one.
    t.load(dev, { type: T.SECTION_PART, sectionId: 1 }, [], 0, undefined);
    expect(dev.seen[1]!.header).toEqual({ type: T.SECTION_PART, version: 1, bytes: '' });
    // No type at all: the device is asked about an unspecified one (and told so in the section).
    t.load(dev, { sectionId: 1 }, [], 0, undefined);
    expect(dev.seen[2]!.header).toEqual({ type: T.SECTION_TYPE_UNSPECIFIED, version: 1, bytes: '' });
    expect(dev.seen[2]!.type).toBe(T.SECTION_TYPE_UNSPECIFIED);
    expect(dev.seen[1]!.inPlace).toBeUndefined();
    await t.settled(dev); // nothing pending: at once

    // Two async loads: settled waits for both, however they end.
    t.load(dev, part(1, { header: new Uint8Array([0xaa]) }), [], 0, false);
    t.load(dev, part(1, { header: new Uint8Array([0xaa]) }), [], 0, false);
    expect(loads).toHaveLength(2);
    let settled = false;
    const done = t.settled(dev).then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    loads[0]!.resolve();
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    loads[1]!.reject(new Error('allocation failed'));
    await done;
    expect(settled).toBe(true);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.code).toBe('MIG_ERR_DEVICE');
    expect(failures[0]!.message).toMatch(/allocation failed/);
    // Tracking ends with the load: a later settled() does not wait on old loads.
    await t.settled(dev);
  });

  it('a load started while settled() waits is waited for too', async () => {
    const m = machine();
    const loads: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
    const dev = recorder(m.device('ram0')!, loads, { n: 0 });
    const t = new SectionTable(new Machine([dev], { role: 'destination' }));
    t.accept(start(1, 'ram0', 'ram'), false);
    t.load(dev, part(1, { header: new Uint8Array([0xaa]) }), [], 0, false);
    let settled = false;
    const done = t.settled(dev).then(() => (settled = true));
    t.load(dev, part(1, { header: new Uint8Array([0xaa]) }), [], 0, false);
    loads[0]!.resolve();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    loads[1]!.resolve();
    await done;
    expect(settled).toBe(true);
  });
});

describe('SectionTable.payloadTargets', () => {
  it('asks the device only for uncompressed PARTs of a started section, whatever the device would answer', () => {
    const m = machine();
    const eager = Object.create(m.device('accel0')!) as Device;
    const asked: number[] = [];
    eager.payloadTargets = (type, _h, n) => (asked.push(type), [Buffer.alloc(n)]);
    eager.decodeHeader = () => ({});
    const t = new SectionTable(new Machine([eager], { role: 'destination' }));
    t.accept(start(1, 'accel0', 'accel'), false);
    expect(t.payloadTargets({ type: T.SECTION_END, sectionId: 1 }, 4)).toBeNull();
    expect(t.payloadTargets({ type: T.SECTION_START, sectionId: 1 }, 4)).toBeNull();
    expect(t.payloadTargets({ type: T.SECTION_PART, sectionId: 1, compressed: true }, 4)).toBeNull();
    expect(asked).toEqual([]);
    expect(t.payloadTargets({ type: T.SECTION_PART, sectionId: 1 }, 4)).toHaveLength(1);
    expect(t.payloadTargets({ type: T.SECTION_PART }, 4)).toBeNull(); // section id 0: never started
    expect(asked).toEqual([T.SECTION_PART]);
  });

  it('only a PART of a started device that takes payloads in place, uncompressed', () => {
    const m = machine();
    const t = new SectionTable(m);
    const ram = m.device('ram0')!;
    const header = livemig.devices.RamData.encode({ normalRuns: [0, 2] }).finish();
    const s = part(1, { header });
    expect(t.payloadTargets(s, 8192)).toBeNull(); // not started
    t.accept(start(1, 'ram0', 'ram'), false);
    const regions = t.payloadTargets(s, 8192);
    expect(regions).not.toBeNull();
    expect(regions!.reduce((n, r) => n + r.length, 0)).toBe(8192);
    expect(t.payloadTargets({ ...s, compressed: true }, 8192)).toBeNull();
    expect(t.payloadTargets({ ...s, type: T.SECTION_END }, 8192)).toBeNull();
    expect(t.payloadTargets(part(5, { header }), 8192)).toBeNull();
    // cpu takes no payload in place (FULL only, and no payloadTargets).
    t.accept(full(3), true);
    expect(t.payloadTargets(part(3), 10)).toBeNull();
    t.accept(end(1), true);
    expect(t.ended(ram)).toBe(true);
    expect(t.payloadTargets(s, 8192)).toBeNull(); // ended
  });
});
