/**
 * The QEMU side-by-side bench (scripts/bench/qemu.mjs) rests on three things
 * that need no QEMU to check: the memory image holds exactly the bytes
 * livemig's ram device holds for the same spec (the comparison's "same memory
 * contents"), the firmware halts the vCPU at the reset vector, and the
 * destination-memory check ignores only the firmware window. Also how
 * repetitions are folded into one row.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RamDevice, parseDeviceSpec, type RamSpec } from '@livemig/common/devices';

// An ES module (the bench's): imported dynamically, as test/helpers/netns.ts does with netns.mjs.
type QemuModule = typeof import('../scripts/bench/qemu.mjs', { with: { 'resolution-mode': 'import' } });
let fold: QemuModule['fold'];
let sameMemory: QemuModule['sameMemory'];
let writeFirmware: QemuModule['writeFirmware'];
let writeImage: QemuModule['writeImage'];
beforeAll(async () => {
  ({ fold, sameMemory, writeFirmware, writeImage } = await import('../scripts/bench/qemu.mjs'));
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'livemig-qemu-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const livemigBytes = (spec: string): Buffer => Buffer.concat([...new RamDevice(parseDeviceSpec(spec) as RamSpec, 'source').memory.blocks]);

describe('bench QEMU memory image', () => {
  it('holds the bytes of livemig’s seeded random fill for the same spec', () => {
    const spec = 'ram,id=ram0,size=4M';
    writeImage(spec, join(dir, 'r.img'));
    const image = readFileSync(join(dir, 'r.img'));
    expect(image.length).toBe(4 * 1024 * 1024);
    expect(image.equals(livemigBytes(spec))).toBe(true);
    // and not some other seed's: another id gives other bytes
    expect(image.equals(livemigBytes('ram,id=ram1,size=4M'))).toBe(false);
  });

  it('holds fill=file: as livemig repeats it (page-aligned copies, the tail of the last page zero)', () => {
    const file = join(dir, 'lib.bin');
    const content = Buffer.alloc(3 * 4096 + 100, 0);
    content.fill(0xab, 0, 4096); // page 0 data, page 1 zero, page 2 data, page 3 a 100-byte tail
    content.fill(0xcd, 2 * 4096, 3 * 4096 + 100);
    writeFileSync(file, content);
    const spec = `ram,id=ram0,size=1M,fill=file:${file}`;
    writeImage(spec, join(dir, 'f.img'));
    const image = readFileSync(join(dir, 'f.img'));
    expect(image.equals(livemigBytes(spec))).toBe(true);
    const second = image.subarray(4 * 4096, 8 * 4096); // the second copy starts on page 4
    expect(second.subarray(0, content.length).equals(content)).toBe(true);
    expect(second.subarray(content.length).every((b) => b === 0)).toBe(true);
  });
});

describe('bench QEMU firmware', () => {
  it('is 64 KiB whose reset vector (0xfff0) is cli; hlt; jmp back to the hlt', () => {
    writeFirmware(join(dir, 'halt.rom'));
    const rom = readFileSync(join(dir, 'halt.rom'));
    expect(rom.length).toBe(65536);
    expect([...rom.subarray(0xfff0, 0xfff4)]).toEqual([0xfa, 0xf4, 0xeb, 0xfd]);
    // jmp rel8 -3 from the next instruction (0xfff4) lands on the hlt (0xfff1)
    expect(0xfff4 + (0xfd - 0x100)).toBe(0xfff1);
    expect(rom.subarray(0, 0xfff0).every((b) => b === 0) && rom.subarray(0xfff4).every((b) => b === 0)).toBe(true);
  });
});

describe('bench QEMU memory check', () => {
  const size = 2 * 1024 * 1024;
  const image = Buffer.alloc(size);
  for (let i = 0; i < size; i++) image[i] = (i * 7) & 0xff;

  function check(mutate: (dump: Buffer) => void) {
    const dump = Buffer.from(image);
    mutate(dump);
    writeFileSync(join(dir, 'img'), image);
    writeFileSync(join(dir, 'dump'), dump);
    return sameMemory(join(dir, 'dump'), join(dir, 'img'), size);
  }

  it('passes identical memory, and differences only inside 640 KiB–1 MiB (the firmware window)', () => {
    expect(check(() => {})).toEqual({ same: true });
    expect(check((d) => d.fill(0, 0xa0000, 0x100000))).toEqual({ same: true });
  });

  it('fails a difference just below, just above the window, and at the end', () => {
    const flip = (at: number) => (d: Buffer) => d.writeUInt8(d.readUInt8(at) ^ 1, at);
    expect(check(flip(0x9ffff)).same).toBe(false);
    expect(check(flip(0x100000))).toMatchObject({ same: false, at: 0x100000 });
    expect(check(flip(size - 1)).same).toBe(false);
  });

  it('fails a dump shorter than the memory', () => {
    writeFileSync(join(dir, 'img'), image);
    writeFileSync(join(dir, 'dump'), image.subarray(0, size - 1));
    expect(sameMemory(join(dir, 'dump'), join(dir, 'img'), size)).toMatchObject({ same: false });
  });
});

describe('bench QEMU repetitions folded into a row', () => {
  it('takes medians of the completed runs, and says a run failed or memory differed', () => {
    const ok = (t: number, extra: Record<string, unknown> = {}) => ({ status: 'completed', totalTimeMs: t, runQueueWaitMs: { source: t / 10, destination: 1 }, memoryMatches: null, ...extra });
    const all = fold([ok(100, { memoryMatches: true }), ok(300), ok(200)]);
    expect(all).toMatchObject({ status: 'completed', runs: 3, totalTimeMs: 200, runQueueWaitMs: { source: 20, destination: 1 }, memoryMatches: true, totalTimesMs: [100, 300, 200] });
    const failed = fold([ok(100), { status: 'failed', totalTimeMs: null, runQueueWaitMs: null, memoryMatches: null }]);
    expect(failed).toMatchObject({ status: 'failed', totalTimeMs: 100, totalTimesMs: [100, null] });
    expect(fold([ok(100, { memoryMatches: false }), ok(100, { memoryMatches: true })]).memoryMatches).toBe(false);
  });
});
