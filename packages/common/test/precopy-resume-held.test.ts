/**
 * precopy-resume's pieces below the engine: the held-state report on the
 * return path (deflated, cut into pieces, put back together), and the RAM and
 * accel hooks end to end between two devices: what the destination holds is
 * per page (chunk) the batch it last loaded whole, so a frame torn by a break
 * never counts, a re-sent copy lost in the break goes again though an older
 * one is held, and the resumed source resends exactly what the destination
 * lacks (plus what was dirtied).
 */
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { HELD_STATE_PIECE_BYTES, HeldStateAssembler, heldStateMessages } from '../src/wire/held-state';
import { livemig } from '../src/wire/messages';
import { encodeRpMessage } from '../src/wire/frame-encoder';
import { MAX_RP_HEADER_BYTES } from '../src/constants';
import { RamDevice, ramType } from '../src/devices/ram';
import type { IncomingSection, LoadContext, SectionKind, SectionWriter } from '../src/devices/device';
import { AccelDevice, type AccelSpec } from '../src/devices/accel';
import { parseDeviceSpec } from '../src/device-spec';
import { recordingLoadContext } from '../src/testing';

const LOAD_CTX: LoadContext = { switchoverAck: false, precopyResume: true, approveSwitchover: () => {}, rearmSwitchover: () => {}, progress: () => {} };

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
  const spec = { type: 'ram' as const, id: 'ram0', seed: 7, size: 2 * 1024 * 1024, pageSize: 4096, fill: 'random' as const, blockBytes: 1024 * 1024 };
  const PARTS = livemig.SectionType.SECTION_PART;

  /** A source and a destination that took the whole bulk pass (512 pages in frames of 64), then pages 5 and 300 dirtied and sent again in one more frame. */
  function afterResend(): { src: RamDevice; dst: RamDevice; last: { type: SectionKind; header: Uint8Array; payload: Buffer } } {
    const src = ramType.create(spec, 'source') as RamDevice;
    const dst = ramType.create(spec, 'destination') as RamDevice;
    dst.loadSetup(LOAD_CTX);
    const out = new Capture();
    src.saveSetup(out, { switchoverAck: false, precopyResume: true, rearmSwitchover: () => 0 });
    while (src.statePendingEstimate() > 0) src.saveLiveIterate(out, 64 * 4096, false);
    out.sections.forEach((s, i) => deliver(dst, s, i % 2 === 0 && s.type === PARTS));
    src.write(5 * 4096, Buffer.from('dirtied once'));
    src.write(300 * 4096, Buffer.from('dirtied too'));
    src.statePendingExact();
    const again = new Capture();
    src.saveLiveIterate(again, 1 << 30, false);
    expect(again.sections).toHaveLength(1);
    return { src, dst, last: again.sections[0]! };
  }

  function finish(src: RamDevice, dst: RamDevice): void {
    const rest = new Capture();
    while (src.statePendingEstimate() > 0) src.saveLiveIterate(rest, 1 << 30, false);
    for (const s of rest.sections) deliver(dst, s, false);
    expect(src.digest().equals(dst.digest())).toBe(true);
  }

  it('a re-sent copy lost in the break goes again, though the destination holds an older one', () => {
    const { src, dst } = afterResend(); // the last frame never arrives
    const lacking = src.resumeFrom(dst.receivedState());
    expect(lacking).toBe(2 * 4096);
    src.statePendingExact();
    expect(src.statePendingEstimate()).toBe(2 * 4096);
    finish(src, dst);
  });

  it('a frame torn while landing in place never counts: its pages go again', () => {
    const { src, dst, last } = afterResend();
    const header = dst.decodeHeader(last.type, dst.version, last.header);
    const targets = dst.payloadTargets(last.type, header, last.payload.length)!;
    last.payload.copy(targets[0]!, 0, 0, 100); // part of the first page, then the break
    expect(src.resumeFrom(dst.receivedState())).toBe(2 * 4096);
    finish(src, dst);
  });

  it('what was never sent, and what the machine dirtied while paused, go too; what is held does not', () => {
    const src = ramType.create(spec, 'source') as RamDevice;
    const dst = ramType.create(spec, 'destination') as RamDevice;
    dst.loadSetup(LOAD_CTX);
    const out = new Capture();
    src.saveSetup(out, { switchoverAck: false, precopyResume: true, rearmSwitchover: () => 0 });
    for (let i = 0; i < 4; i++) src.saveLiveIterate(out, 64 * 4096, false);
    // START and 3 frames arrive; the fourth is lost; 256 pages were never sent.
    out.sections.slice(0, 4).forEach((s) => deliver(dst, s, true));
    src.write(10 * 4096, Buffer.from('while paused'));
    const lacking = src.resumeFrom(dst.receivedState());
    expect(lacking).toBe((512 - 3 * 64) * 4096);
    src.statePendingExact();
    expect(src.statePendingEstimate()).toBe(lacking + 4096);
    finish(src, dst);
  });

  it('refuses a report of the wrong size', () => {
    const src = ramType.create(spec, 'source') as RamDevice;
    src.saveSetup(new Capture(), { switchoverAck: false, precopyResume: true, rearmSwitchover: () => 0 });
    expect(() => src.resumeFrom(new Uint8Array(8))).toThrow(/expected 2048/);
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
    dst.loadSetup({ ...recordingLoadContext(false), precopyResume: true });
    const out = new Capture();
    src.saveSetup(out, { switchoverAck: false, precopyResume: true, rearmSwitchover: () => 0 });
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
    dst.loadSetup({ ...recordingLoadContext(false), precopyResume: true });
    const out = new Capture();
    src.saveSetup(out, { switchoverAck: false, precopyResume: true, rearmSwitchover: () => 0 });
    src.saveLiveIterate(out, 1 << 30, false);
    for (const s of out.sections) deliverAccel(dst, s);
    src.resize(3); // while paused: its new initial data never reached the destination
    const lacking = src.resumeFrom(dst.receivedState());
    expect(lacking).toBe(accelSpec.initialSize + 3 * accelSpec.resourceSize);
    expect(src.initialDataPending()).toBe(accelSpec.initialSize);
  });
});
