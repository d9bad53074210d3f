/**
 * `fill=file:PATH`: RAM holds the bytes of a real file, repeated to the RAM's size,
 * so compression sees the entropy real memory has (code, tables, zero pages).
 *
 * Each copy of the file starts on a page boundary, its last page zero-padded, as a
 * file mapped into memory is (mmap zero-fills the tail of the last page). So a
 * page of the file is the same page in every copy, and the file's zero pages are
 * found once, in the first copy: in the later copies they are never written, stay
 * untouched kernel zero pages and are known zero through the `written` bitmap
 * without a scan (the scanner skips them and the digest does not read them).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { DeviceError } from '../errors';
import type { DirtyBitmap } from '../dirty-bitmap';

/** Fills `mem` (zeroed, untouched) from the file; sets `written` for every non-zero page. Returns the file's length. */
export function fillFromFile(mem: Buffer, pageSize: number, path: string, written: DirtyBitmap, deviceId: string): number {
  const fileBytes = readInto(mem, path, deviceId);
  const period = Math.ceil(fileBytes / pageSize); // pages per copy
  const pages = mem.length / pageSize;
  const zero = Buffer.alloc(pageSize);
  // Non-zero pages of one copy, as runs [first, count, …] (the first copy is in place).
  const runs: number[] = [];
  for (let p = 0; p < Math.min(period, pages); p++) {
    const off = p * pageSize;
    if (mem.compare(zero, 0, pageSize, off, off + pageSize) === 0) continue;
    written.set(p);
    const n = runs.length;
    if (n > 0 && runs[n - 2]! + runs[n - 1]! === p) runs[n - 1]!++;
    else runs.push(p, 1);
  }
  for (let base = period; base < pages; base += period) {
    for (let i = 0; i < runs.length; i += 2) {
      const first = runs[i]!;
      const count = Math.min(runs[i + 1]!, pages - base - first);
      if (count <= 0) break;
      mem.copy(mem, (base + first) * pageSize, first * pageSize, (first + count) * pageSize);
      for (let p = base + first; p < base + first + count; p++) written.set(p);
    }
  }
  return fileBytes;
}

/** Reads up to mem.length bytes of the file into the start of `mem` (no intermediate buffer). */
function readInto(mem: Buffer, path: string, deviceId: string): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new DeviceError(`device '${deviceId}': fill=file:${path}: cannot open '${path}' (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    let at = 0;
    while (at < mem.length) {
      const n = readSync(fd, mem, at, Math.min(mem.length - at, 64 * 1024 * 1024), null);
      if (n === 0) break;
      at += n;
    }
    if (at === 0) throw new DeviceError(`device '${deviceId}': fill=file:${path}: '${path}' is empty`);
    return at;
  } finally {
    closeSync(fd);
  }
}
