/**
 * Section versions (the device contract): a device loads a section version
 * older than its own (it converts) down to its type's oldestVersion, and a
 * newer one is refused, both at the configuration check (before any state
 * moves) and per section. A test device: `counter` v1 sends its value as a
 * u32; v2 as a u64 with a unit byte in its own header, and still loads v1.
 */
import { describe, expect, it } from 'vitest';
import { DeviceError, ProtocolError } from '@livemig/common/errors';
import { SectionType } from '@livemig/common/wire';
import {
  Machine,
  deviceConfig,
  type Device,
  type DeviceSpec,
  type DeviceType,
  type IncomingSection,
  type SectionWriter,
} from '@livemig/common/devices';
import { MemorySectionWriter, loadSections, recordingLoadContext } from '@livemig/common/testing';
import { checkConfiguration } from '../src/configuration-check';
import { SectionTable } from '../src/section-table';

interface CounterSpec extends DeviceSpec {
  readonly start: number;
}

function counterType(version: number, oldestVersion = version): DeviceType<CounterSpec> {
  const type: DeviceType<CounterSpec> = {
    name: 'counter',
    help: 'test device',
    keys: { start: { def: '0', help: 'initial value' } },
    version,
    oldestVersion,
    iterable: false,
    multifd: false,
    parse: (r) => ({ ...r.base, start: r.count('start') }),
    shape: () => 'unit=1',
    create: (spec, role) => new Counter(type, spec, role),
  };
  return type;
}

class Counter implements Device {
  value: bigint;
  readonly id: string;
  readonly version: number;
  readonly iterable = false;
  readonly stateBytes = 8;
  constructor(
    readonly type: DeviceType<CounterSpec>,
    readonly spec: CounterSpec,
    role: string,
  ) {
    this.id = spec.id;
    this.version = type.version;
    this.value = role === 'source' ? BigInt(spec.start) : 0n;
  }
  saveSetup(): void {}
  statePendingEstimate = (): number => 8;
  statePendingExact = (): number => 8;
  initialDataPending = (): number => 0;
  saveLiveIterate = (): number => 0;
  saveLiveCompletePrecopy(out: SectionWriter): void {
    if (this.version === 1) {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(Number(this.value));
      out.write(SectionType.SECTION_FULL, null, [b]);
    } else {
      const b = Buffer.alloc(8);
      b.writeBigUInt64BE(this.value);
      out.write(SectionType.SECTION_FULL, Uint8Array.of(1), [b]);
    }
  }
  saveCleanup(): void {}
  loadSetup(_ctx?: unknown): void {}
  switchoverAckNeeded = (): boolean => false;
  decodeHeader(_type: number, version: number, bytes: Uint8Array): { unit: number } {
    if (version > this.version) throw new DeviceError(`${this.id}: version ${version} is newer than ${this.version}`);
    // v1 had no header: its unit was always 1 (the conversion).
    return { unit: version === 1 ? 1 : (bytes[0] ?? 0) };
  }
  loadState(s: IncomingSection): void {
    const data = Buffer.concat(s.payload);
    this.value = s.version === 1 ? BigInt(data.readUInt32BE(0)) : data.readBigUInt64BE(0);
    if ((s.header as { unit: number }).unit !== 1) throw new ProtocolError(`${this.id}: unit ${(s.header as { unit: number }).unit}`);
  }
  loadComplete = async (): Promise<void> => {};
  loadCleanup(): void {}
  digest = (): Buffer => Buffer.from(this.value.toString());
  status = (): { id: string; type: string } => ({ id: this.id, type: 'counter' });
}

const spec: CounterSpec = { type: 'counter', id: 'c0', seed: 1, start: 41 };
const caps = { 'return-path': false, 'switchover-ack': false, multifd: false, verify: false, 'auto-converge': false, 'precopy-resume': false } as never;
const config = (d: Device) => ({ devices: [deviceConfig(d)], capabilities: {} });

describe('section versions', () => {
  it('a v2 device loads a v1 section (converting it)', async () => {
    const src = counterType(1).create(spec, 'source');
    const dst = counterType(2, 1).create(spec, 'destination') as Counter;
    const out = new MemorySectionWriter(src);
    dst.loadSetup(recordingLoadContext(false));
    src.saveLiveCompletePrecopy(out);
    expect(loadSections(dst, out.take())).toBe(1);
    await dst.loadComplete();
    expect(dst.value).toBe(41n);
    expect(dst.digest()).toEqual(src.digest());
  });

  it('the configuration check takes an older version down to oldestVersion and refuses a newer one', () => {
    const v2 = counterType(2, 1).create(spec, 'destination');
    expect(() => checkConfiguration(config(counterType(1).create(spec, 'source')), [v2], caps)).not.toThrow();
    expect(() => checkConfiguration(config(counterType(2).create(spec, 'source')), [v2], caps)).not.toThrow();
    expect(() => checkConfiguration(config(counterType(3).create(spec, 'source')), [v2], caps)).toThrow("device 'c0' section version 3 is newer than this destination's 2");
    const v2only = counterType(2).create(spec, 'destination');
    expect(() => checkConfiguration(config(counterType(1).create(spec, 'source')), [v2only], caps)).toThrow("device 'c0' section version 1 is older than the oldest this destination loads (2)");
  });

  it('a section of a newer version is refused before its device sees it', () => {
    const machine = new Machine([counterType(2, 1).create(spec, 'destination')], { role: 'destination' });
    const table = new SectionTable(machine);
    const full = (version: number) => ({ type: SectionType.SECTION_FULL, sectionId: 1, deviceId: 'c0', deviceType: 'counter', version });
    expect(() => table.accept(full(3), true)).toThrow(/'c0' section version 3 is newer than 2/);
    expect(() => new SectionTable(new Machine([counterType(2).create(spec, 'destination')], { role: 'destination' })).accept(full(1), true)).toThrow(/section version 1 is older than the oldest this side loads \(2\)/);
    expect(table.accept(full(1), true).id).toBe('c0');
    expect(table.versionOf(machine.devices[0]!)).toBe(1);
  });
});
