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
import type { RamBlocks } from './ram-blocks';

/** Fills `memory` (zeroed, untouched) from the file; sets `written` for every non-zero page. Returns the file's length. */
export function fillFromFile(memory: RamBlocks, path: string, written: DirtyBitmap, deviceId: string): number {
  const fileBytes = readInto(memory, path, deviceId);
  const period = Math.ceil(fileBytes / memory.pageSize); // pages per copy
  const pages = memory.pages;
  // Non-zero pages of one copy, as runs [first, count, …] (the first copy is in place).
  const runs: number[] = [];
  for (let p = 0; p < Math.min(period, pages); p++) {
    if (memory.isZero(p)) continue;
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
      memory.copyPages(first, base + first, count);
      for (let p = base + first; p < base + first + count; p++) written.set(p);
    }
  }
  return fileBytes;
}

/** Reads up to the memory's size of the file into its start, block by block (no intermediate buffer). */
function readInto(memory: RamBlocks, path: string, deviceId: string): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new DeviceError(`device '${deviceId}': fill=file:${path}: cannot open '${path}' (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    let total = 0;
    for (const block of memory.blocks) {
      let at = 0;
      while (at < block.length) {
        const n = readSync(fd, block, at, Math.min(block.length - at, 64 * 1024 * 1024), null);
        if (n === 0) break;
        at += n;
      }
      total += at;
      if (at < block.length) break; // end of file
    }
    if (total === 0) throw new DeviceError(`device '${deviceId}': fill=file:${path}: '${path}' is empty`);
    return total;
  } finally {
    closeSync(fd);
  }
}
