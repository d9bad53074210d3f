/**
 * kv's precopy-resume hooks against each other, no sockets: a source and a
 * destination device, the stream cut at a section boundary (a torn PART never
 * reaches loadState), keys written, deleted and re-sent around the break.
 * After resumeFrom(receivedState()) the source sends exactly what differs and
 * the two digests agree.
 */
import { describe, expect, it } from 'vitest';
import { MemorySectionWriter, loadSections, recordingLoadContext } from '@livemig/common/testing';
import { KvDevice, kvType, type KvSpec } from '../src/kv-device';
import { RECORD_META } from '../src/records';

const spec = (keys: number): KvSpec => ({ type: 'kv', id: 'kv0', seed: 5, host: '127.0.0.1', port: 0, keys, valueSize: 32, forwardTimeoutMs: 0 });

/** Frames of sections written so far, one Buffer per section. */
class Sections extends MemorySectionWriter {
  readonly frames: Buffer[] = [];
  override write(type: Parameters<MemorySectionWriter['write']>[0], header?: Uint8Array | null, payload: readonly Buffer[] = []): number {
    const n = super.write(type, header, payload);
    this.frames.push(this.take());
    return n;
  }
}

function pair(keys: number): { src: KvDevice; dst: KvDevice; out: Sections } {
  const src = kvType.create(spec(keys), 'source') as KvDevice;
  const dst = kvType.create(spec(0), 'destination') as KvDevice;
  dst.loadSetup(recordingLoadContext(false));
  const out = new Sections(src);
  src.saveSetup(out, { switchoverAck: false, verify: false, precopyResume: true, rearmSwitchover: () => 0 });
  return { src, dst, out };
}

/** Runs precopy to the end and loads it all; the digests must agree. */
function finish(src: KvDevice, dst: KvDevice): number {
  const out = new Sections(src);
  src.statePendingExact();
  while (src.statePendingEstimate() > 0) {
    src.saveLiveIterate(out, 1 << 30, false);
    src.statePendingExact();
  }
  src.saveLiveCompletePrecopy(out);
  for (const f of out.frames) loadSections(dst, f);
  expect(dst.digest().equals(src.digest())).toBe(true);
  expect(dst.store.size).toBe(src.store.size);
  return out.frames.length;
}

function close(...devices: KvDevice[]): void {
  for (const d of devices) d.dispose();
}

describe('kv receivedState / resumeFrom', () => {
  it('a break halfway through the first pass: only the keys never loaded go again', () => {
    const { src, dst, out } = pair(5000);
    for (let i = 0; i < 2 && src.statePendingEstimate() > 0; i++) src.saveLiveIterate(out, 1 << 30, false);
    // START + 2 calls of 2 batches of 1024 records; the last PART is lost in the break.
    const parts = out.frames.length - 1;
    expect(parts).toBe(4);
    for (const f of out.frames.slice(0, -1)) loadSections(dst, f);
    const held = dst.store.size;
    expect(held).toBe(3 * 1024);
    let missing = 0;
    for (const k of src.store.map.keys()) if (!dst.store.map.has(k)) missing += RECORD_META + k.length + 32;
    expect(src.resumeFrom(dst.receivedState())).toBe(missing);
    expect(src.statePendingEstimate()).toBeGreaterThan(0);
    finish(src, dst);
    close(src, dst);
  });

  it('a dirtied key whose newer copy was lost, and a lost delete, go again; an unchanged held key does not', () => {
    const { src, dst, out } = pair(100);
    src.saveLiveIterate(out, 1 << 30, false);
    for (const f of out.frames) loadSections(dst, f);
    expect(dst.store.size).toBe(100);
    // Dirtied and deleted, sent, and that PART lost in the break.
    src.store.set('key:7', Buffer.from('newer value'), 0);
    src.store.delete('key:9');
    src.store.setExpire('key:11', src.store.map.get('key:11')!, Date.now() + 3_600_000);
    src.statePendingExact();
    const lost = new Sections(src);
    src.saveLiveIterate(lost, 1 << 30, false);
    expect(lost.frames).toHaveLength(1);
    expect(src.statePendingEstimate()).toBe(0);
    // The destination holds the older copies of all three; the source resends exactly those.
    const lacking = src.resumeFrom(dst.receivedState());
    expect(lacking).toBe(RECORD_META * 3 + 'key:7'.length + 'newer value'.length + 'key:9'.length + 'key:11'.length + 32);
    const out2 = new Sections(src);
    src.saveLiveIterate(out2, 1 << 30, false);
    for (const f of out2.frames) loadSections(dst, f);
    expect(dst.store.map.get('key:7')?.value.toString()).toBe('newer value');
    expect(dst.store.map.has('key:9')).toBe(false);
    expect(dst.digest().equals(src.digest())).toBe(true);
    close(src, dst);
  });

  it('writes after the resume are tracked as before; the report is only whole sections', () => {
    const { src, dst, out } = pair(3000);
    src.saveLiveIterate(out, 1 << 30, false);
    for (const f of out.frames) loadSections(dst, f);
    src.resumeFrom(dst.receivedState());
    src.store.set('key:0', Buffer.from('after the resume'), 0);
    src.store.set('brand:new', Buffer.from('x'), 0);
    finish(src, dst);
    expect(dst.store.map.get('brand:new')?.value.toString()).toBe('x');
    close(src, dst);
  });

  it('refuses a report it cannot read', () => {
    const { src } = pair(10);
    expect(() => src.resumeFrom(new Uint8Array(0))).toThrow(/bad kind/);
    expect(() => src.resumeFrom(Uint8Array.of(7))).toThrow(/bad kind/);
    expect(() => src.resumeFrom(Uint8Array.of(0, 0, 0, 0, 9, 1))).toThrow(/cut in a key/);
    expect(() => src.resumeFrom(Uint8Array.of(0, 0, 0))).toThrow(/cut in a key length/);
    close(src);
  });

  it('a START-only stream reports an empty list: everything goes', () => {
    const { src, dst, out } = pair(50);
    loadSections(dst, out.frames[0]!);
    expect(out.frames).toHaveLength(1);
    const report = dst.receivedState();
    expect(Array.from(report)).toEqual([0]);
    expect(src.resumeFrom(report)).toBe(50 * (RECORD_META + 32) + [...src.store.map.keys()].reduce((n, k) => n + k.length, 0));
    expect(finish(src, dst)).toBeGreaterThan(1);
    close(src, dst);
  });
});
