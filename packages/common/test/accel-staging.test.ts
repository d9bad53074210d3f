/**
 * accel staging memory comes from Buffer.allocUnsafeSlow (allocation touches
 * only the chunks nothing was staged in). A partial RESOURCE_DATA write into a
 * chunk must leave the rest of that chunk zero in the migrated resource, not
 * old heap contents. The allocator is made to hand out visibly dirty memory
 * (0xAA), as a reused heap would, so the test does not depend on luck.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACCEL_CHUNK_BYTES, AccelDevice, type AccelSpec } from '../src/devices/accel';
import { parseDeviceSpec } from '../src/device-spec';
import { livemig } from '../src/wire/messages';
import { recordingLoadContext } from '../src/testing';

const Kind = livemig.devices.AccelChunkKind;
const Section = livemig.SectionType;

const spec = parseDeviceSpec('accel,id=accel0,resources=2,resource-size=256K,alloc-ms=0,initial-size=4K,state-size=4K') as AccelSpec;

function initData(): Buffer {
  const b = Buffer.alloc(spec.initialSize, 0x11);
  b.writeUInt32BE(0x41434e49, 0); // "ACNI"
  b.writeUInt32BE(spec.resources, 4);
  b.writeBigUInt64BE(BigInt(spec.resourceSize), 8);
  return b;
}

/** Loads setup, initial data, the given resource writes (before allocation) and the device state, then completes. */
async function load(writes: Array<{ resource: number; offset: number; data: Buffer }>): Promise<AccelDevice> {
  const dst = new AccelDevice(spec, 'destination');
  dst.loadSetup(recordingLoadContext(false));
  const section = (type: number, accel: livemig.devices.IAccelData, payload: Buffer): void =>
    void dst.loadState({ type, version: 1, header: accel, payload: [payload], payloadLength: payload.length });
  section(Section.SECTION_START, { kind: Kind.ACCEL_SETUP }, Buffer.alloc(0));
  section(Section.SECTION_PART, { kind: Kind.ACCEL_INIT_DATA, offset: 0 }, initData());
  for (const w of writes) section(Section.SECTION_PART, { kind: Kind.ACCEL_RESOURCE_DATA, resource: w.resource, offset: w.offset }, w.data);
  section(Section.SECTION_PART, { kind: Kind.ACCEL_DEVICE_STATE, offset: 0 }, Buffer.alloc(spec.stateSize, 0x22));
  await dst.loadComplete();
  return dst;
}

function resource(dst: AccelDevice, r: number): Buffer {
  return (dst as unknown as { resources: Buffer[] }).resources[r]!;
}

afterEach(() => vi.restoreAllMocks());

describe('accel staging', () => {
  it('a partial chunk staged before allocation leaves the rest of the chunk zero', async () => {
    vi.spyOn(Buffer, 'allocUnsafeSlow').mockImplementation((n: number) => Buffer.alloc(n, 0xaa));
    const partial = await load([
      { resource: 0, offset: 0, data: Buffer.alloc(1000, 7) },
      { resource: 1, offset: ACCEL_CHUNK_BYTES, data: Buffer.alloc(ACCEL_CHUNK_BYTES + 300, 9) },
    ]);
    const r0 = resource(partial, 0);
    expect(r0.subarray(0, 1000).every((b) => b === 7)).toBe(true);
    expect(r0.subarray(1000).every((b) => b === 0)).toBe(true);
    const r1 = resource(partial, 1);
    expect(r1.subarray(0, ACCEL_CHUNK_BYTES).every((b) => b === 0)).toBe(true);
    expect(r1.subarray(ACCEL_CHUNK_BYTES, 2 * ACCEL_CHUNK_BYTES + 300).every((b) => b === 9)).toBe(true);
    expect(r1.subarray(2 * ACCEL_CHUNK_BYTES + 300).every((b) => b === 0)).toBe(true);
    // Same state as whole chunks carrying those bytes and zeros.
    const whole0 = Buffer.alloc(ACCEL_CHUNK_BYTES);
    whole0.fill(7, 0, 1000);
    const whole1 = Buffer.alloc(2 * ACCEL_CHUNK_BYTES);
    whole1.fill(9, 0, ACCEL_CHUNK_BYTES + 300);
    const whole = await load([
      { resource: 0, offset: 0, data: whole0 },
      { resource: 1, offset: ACCEL_CHUNK_BYTES, data: whole1 },
    ]);
    expect(partial.digest()).toEqual(whole.digest());
  });

  it('a partial rewrite of a chunk already staged keeps the bytes staged before it', async () => {
    vi.spyOn(Buffer, 'allocUnsafeSlow').mockImplementation((n: number) => Buffer.alloc(n, 0xaa));
    const dst = await load([
      { resource: 0, offset: 0, data: Buffer.alloc(ACCEL_CHUNK_BYTES, 5) },
      { resource: 0, offset: 0, data: Buffer.alloc(100, 6) },
    ]);
    const r0 = resource(dst, 0);
    expect(r0.subarray(0, 100).every((b) => b === 6)).toBe(true);
    expect(r0.subarray(100, ACCEL_CHUNK_BYTES).every((b) => b === 5)).toBe(true);
    expect(r0.subarray(ACCEL_CHUNK_BYTES).every((b) => b === 0)).toBe(true);
  });
});
