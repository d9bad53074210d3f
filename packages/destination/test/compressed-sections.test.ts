/**
 * multifd-compression is the engine's (the generic section header's
 * `compressed`/`raw_length`), so the check that the main channel never
 * carries compressed payloads is the section table's, before any device sees
 * the section (it was RAM's own check before the device contract).
 */
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '@livemig/common/errors';
import { livemig } from '@livemig/common/wire';
import { Machine, RamDevice, parseDeviceSpec, type RamSpec } from '@livemig/common/devices';
import { SectionTable } from '../src/section-table';

describe('RAM and compressed packets', () => {
  it('refuses compressed pages outside a multifd channel (the main channel never carries them)', () => {
    const ram = new RamDevice(parseDeviceSpec('ram,id=ram0,size=64K') as RamSpec, 'destination');
    const table = new SectionTable(new Machine([ram], { role: 'destination' }));
    table.accept({ type: livemig.SectionType.SECTION_START, sectionId: 1, deviceId: 'ram0', deviceType: 'ram', version: 1 }, false);
    const part = { type: livemig.SectionType.SECTION_PART, sectionId: 1, compressed: true, rawLength: 4096 };
    expect(table.payloadTargets(part, 100)).toBeNull();
    expect(() => table.accept(part, false)).toThrow(ProtocolError);
    expect(() => table.accept(part, false)).toThrow(/compressed pages outside a multifd channel/);
  });
});
