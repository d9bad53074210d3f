/**
 * RAM in blocks (QEMU's RAMBlocks): small blocks (64 KiB on 1 MiB devices) so
 * every path crosses block boundaries. Views of memory never span a block;
 * zero runs may; a receiver splits a run into one region per block, whatever
 * block size the sender had; contents and digests do not depend on the block
 * size; and a device larger than the largest Node Buffer exists.
 */
import { constants as bufferConstants } from 'node:buffer';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDaemonArgs } from '../src/daemon-args';
import { parseDeviceSpec, type RamSpec } from '../src/device-spec';
import { DirtyBitmap } from '../src/dirty-bitmap';
import { DeviceSpecError, UsageError } from '../src/errors';
import { Rng } from '../src/prng';
import { MIN_RAM_BLOCK_BYTES, RAM_BLOCK_BYTES, RamBlocks } from '../src/devices/ram-blocks';
import { applyTestRamBlockSize, checkRamFitsHost, TEST_RAM_BLOCK_SIZE_ENV } from '../src/devices/ram-limits';
import { RamDevice } from '../src/devices/ram';
import { RamScanner } from '../src/devices/ram-scanner';
import type { SectionWriter } from '../src/devices/device';
import { MemorySectionWriter, loadSections, recordingLoadContext, saveContext } from '../src/testing';
import type { livemig } from '../src/wire/messages';
import { createStreamDecoder } from '../src/wire/codecs';

const PS = 4096;
const BLOCK = 64 * 1024; // 16 pages a block
const PAGES_PER_BLOCK = BLOCK / PS;
const PART = 2; // livemig.SectionType.SECTION_PART
const LIMITS = { maxNormalPages: 1 << 20, maxRuns: 1 << 20, maxZeroPages: 1 << 20 };

function ramSpec(text: string, blockBytes?: number): RamSpec {
  const spec = parseDeviceSpec(text) as RamSpec;
  return blockBytes === undefined ? spec : { ...spec, blockBytes };
}

/** The block a view lies in (-1: none; a view that spanned two could not share one block's memory). */
function blockOfView(memory: RamBlocks, view: Buffer): number {
  return memory.blocks.findIndex((b) => b.buffer === view.buffer && view.byteOffset >= b.byteOffset && view.byteOffset + view.length <= b.byteOffset + b.length);
}

/** Decodes frames like the destination does: payloads with targets land in place (FrameDecoder payload sink). */
function loadInPlace(device: RamDevice, bytes: Buffer, chunkSize = 10_000): { inPlace: number } {
  const header = (s: livemig.Section.$Properties): unknown => device.decodeHeader(s.type ?? 0, 1, s.header ?? new Uint8Array(0));
  const dec = createStreamDecoder({ payloadSink: (m, len) => (m.section ? device.payloadTargets(m.section.type ?? 0, header(m.section), len) : null) });
  const counts = { inPlace: 0 };
  for (let off = 0; off < bytes.length; off += chunkSize) {
    dec.pushEach(bytes.subarray(off, off + chunkSize), (f) => {
      const s = f.message.section!;
      if (f.inPlace) counts.inPlace++;
      device.loadState({ type: s.type ?? 0, version: 1, header: header(s), payload: f.payload, payloadLength: f.payloadLength, inPlace: f.inPlace });
    });
  }
  return counts;
}

/** Precopy with a workload between rounds, then the final pass; `load` is how the destination takes bytes. */
function migrate(src: RamDevice, dst: RamDevice, load: (bytes: Buffer) => void, dirty = true): void {
  const out = new MemorySectionWriter(src);
  const rng = new Rng(11);
  src.saveSetup(out, saveContext(false, true));
  for (let round = 0; round < 50; round++) {
    src.saveLiveIterate(out, 192 * 1024, false);
    if (dirty && round < 5) src.simulateWrites(0.01, rng, 8 << 20, 100);
    load(out.take());
    if (src.statePendingExact() === 0) break;
  }
  src.statePendingExact();
  while (src.saveLiveIterate(out, 1 << 20, true) > 0) load(out.take());
  src.saveLiveCompletePrecopy(out);
  load(out.take());
}

describe('RamBlocks', () => {
  it('splits memory into blocks; a view lies in one block, a run across a boundary has one view per block', () => {
    const m = new RamBlocks(1024 * 1024 + 8 * PS, PS, BLOCK); // 16 full blocks and a short last one
    expect(m.blocks.map((b) => b.length)).toEqual([...Array<number>(16).fill(BLOCK), 8 * PS]);
    expect(m.pages).toBe(264);
    const v = m.view(PAGES_PER_BLOCK - 2, 2); // ends exactly at the boundary
    expect(blockOfView(m, v)).toBe(0);
    expect(v.byteOffset - m.blocks[0]!.byteOffset).toBe(BLOCK - 2 * PS);
    expect(() => m.view(PAGES_PER_BLOCK - 2, 3)).toThrow(RangeError);
    expect(() => m.view(260, 5)).toThrow(RangeError); // past the short last block
    const views: Buffer[] = [];
    m.viewsOf(PAGES_PER_BLOCK - 1, PAGES_PER_BLOCK + 2, views); // 1 + 16 + 1 pages
    expect(views.map((x) => [blockOfView(m, x), x.length / PS])).toEqual([
      [0, 1],
      [1, 16],
      [2, 1],
    ]);
  });

  it('writes and reads bytes across a boundary, and compares equal to the same bytes in other blocks', () => {
    const a = new RamBlocks(1024 * 1024, PS, BLOCK);
    const b = new RamBlocks(1024 * 1024, PS); // one block
    const data = Buffer.from(Array.from({ length: 3 * PS }, (_, i) => (i * 7 + 1) & 0xff));
    a.write(BLOCK - PS - 5, data);
    b.write(BLOCK - PS - 5, data);
    expect(a.read(BLOCK - PS - 5, data.length).equals(data)).toBe(true);
    expect(a.byteAt(BLOCK)).toBe(b.byteAt(BLOCK));
    expect(a.equals(b)).toBe(true);
    b.write(5 * BLOCK + 3, Buffer.from([9]));
    expect(a.equals(b)).toBe(false);
  });

  it('refuses block sizes that are not a power of two from 64 KiB to 1 GiB', () => {
    expect(() => new RamBlocks(1 << 20, PS, 96 * 1024)).toThrow(DeviceSpecError);
    expect(() => new RamBlocks(1 << 20, PS, 32 * 1024)).toThrow(/power of two/);
    expect(() => new RamBlocks(1 << 20, PS, 2 * RAM_BLOCK_BYTES)).toThrow(DeviceSpecError);
    expect(new RamBlocks(1 << 20, 65536, MIN_RAM_BLOCK_BYTES).blocks).toHaveLength(16); // 64 KiB pages: one page a block
  });
});

describe('RamScanner over blocks', () => {
  function setup(blocks: number) {
    const memory = new RamBlocks(blocks * BLOCK, PS, BLOCK);
    const toSend = new DirtyBitmap(memory.pages);
    const written = new DirtyBitmap(memory.pages);
    const scanner = new RamScanner({ memory, toSend, written });
    const dataPage = (p: number): void => {
      memory.write(p * PS + 100, Buffer.from([7]));
      written.set(p);
    };
    return { memory, toSend, written, scanner, dataPage };
  }

  it('ends a normal run at a block boundary, so each payload view lies in one block', () => {
    const { memory, toSend, scanner, dataPage } = setup(4);
    toSend.setAll();
    for (let p = 14; p < 16 + 16 + 3; p++) dataPage(p); // pages 14…34: blocks 0, 1 and 2
    const b = scanner.next(LIMITS)!;
    expect(b.normalRuns).toEqual([14, 2, 16, 16, 32, 3]);
    expect(b.payload.map((v) => blockOfView(memory, v))).toEqual([0, 1, 2]);
    expect(b.payload.map((v) => v.length)).toEqual([2 * PS, 16 * PS, 3 * PS]);
    // The zero pages around them are runs in the header only.
    expect(b.zeroRuns).toEqual([0, 14, 35, 64 - 35]);
  });

  it('lets a zero run go on across blocks (it carries no bytes)', () => {
    const { toSend, scanner, dataPage, written } = setup(4);
    toSend.setAll();
    dataPage(5);
    written.set(40); // written, but holds zeros: found zero by reading it, in block 2
    dataPage(60);
    const b = scanner.next(LIMITS)!;
    expect(b.normalRuns).toEqual([5, 1, 60, 1]);
    expect(b.zeroRuns).toEqual([0, 5, 6, 54, 61, 3]); // 6…59 spans blocks 0 to 3
    expect(b.zeroPages).toBe(62);
    expect(written.test(40)).toBe(false);
  });

  it('sends every page of a random multi-block RAM once, in views of one block each', () => {
    const src = new RamDevice(ramSpec('ram,id=ram0,size=1M,fill=random', BLOCK), 'source');
    const out = new MemorySectionWriter(src);
    const views: Buffer[] = [];
    const capture: SectionWriter = {
      write: (t, d, p = []) => {
        views.push(...p);
        return out.write(t, d, p);
      },
    };
    src.saveSetup(capture, saveContext(false));
    while (src.saveLiveIterate(capture, 1 << 20, false) > 0);
    expect(src.stats.normalPages).toBe(256);
    expect(views.length).toBeGreaterThanOrEqual(16);
    for (const v of views) expect(blockOfView(src.memory, v)).toBeGreaterThanOrEqual(0);
    expect(views.reduce((n, v) => n + v.length, 0)).toBe(1024 * 1024);
  });
});

describe('RamDevice over blocks', () => {
  const TEXT = 'ram,id=ram0,size=1M,fill=random';

  it('holds the same bytes and digest whatever the block size (fill=random and fill=pattern)', () => {
    for (const text of [TEXT, 'ram,id=ram0,size=1M,fill=pattern']) {
      const small = new RamDevice(ramSpec(text, BLOCK), 'source');
      const one = new RamDevice(ramSpec(text), 'source');
      expect(small.memory.blocks).toHaveLength(16);
      expect(one.memory.blocks).toHaveLength(1);
      expect(small.memory.equals(one.memory)).toBe(true);
      expect(small.digest()).toEqual(one.digest());
    }
    // fill=random still differs page to page across blocks (no block repeats another).
    const small = new RamDevice(ramSpec(TEXT, BLOCK), 'source');
    expect(small.memory.blocks[0]!.equals(small.memory.blocks[1]!)).toBe(false);
  });

  it('fill=file: reads the file across blocks and repeats it across them, as with one block', () => {
    // 25.5 pages: blocks hold 16, so the file itself spans two blocks and its copies fall anywhere.
    const bytes = Buffer.alloc(25 * PS + PS / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 0xff;
    bytes.fill(0, 3 * PS, 4 * PS); // a zero page: left unwritten in every copy
    const dir = mkdtempSync(join(tmpdir(), 'livemig-blocks-'));
    try {
      const path = join(dir, 'f.bin');
      writeFileSync(path, bytes);
      const text = `ram,id=ram0,size=1M,fill=file:${path}`;
      const small = new RamDevice(ramSpec(text, BLOCK), 'source');
      const one = new RamDevice(ramSpec(text), 'source');
      expect(small.memory.equals(one.memory)).toBe(true);
      expect(small.memory.read(26 * PS, bytes.length).equals(bytes)).toBe(true); // the second copy, across blocks 1 and 2
      for (let p = 0; p < small.pages; p++) expect(small.isZeroPage(p)).toBe(one.isZeroPage(p));
      expect(small.isZeroPage(26 + 3)).toBe(true);
      expect(small.digest()).toEqual(one.digest());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('migrates a multi-block RAM while the workload dirties pages in every block (copy path), digests equal', async () => {
    const src = new RamDevice(ramSpec(TEXT, BLOCK), 'source');
    const dst = new RamDevice(ramSpec(TEXT, BLOCK), 'destination');
    dst.loadSetup(recordingLoadContext(false));
    migrate(src, dst, (bytes) => loadSections(dst, bytes, 7000));
    await dst.loadComplete();
    expect(src.stats.dirtySyncCount).toBeGreaterThan(1);
    expect(dst.memory.equals(src.memory)).toBe(true);
    expect(dst.digest()).toEqual(src.digest());
  });

  it('receives in place across blocks, from a sender with other blocks (one region per destination block)', async () => {
    for (const [srcBlock, dstBlock] of [
      [undefined, BLOCK], // sender: one block, runs of up to 256 pages; receiver: 16-page blocks
      [BLOCK, undefined],
      [BLOCK, 2 * BLOCK],
    ] as const) {
      const src = new RamDevice(ramSpec(TEXT, srcBlock), 'source');
      const dst = new RamDevice(ramSpec(TEXT, dstBlock), 'destination');
      dst.loadSetup(recordingLoadContext(false));
      let inPlace = 0;
      migrate(src, dst, (bytes) => (inPlace += loadInPlace(dst, bytes).inPlace));
      await dst.loadComplete();
      expect(inPlace).toBeGreaterThan(0);
      expect(dst.memory.equals(src.memory)).toBe(true);
      expect(dst.digest()).toEqual(src.digest());
    }
  });

  it('names one region per block for a run across boundaries, and copies a sliced payload across them', () => {
    const dst = new RamDevice(ramSpec('ram,id=ram0,size=1M,fill=zero', BLOCK), 'destination');
    dst.loadSetup(recordingLoadContext(false));
    const payload = Buffer.from(Array.from({ length: 20 * PS }, (_, i) => ((i >>> 12) + 1) & 0xff)); // page k holds k+1
    const data = { normalRuns: [10, 20] };
    const regions = dst.payloadTargets(PART, data, payload.length)!;
    expect(regions.map((r) => [blockOfView(dst.memory, r), r.length / PS])).toEqual([
      [0, 6],
      [1, 14],
    ]);
    let at = 0;
    for (const r of regions) at += payload.copy(r, 0, at, at + r.length);
    dst.loadState({ type: PART, version: 1, header: data, payload: [], payloadLength: payload.length, inPlace: true });
    expect(dst.memory.read(10 * PS, payload.length).equals(payload)).toBe(true);
    // The copy path, with the payload cut at places that are not page or block boundaries.
    const other = new RamDevice(ramSpec('ram,id=ram0,size=1M,fill=zero', BLOCK), 'destination');
    other.loadSetup(recordingLoadContext(false));
    const slices = [payload.subarray(0, 5000), payload.subarray(5000, 30_000), payload.subarray(30_000)];
    other.loadState({ type: PART, version: 1, header: data, payload: slices, payloadLength: payload.length });
    expect(other.memory.equals(dst.memory)).toBe(true);
  });

  it('zeroes written pages inside a zero run that crosses blocks, and pre-faults every block', () => {
    const dst = new RamDevice(ramSpec('ram,id=ram0,size=1M,fill=zero', BLOCK), 'destination');
    dst.loadSetup(recordingLoadContext(false));
    dst.write(15 * PS, Buffer.alloc(PS, 3)); // last page of block 0
    dst.write(16 * PS, Buffer.alloc(PS, 4)); // first page of block 1
    dst.write(100 * PS, Buffer.alloc(8, 5));
    dst.loadState({ type: PART, version: 1, header: { zeroRuns: [10, 100] }, payload: [], payloadLength: 0 });
    expect(dst.memory.read(10 * PS, 100 * PS).every((b) => b === 0)).toBe(true);
    expect(dst.stats.zeroPages).toBe(100);
    let bytes = 0;
    for (let n = dst.prefault(3 * BLOCK + PS); n > 0; n = dst.prefault(3 * BLOCK + PS)) bytes += n;
    expect(bytes).toBe(1024 * 1024);
    expect(dst.memory.read(0, 1024 * 1024).every((b) => b === 0)).toBe(true);
  });

  it('exists at 8 GiB, more than one Node Buffer can hold (blocks are calloc: nothing is touched here)', () => {
    expect(8 * 1024 ** 3).toBeGreaterThan(bufferConstants.MAX_LENGTH);
    const big = new RamDevice(ramSpec('ram,id=ram0,size=8G,fill=zero'), 'destination');
    expect(big.memory.blocks).toHaveLength(8);
    const last = 8 * 1024 ** 3 - PS;
    big.write(last + 8, Buffer.from([1, 2, 3]));
    expect(big.memory.read(last + 8, 3)).toEqual(Buffer.from([1, 2, 3]));
    expect(blockOfView(big.memory, big.memory.view(big.pages - 1, 1))).toBe(7);
    expect(big.isZeroPage(big.pages - 1)).toBe(false);
  });
});

describe('RAM sizes against the host, and the test-only block size', () => {
  const GiB = 1024 ** 3;

  it('refuses RAM devices that add up to more than the host memory, naming the figures (a usage error: exit 2)', () => {
    const specs = [ramSpec('ram,id=a,size=8G'), ramSpec('ram,id=b,size=8G')];
    expect(() => checkRamFitsHost(specs, 24 * GiB)).not.toThrow();
    expect(() => checkRamFitsHost(specs, 12 * GiB)).toThrow(UsageError);
    expect(() => checkRamFitsHost(specs, 12 * GiB)).toThrow(/ram devices 'a', 'b': 16 GiB in all is more than this machine's memory \(12 GiB\)/);
    expect(() => checkRamFitsHost([specs[0]!], 4 * GiB)).toThrow(/device 'a': size=8589934592 \(8 GiB\) is more than/);
  });

  it('applies LIVEMIG_TEST_RAM_BLOCK_SIZE to ram devices only, and refuses a bad value', () => {
    const specs = [ramSpec('ram,id=a,size=1M'), parseDeviceSpec('cpu,id=cpu0')];
    expect(applyTestRamBlockSize(specs, {})).toEqual(specs);
    const applied = applyTestRamBlockSize(specs, { [TEST_RAM_BLOCK_SIZE_ENV]: '64K' });
    expect((applied[0] as RamSpec).blockBytes).toBe(BLOCK);
    expect(applied[1]).toBe(specs[1]);
    expect(() => applyTestRamBlockSize(specs, { [TEST_RAM_BLOCK_SIZE_ENV]: '100K' })).toThrow(UsageError);
    expect(() => applyTestRamBlockSize(specs, { [TEST_RAM_BLOCK_SIZE_ENV]: 'big' })).toThrow(new RegExp(TEST_RAM_BLOCK_SIZE_ENV));
  });

  it('is where the daemons read their options: --device specs get the block size, and the host check runs', () => {
    const v = { device: ['ram,id=ram0,size=256M', 'cpu,id=cpu0'] };
    expect((parseDaemonArgs(v, {}, 24 * GiB).devices[0] as RamSpec).blockBytes).toBeUndefined();
    const args = parseDaemonArgs(v, { [TEST_RAM_BLOCK_SIZE_ENV]: '128K' }, 24 * GiB);
    expect((args.devices[0] as RamSpec).blockBytes).toBe(128 * 1024);
    expect(new RamDevice(args.devices[0] as RamSpec, 'destination').memory.blocks).toHaveLength(2048);
    expect(() => parseDaemonArgs(v, {}, 200 * 1024 ** 2)).toThrow(/device 'ram0': size=268435456 \(256 MiB\) is more than this machine's memory \(200 MiB\)/);
  });
});
