import { describe, expect, it } from 'vitest';
import { applyCapabilities, applyParameters, defaultCapabilities, defaultParameters, parseCapsList } from '../src/migration-config';
import { deviceShape, parseDeviceList, parseDeviceSpec, parseWorkloadSpec } from '../src/device-spec';
import { parseSize } from '../src/sizes';
import { UsageError } from '../src/errors';

describe('sizes', () => {
  it('parses binary suffixes', () => {
    expect(parseSize('4K', 'x')).toBe(4096);
    expect(parseSize('512M', 'x')).toBe(512 * 1024 * 1024);
    expect(parseSize('1G', 'x')).toBe(1024 ** 3);
    expect(parseSize('4096', 'x')).toBe(4096);
  });
  it('names the field in errors', () => {
    expect(() => parseSize('12Q', 'ram0 size')).toThrow("ram0 size: '12Q' is not a size");
  });
});

describe('capabilities', () => {
  it('switchover-ack requires return-path, with QEMU\'s exact text', () => {
    expect(() => applyCapabilities(defaultCapabilities(), parseCapsList('switchover-ack'))).toThrow("Capability 'switchover-ack' requires capability 'return-path'");
    const caps = applyCapabilities(defaultCapabilities(), parseCapsList('return-path,switchover-ack'));
    expect(caps['switchover-ack']).toBe(true);
    expect(Object.isFrozen(caps)).toBe(true);
  });
  it('rejects unknown capabilities by name', () => {
    expect(() => applyCapabilities(defaultCapabilities(), [{ capability: 'postcopy-ram', state: true }])).toThrow(/postcopy-ram/);
  });
});

describe('parameters', () => {
  it('accepts sizes with suffixes from the CLI and numbers from QMP', () => {
    const p = applyParameters(defaultParameters(), { 'max-bandwidth': '32M', 'downtime-limit': 200 });
    expect(p['max-bandwidth']).toBe(32 * 1024 * 1024);
    expect(p['downtime-limit']).toBe(200);
  });
  it('names the bad parameter', () => {
    expect(() => applyParameters(defaultParameters(), { 'downtime-limit': -1 })).toThrow(/downtime-limit/);
    expect(() => applyParameters(defaultParameters(), { bogus: 1 })).toThrow(/Invalid parameter 'bogus'/);
    expect(() => applyParameters(defaultParameters(), { 'downtime-limit': 'soon' })).toThrow(/downtime-limit/);
  });
});

describe('device specs', () => {
  it('parses the default machine', () => {
    const specs = parseDeviceList([]);
    expect(specs.map((s) => s.id)).toEqual(['ram0', 'accel0', 'cpu0']);
    const accel = specs[1]!;
    expect(accel).toMatchObject({ type: 'accel', resources: 4, resourceSize: 32 * 1024 * 1024, allocMs: 250, initialSize: 65536, stateSize: 8 * 1024 * 1024 });
  });
  it('errors name the device and the field', () => {
    expect(() => parseDeviceSpec('ram,id=ram0,size=100')).toThrow(/ram0/);
    expect(() => parseDeviceSpec('ram,id=r,size=1M,colour=blue')).toThrow("unknown parameter 'colour'");
    expect(() => parseDeviceSpec('disk,id=d0')).toThrow("unknown type 'disk'");
    expect(() => parseDeviceSpec('cpu,vcpus=2')).toThrow('missing id=');
    expect(() => parseDeviceList(['cpu,id=a', 'cpu,id=a'])).toThrow("device id 'a' is used twice");
    // toThrow with an object checks the class and the code; a parse that no longer throws fails here.
    expect(() => parseDeviceSpec('ram,id=ram0,fill=purple,size=1M')).toThrow(UsageError);
    expect(() => parseDeviceSpec('ram,id=ram0,fill=purple,size=1M')).toThrow(expect.objectContaining({ code: 'MIG_ERR_BAD_DEVICE_SPEC' }));
  });
  it('shape ignores local behaviour (fill, seed, alloc-ms)', () => {
    const a = parseDeviceSpec('accel,id=a,resources=2,resource-size=1M,alloc-ms=10');
    const b = parseDeviceSpec('accel,id=a,resources=2,resource-size=1M,alloc-ms=999');
    expect(deviceShape(a)).toBe(deviceShape(b));
  });
  it('parses workloads', () => {
    expect(parseWorkloadSpec(undefined)).toEqual({ dirtyRate: 32 * 1024 * 1024, hotPercent: 100 });
    expect(parseWorkloadSpec('dirty-rate=0')).toEqual({ dirtyRate: 0, hotPercent: 100 });
    expect(parseWorkloadSpec('dirty-rate=8M,pattern=hot:25').hotPercent).toBe(25);
    expect(() => parseWorkloadSpec('pattern=warm')).toThrow(/warm/);
  });
});
