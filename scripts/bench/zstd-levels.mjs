#!/usr/bin/env node
/**
 * What multifd zstd can gain on `fill=file:` memory, per level and packet size:
 * compression ratio and compress / inflate speed per core, measured with the
 * binding the daemons use (@toondepauw/node-zstd, page-codec.ts), in this
 * process, on one core. The memory is the file's non-zero pages, repeated, as
 * fill=file: lays it out, cut into packets as the multifd channels send them.
 *
 *   node scripts/bench/zstd-levels.mjs [FILE] [--levels -5,-1,1,2,3] [--packets 128,512,2048] [--mib 64]
 *
 * Speeds are CPU time (process.cpuUsage), so other load on the machine slows
 * them less than it does wall time; compare rows of one run.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { Encoder, Decoder } = require('@toondepauw/node-zstd');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { levels: { type: 'string', default: '-5,-3,-1,1,2,3' }, packets: { type: 'string', default: '128,512,2048' }, mib: { type: 'string', default: '64' } },
});
const file = positionals[0] ?? '/usr/lib/x86_64-linux-gnu/libc.so.6';
const PAGE = 4096;

// The file's pages, zero pages left out (fill=file: never sends them as data), repeated to size.
const bytes = readFileSync(file);
const padded = Buffer.alloc(Math.ceil(bytes.length / PAGE) * PAGE);
bytes.copy(padded);
const pages = [];
for (let o = 0; o < padded.length; o += PAGE) {
  const page = padded.subarray(o, o + PAGE);
  if (page.some((b) => b !== 0)) pages.push(page);
}
const copy = Buffer.concat(pages);
const size = Number(values.mib) * 1024 * 1024;
const data = Buffer.alloc(size);
for (let o = 0; o < size; o += copy.length) copy.copy(data, o, 0, Math.min(copy.length, size - o));
process.stdout.write(`${file}: ${bytes.length} bytes, ${padded.length / PAGE - pages.length} zero pages of ${padded.length / PAGE}; ${values.mib} MiB of it\n`);

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const rows = [];
for (const kib of values.packets.split(',').map(Number)) {
  const packet = kib * 1024;
  for (const level of values.levels.split(',').map(Number)) {
    const enc = new Encoder(level);
    const dec = new Decoder();
    const packed = [];
    let raw = 0;
    let wire = 0;
    let t = cpuMs();
    for (let o = 0; o + packet <= size; o += packet) {
      const out = enc.encodeSync(data.subarray(o, o + packet));
      packed.push(out);
      raw += packet;
      wire += out.length;
    }
    const compressMs = cpuMs() - t;
    t = cpuMs();
    for (const p of packed) dec.decodeSync(p);
    const inflateMs = cpuMs() - t;
    rows.push({ packet: `${kib} KiB`, level, ratio: (raw / wire).toFixed(2), compress: `${((raw / compressMs) * 1e-3).toFixed(0)} MB/s`, inflate: `${((raw / inflateMs) * 1e-3).toFixed(0)} MB/s` });
  }
}
const cols = ['packet', 'level', 'ratio', 'compress', 'inflate'];
const heads = ['packet', 'level', 'ratio', 'compress per core', 'inflate per core'];
const width = cols.map((c, i) => Math.max(heads[i].length, ...rows.map((r) => String(r[c]).length)));
const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(width[i])).join(' | ')} |\n`;
process.stdout.write(line(heads));
process.stdout.write(line(width.map((w) => '-'.repeat(w))));
for (const r of rows) process.stdout.write(line(cols.map((c) => r[c])));
