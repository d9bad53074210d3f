/**
 * precopy-resume's pieces below the engine: the held-state report on the
 * return path (deflated, cut into pieces, put back together), the source's
 * complement computation (DirtyBitmap.setComplementOf), and RAM's hooks end to
 * end between two devices: a frame torn by a break never counts as held, and
 * the resumed source resends exactly what the destination lacks.
 */
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { DirtyBitmap } from '../src/dirty-bitmap';
import { HELD_STATE_PIECE_BYTES, HeldStateAssembler, heldStateMessages } from '../src/wire/held-state';
import { livemig } from '../src/wire/messages';
import { encodeRpMessage } from '../src/wire/frame-encoder';
import { MAX_RP_HEADER_BYTES } from '../src/constants';
import { RamDevice, ramType } from '../src/devices/ram';
import type { IncomingSection, LoadContext, SectionKind, SectionWriter } from '../src/devices/device';
import { AccelDevice, type AccelSpec } from '../src/devices/accel';
import { parseDeviceSpec } from '../src/device-spec';
import { recordingLoadContext } from '../src/testing';

const LOAD_CTX: LoadContext = { switchoverAck: false, approveSwitchover: () => {}, rearmSwitchover: () => {}, progress: () => {} };

function reassemble(deviceId: string, state: Uint8Array | null): Uint8Array | null | undefined {
  const a = new HeldStateAssembler();
  for (const m of heldStateMessages(deviceId, state)) a.add(m.recvBitmap!);
  expect(a.complete).toBe(true);
  return a.get(deviceId);
}

describe('held-state report (RECV_BITMAP pieces)', () => {
  it('round-trips any report, each piece fitting a return-path message', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40_000 }), (bytes) => {
        for (const m of heldStateMessages('ram0', bytes)) {
          expect(m.recvBitmap!.data!.length).toBeLessThanOrEqual(HELD_STATE_PIECE_BYTES);
          expect(encodeRpMessage(m).length).toBeLessThan(MAX_RP_HEADER_BYTES);
        }
        expect(Buffer.from(reassemble('ram0', bytes)!).equals(Buffer.from(bytes))).toBe(true);
      }),
      { seed: 0x4e1d, numRuns: 60 },
    );
  });

  it('a large incompressible report takes several pieces, in order, the last one marked', () => {
    const bytes = new Uint8Array(randomBytes(20_000));
    const msgs = heldStateMessages('ram0', bytes);
    expect(msgs.length).toBeGreaterThan(1);
    expect(msgs.map((m) => m.recvBitmap!.last === true)).toEqual([...Array(msgs.length - 1).fill(false), true]);
    expect(Buffer.from(reassemble('ram0', bytes)!).equals(Buffer.from(bytes))).toBe(true);
  });

  it('a device without receivedState reports none (null); an unreported device is undefined', () => {
    expect(reassemble('kv0', null)).toBeNull();
    expect(new HeldStateAssembler().get('ram0')).toBeUndefined();
  });

  it('refuses a second report for a device, a report both with and without data, and bytes that do not inflate', () => {
    const a = new HeldStateAssembler();
    for (const m of heldStateMessages('ram0', new Uint8Array(8))) a.add(m.recvBitmap!);
    expect(() => a.add(heldStateMessages('ram0', new Uint8Array(8))[0]!.recvBitmap!)).toThrow(/second held-state report/);
    const b = new HeldStateAssembler();
    b.add({ deviceId: 'x', data: new Uint8Array([1]), last: false });
    expect(() => b.add({ deviceId: 'x', none: true, last: true })).toThrow(/both with data and without/);
    expect(b.complete).toBe(false);
    expect(() => new HeldStateAssembler().add({ deviceId: 'y', data: new Uint8Array([0xff, 0xff, 0xff]), last: true })).toThrow(/does not inflate/);
  });
});

describe('DirtyBitmap.setComplementOf (the source side of a resume)', () => {
  it('sets exactly what the other side lacks, counts it, and never the bits past the end', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.array(fc.nat(199)), fc.array(fc.nat(199)), (size, heldBits, pendingBits) => {
        const held = new DirtyBitmap(size);
        const pending = new DirtyBitmap(size);
        for (const b of heldBits) if (b < size) held.set(b);
        for (const b of pendingBits) if (b < size) pending.set(b);
        const before = new Set<number>();
        for (let i = pending.nextSet(0); i >= 0; i = pending.nextSet(i + 1)) before.add(i);
        const lacking = pending.setComplementOf(held.toBytes());
        expect(lacking).toBe(size - held.count);
        for (let i = 0; i < size; i++) expect(pending.test(i)).toBe(before.has(i) || !held.test(i));
        let n = 0;
        for (let i = pending.nextSet(0); i >= 0; i = pending.nextSet(i + 1)) n++;
        expect(pending.count).toBe(n);
      }),
      { seed: 0xc0391, numRuns: 300 },
    );
  });

  it('setRange / clearRange (a word at a time) match a naive model, count included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.array(fc.tuple(fc.boolean(), fc.nat(199), fc.nat(199))), (size, ops) => {
        const bm = new DirtyBitmap(size);
        const model = new Set<number>();
        for (const [set, a, b] of ops) {
          const first = a % size;
          const count = 1 + (b % (size - first));
          if (set) bm.setRange(first, count);
          else bm.clearRange(first, count);
          for (let i = first; i < first + count; i++) set ? model.add(i) : model.delete(i);
        }
        for (let i = 0; i < size; i++) expect(bm.test(i)).toBe(model.has(i));
        expect(bm.count).toBe(model.size);
      }),
      { seed: 0x5e7a, numRuns: 300 },
    );
  });

  it('refuses a report of the wrong size', () => {
    expect(() => new DirtyBitmap(64).setComplementOf(new Uint8Array(4))).toThrow(/expected 8/);
  });
});

/** A section writer that keeps what RAM writes, as the destination would receive it. */
class Capture implements SectionWriter {
  readonly sections: Array<{ type: SectionKind; header: Uint8Array; payload: Buffer }> = [];
  write(type: SectionKind, header?: Uint8Array | null, payload: readonly Buffer[] = []): number {
    const body = Buffer.concat(payload.map((p) => Buffer.from(p)));
    this.sections.push({ type, header: header ?? new Uint8Array(0), payload: body });
    return body.length + 16;
  }
}

function deliver(dst: RamDevice, s: { type: SectionKind; header: Uint8Array; payload: Buffer }, inPlace: boolean): void {
  const header = dst.decodeHeader(s.type, dst.version, s.header);
  if (inPlace) {
    const targets = dst.payloadTargets(s.type, header, s.payload.length);
    let at = 0;
    for (const t of targets ?? []) at += s.payload.copy(t, 0, at, at + t.length);
  }
  const section: IncomingSection = { type: s.type, version: dst.version, header, payload: inPlace ? [] : [s.payload], payloadLength: s.payload.length, inPlace };
  dst.loadState(section);
}

describe('RAM receivedState / resumeFrom', () => {
  const spec = (role: 'source' | 'destination') => ({ type: 'ram' as const, id: 'ram0', seed: 7, size: 2 * 1024 * 1024, pageSize: 4096, fill: 'random' as const, blockBytes: 1024 * 1024, role });

  it('a torn in-place frame never counts; the resumed source resends exactly the complement and the copy ends identical', () => {
    const src = ramType.create(spec('source'), 'source') as RamDevice;
    const dst = ramType.create(spec('destination'), 'destination') as RamDevice;
    dst.loadSetup(LOAD_CTX);
    const out = new Capture();
    src.saveSetup(out, { switchoverAck: false, rearmSwitchover: () => 0 });
    // Half the pages go, in frames of 64 pages (a budget of 64 pages a call).
    for (let i = 0; i < 4; i++) src.saveLiveIterate(out, 64 * 4096, false);
    const parts = out.sections.filter((s) => s.type === livemig.SectionType.SECTION_PART);
    expect(parts.length).toBeGreaterThan(2);
    deliver(dst, out.sections[0]!, false);
    // All but the last PART arrive whole (alternately in place and copied); the last is torn:
    // its payload started landing in place, its frame never completed.
    parts.slice(0, -1).forEach((s, i) => deliver(dst, s, i % 2 === 0));
    const torn = parts[parts.length - 1]!;
    const header = dst.decodeHeader(torn.type, dst.version, torn.header);
    const targets = dst.payloadTargets(torn.type, header, torn.payload.length)!;
    torn.payload.copy(targets[0]!, 0, 0, Math.min(100, targets[0]!.length));

    const held = dst.receivedState();
    const raw = new DirtyBitmap(src.pages);
    new Uint8Array(raw.words.buffer).set(held);
    const heldPages = new DirtyBitmap(src.pages);
    for (let p = 0; p < src.pages; p++) if (raw.test(p)) heldPages.set(p);
    // Pages of the torn frame are not held, whatever they held before.
    const tornRuns = (header as livemig.devices.IRamData).normalRuns ?? [];
    for (let i = 0; i < tornRuns.length; i += 2) for (let p = tornRuns[i]!; p < tornRuns[i]! + tornRuns[i + 1]!; p++) expect(heldPages.test(p)).toBe(false);
    expect(heldPages.count).toBeGreaterThan(0);
    expect(heldPages.count).toBeLessThan(src.pages);

    // The machine writes one held page meanwhile (dirty tracking goes on while paused).
    const dirtyHeld = heldPages.nextSet(0);
    src.write(dirtyHeld * 4096, Buffer.from('changed while paused'));
    const lacking = src.resumeFrom(held);
    expect(lacking).toBe((src.pages - heldPages.count) * 4096);
    src.statePendingExact();
    // What goes now is the complement plus the dirtied page, nothing else.
    expect(src.statePendingEstimate()).toBe(lacking + 4096);
    const rest = new Capture();
    while (src.statePendingEstimate() > 0) src.saveLiveIterate(rest, 1 << 30, false);
    for (const s of rest.sections) deliver(dst, s, false);
    expect(src.digest().equals(dst.digest())).toBe(true);
  });
});

describe('accel receivedState / resumeFrom', () => {
  // Initial data of three frames (ACCEL_FRAME_BYTES is 1 MiB), resources of two.
  const accelSpec = parseDeviceSpec('accel,id=accel0,resources=2,resource-size=2M,alloc-ms=0,initial-size=2560K,state-size=4K') as AccelSpec;
  const deliverAccel = (dst: AccelDevice, s: { type: SectionKind; header: Uint8Array; payload: Buffer }): void =>
    void dst.loadState({ type: s.type, version: dst.version, header: dst.decodeHeader(s.type, dst.version, s.header), payload: [s.payload], payloadLength: s.payload.length });

  // Cut after 2 sections: part of the initial data held; after 5: all of it and one frame of chunks.
  it.each([2, 5])('goes on with the initial data where it got to and resends only the chunks the destination lacks (break after %i sections)', async (cut) => {
    const src = new AccelDevice(accelSpec, 'source');
    const dst = new AccelDevice(accelSpec, 'destination');
    dst.loadSetup(recordingLoadContext(false));
    const out = new Capture();
    src.saveSetup(out, { switchoverAck: false, rearmSwitchover: () => 0 });
    // Budgets of one frame: START, the initial data (3 frames), then two frames of chunks.
    for (let i = 0; i < 5; i++) src.saveLiveIterate(out, 1, false);
    expect(out.sections.length).toBe(6);
    // What follows the cut is lost in the break (on one stream, all after the first loss is lost).
    out.sections.slice(0, cut).forEach((s) => deliverAccel(dst, s));
    const held = dst.receivedState();
    const lacking = src.resumeFrom(held);
    expect(lacking).toBeGreaterThan(0);
    expect(lacking).toBeLessThan(accelSpec.initialSize + 2 * accelSpec.resourceSize);
    const rest = new Capture();
    while (src.statePendingExact() > accelSpec.stateSize) src.saveLiveIterate(rest, 1 << 30, false);
    src.saveLiveIterate(rest, 1 << 30, true);
    for (const s of rest.sections) deliverAccel(dst, s);
    // Nothing the destination held came again: the resent chunks are the lacking ones.
    const resentBytes = rest.sections.reduce((n, s) => n + s.payload.length, 0) - accelSpec.stateSize;
    expect(resentBytes).toBe(lacking);
    await dst.loadComplete();
    expect(src.digest().equals(dst.digest())).toBe(true);
  });

  it('after a lost re-initialisation (re-arm the destination never loaded) everything goes again', () => {
    const src = new AccelDevice(accelSpec, 'source');
    const dst = new AccelDevice(accelSpec, 'destination');
    dst.loadSetup(recordingLoadContext(false));
    const out = new Capture();
    src.saveSetup(out, { switchoverAck: false, rearmSwitchover: () => 0 });
    src.saveLiveIterate(out, 1 << 30, false);
    for (const s of out.sections) deliverAccel(dst, s);
    src.resize(3); // while paused: its new initial data never reached the destination
    const lacking = src.resumeFrom(dst.receivedState());
    expect(lacking).toBe(accelSpec.initialSize + 3 * accelSpec.resourceSize);
    expect(src.initialDataPending()).toBe(accelSpec.initialSize);
  });
});
