/** fill=file:PATH: the file's bytes repeated page-aligned, its zero pages known zero without a scan; bad paths are usage errors. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RamDevice } from '../src/devices/ram';
import { parseDeviceSpec, type RamSpec } from '../src/device-spec';
import { DeviceSpecError } from '../src/errors';
import { MemorySectionWriter, loadSections, recordingLoadContext, saveContext } from '../src/testing';

const dir = mkdtempSync(join(tmpdir(), 'livemig-fill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file of 2.5 pages: a non-zero page, a zero page, half a non-zero page. */
function sampleFile(): { path: string; bytes: Buffer } {
  const bytes = Buffer.alloc(4096 * 2 + 2048);
  for (let i = 0; i < 4096; i++) bytes[i] = (i * 7 + 1) & 0xff;
  for (let i = 8192; i < bytes.length; i++) bytes[i] = (i * 13 + 5) & 0xff;
  const path = join(dir, 'sample.bin');
  writeFileSync(path, bytes);
  return { path, bytes };
}

describe('fill=file:PATH', () => {
  it('repeats the file page-aligned (its last page zero-padded) and leaves its zero pages unwritten', () => {
    const { path, bytes } = sampleFile();
    const spec = parseDeviceSpec(`ram,id=ram0,size=64K,fill=file:${path}`) as RamSpec;
    expect(spec.fill).toEqual({ kind: 'file', path });
    const ram = new RamDevice(spec, 'source');
    const period = 3 * 4096;
    for (let base = 0; base + period <= ram.spec.size; base += period) {
      expect(ram.memory.read(base, bytes.length).equals(bytes)).toBe(true);
      expect(ram.memory.read(base + bytes.length, period - bytes.length).every((b) => b === 0)).toBe(true);
    }
    // Page 1 of every copy is the file's zero page: known zero (no scan), so 16 pages: 0,2 of each copy + the 16th.
    const pages = ram.spec.size / 4096;
    for (let p = 0; p < pages; p++) expect(ram.isZeroPage(p)).toBe(p % 3 === 1);
    // The scanner sends them as zero runs: only the written pages carry bytes.
    const out = new MemorySectionWriter(ram);
    ram.saveSetup(out, saveContext(false));
    ram.saveLiveIterate(out, 1 << 20, false);
    expect(ram.stats.zeroPages).toBe(5);
    expect(ram.stats.normalPages).toBe(11);
  });

  it('migrates and digests equal on both ends (16 KiB digest units, zero units known without a read)', () => {
    const { path } = sampleFile();
    const spec = parseDeviceSpec(`ram,id=ram0,size=1M,fill=file:${path}`) as RamSpec;
    const src = new RamDevice(spec, 'source');
    const dst = new RamDevice(spec, 'destination');
    dst.loadSetup(recordingLoadContext(true));
    const out = new MemorySectionWriter(src);
    src.saveSetup(out, saveContext(false, true));
    while (src.saveLiveIterate(out, 100 * 1024, false) > 0) loadSections(dst, out.take());
    src.saveLiveCompletePrecopy(out);
    loadSections(dst, out.take());
    expect(dst.memory.equals(src.memory)).toBe(true);
    expect(dst.digest()).toEqual(src.digest());
    // One byte off in one page: the digest sees it.
    const at = 5 * 4096 + 17;
    dst.write(at, Buffer.from([dst.memory.byteAt(at) ^ 1]));
    expect(dst.digest()).not.toEqual(src.digest());
  });

  it('refuses a path that is missing, a directory, or an empty file, naming it', () => {
    const missing = join(dir, 'no-such-file');
    expect(() => parseDeviceSpec(`ram,id=ram0,size=64K,fill=file:${missing}`)).toThrow(DeviceSpecError);
    expect(() => parseDeviceSpec(`ram,id=ram0,size=64K,fill=file:${missing}`)).toThrow(`cannot read '${missing}' (ENOENT)`);
    expect(() => parseDeviceSpec(`ram,id=ram0,size=64K,fill=file:${dir}`)).toThrow(`'${dir}' is not a regular file`);
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    expect(() => parseDeviceSpec(`ram,id=ram0,size=64K,fill=file:${empty}`)).toThrow(`'${empty}' is empty`);
    expect(() => parseDeviceSpec('ram,id=ram0,size=64K,fill=file:')).toThrow('needs a path');
    expect(() => parseDeviceSpec('ram,id=ram0,size=64K,fill=files')).toThrow('file:PATH');
  });
});
