#!/usr/bin/env node
/**
 * zstd packages for multifd-compression, side by side on the same packets:
 * CPU seconds per GiB of guest bytes to inflate and to compress (level 1)
 * 512 KiB packets of `fill=file:` memory (libc's non-zero pages, repeated),
 * each package called the way the daemons would call it (sync in a worker,
 * a reused context and output buffer where its API allows).
 *
 *   node scripts/bench/zstd-bindings.mjs [--from DIR] [--mib 64] [FILE]
 *
 * The daemons' bindings (zstd-napi, an optionalDependency built with node-gyp
 * at install, and the prebuilt fallback @toondepauw/node-zstd) come from this
 * repo, and the first line says which one the daemons pick here; the others
 * from DIR, where they were installed apart from the project, e.g.
 *   npm i --prefix /tmp/zs @mongodb-js/zstd@1.2.2 @foxglove/wasm-zstd fzstd
 * A package not found there is reported as not installed. The
 * `zstd` CLI (libzstd itself), when present, inflates the same frames as the
 * floor. CPU time (process.cpuUsage), best of 3 after a warm-up: other load on
 * the machine still slows every row, so compare rows of one run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { from: { type: 'string' }, mib: { type: 'string', default: '64' } } });
const own = createRequire(import.meta.url);
const other = values.from ? createRequire(join(values.from, 'node_modules', 'x.js')) : null;
const load = (name) => {
  try {
    return other ? other(name) : null;
  } catch {
    return null;
  }
};

/** `name@version` as installed (the row's label), or the bare name when it is not. */
const label = (req, name) => {
  try {
    return `${name} ${req(`${name}/package.json`).version}`;
  } catch {
    return name;
  }
};
const at = (name) =>
  label((n) => {
    try {
      return own(n);
    } catch (err) {
      if (other) return other(n);
      throw err;
    }
  }, name);

const PAGE = 4096;
const PACKET = 512 * 1024;
const file = positionals[0] ?? '/usr/lib/x86_64-linux-gnu/libc.so.6';
const bytes = readFileSync(file);
const padded = Buffer.alloc(Math.ceil(bytes.length / PAGE) * PAGE);
bytes.copy(padded);
const pages = [];
for (let o = 0; o < padded.length; o += PAGE) if (padded.subarray(o, o + PAGE).some((b) => b !== 0)) pages.push(padded.subarray(o, o + PAGE));
const one = Buffer.concat(pages);
const size = Number(values.mib) * 1024 * 1024;
const data = Buffer.alloc(size);
for (let o = 0; o < size; o += one.length) one.copy(data, o, 0, Math.min(one.length, size - o));
const slices = [];
for (let o = 0; o + PACKET <= size; o += PACKET) slices.push(data.subarray(o, o + PACKET));

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const faults = () => process.resourceUsage().minorPageFault;
const rows = [];
async function row(op, name, how, fn) {
  if (!fn) return rows.push({ op, name, how, perGiB: 'not installed', faults: '' });
  await fn();
  let best = Infinity;
  let f = 0;
  for (let i = 0; i < 3; i++) {
    const f0 = faults();
    const t = cpuMs();
    await fn();
    const ms = cpuMs() - t;
    if (ms < best) [best, f] = [ms, faults() - f0];
  }
  rows.push({ op, name, how, perGiB: `${((best * 2 ** 30) / size / 1000).toFixed(2)} s`, faults: String(Math.round(f / slices.length)) });
}

const toon = own('@toondepauw/node-zstd');
const enc = new toon.Encoder(1);
const packets = slices.map((s) => enc.encodeSync(s));
const exact = (n) => {
  if (n !== PACKET) throw new Error(`inflated to ${n} bytes, expected ${PACKET}`);
};
const out = Buffer.alloc(PACKET);
const napi = (() => {
  try {
    return own('zstd-napi/binding.js');
  } catch {
    return load('zstd-napi/binding.js');
  }
})();
// What the daemons use (packages/common/src/compression/zstd-codec.ts, built): zstd-napi, or the fallback.
const picked = (() => {
  try {
    return own('../../packages/common/dist/compression/zstd-codec.js').zstdCodec();
  } catch (err) {
    return { name: `unknown (npm run build first: ${err.message.split('\n')[0]})` };
  }
})();
const mongo = load('@mongodb-js/zstd');
const fox = load('@foxglove/wasm-zstd');
const fzstd = load('fzstd');
if (fox) await fox.isLoaded;

const TOON = `${label(own, '@toondepauw/node-zstd')} (fallback)`;
const NAPI = `${at('zstd-napi')} (used)`;
const MONGO = at('@mongodb-js/zstd');
const FOX = at('@foxglove/wasm-zstd');
const dec = new toon.Decoder();
await row('inflate', TOON, 'Decoder.decodeSync: a new output Buffer per packet', () => packets.forEach((p) => exact(dec.decodeSync(p).length)));
await row('inflate', TOON, 'Decoder.decode: async (libuv pool), awaited one by one', async () => {
  for (const p of packets) exact((await dec.decode(p)).length);
});
const dctx = napi && new napi.DCtx();
await row('inflate', NAPI, 'one DCtx, decompress() into a reused buffer', napi && (() => packets.forEach((p) => exact(dctx.decompress(out, p)))));
await row('inflate', NAPI, 'one DCtx, decompress() into a new buffer per packet', napi && (() => packets.forEach((p) => exact(dctx.decompress(Buffer.allocUnsafeSlow(PACKET), p)))));
await row('inflate', MONGO, 'decompress(): async (libuv pool), awaited one by one', mongo && (async () => {
  for (const p of packets) exact((await mongo.decompress(p)).length);
}));
await row('inflate', FOX, 'decompress(buf, size): WASM, copied in and out', fox && (() => packets.forEach((p) => exact(fox.decompress(p, PACKET).length))));
await row('inflate', at('fzstd'), 'decompress(buf, out): pure JS, into a reused buffer', fzstd && (() => packets.forEach((p) => exact(fzstd.decompress(p, out).length))));
await row('compress', TOON, 'Encoder(1).encodeSync: a new context and output per packet', () => slices.forEach((s) => enc.encodeSync(s)));
const cctx = napi && new napi.CCtx();
const bound = napi ? napi.compressBound(PACKET) : 0;
const cout = Buffer.alloc(bound);
await row('compress', NAPI, 'one CCtx, compress(level 1) into a reused buffer', napi && (() => slices.forEach((s) => cctx.compress(cout, s, 1))));
await row('compress', MONGO, 'compress(buf, 1): async, awaited one by one', mongo && (async () => {
  for (const s of slices) await mongo.compress(s, 1);
}));
await row('compress', FOX, 'compress(buf, 1): WASM', fox && (() => slices.forEach((s) => fox.compress(s, 1))));

// libzstd itself: the zstd CLI inflating the same frames (its own process's CPU).
const dir = mkdtempSync(join(tmpdir(), 'zstd-bindings-'));
try {
  const frames = join(dir, 'frames.zst');
  writeFileSync(frames, Buffer.concat(packets));
  const cli = spawnSync('bash', ['-c', `TIMEFORMAT=%U+%S; for i in 1 2 3; do time zstd -d -q -c ${frames} >/dev/null; done`], { encoding: 'utf8' });
  const times = cli.status === 0 ? cli.stderr.trim().split('\n').map((l) => l.split('+').reduce((a, b) => a + Number(b), 0)) : null;
  rows.push({ op: 'inflate', name: 'zstd CLI (libzstd)', how: 'zstd -d of the same frames, one process', perGiB: times ? `${((Math.min(...times) * 2 ** 30) / size).toFixed(2)} s` : 'not installed', faults: '' });
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const ratio = size / packets.reduce((a, p) => a + p.length, 0);
process.stdout.write(`daemons' zstd binding here: ${picked.name}${picked.why ? ` (zstd-napi not loadable: ${picked.why})` : ''}\n`);
process.stdout.write(`${file}: ${values.mib} MiB in ${slices.length} packets of 512 KiB, level 1 ratio ${ratio.toFixed(3)}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; node ${process.version}\n`);
const heads = ['op', 'package', 'how', 'CPU per GiB', 'page faults per packet'];
const cols = ['op', 'name', 'how', 'perGiB', 'faults'];
const width = cols.map((c, i) => Math.max(heads[i].length, ...rows.map((r) => r[c].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(width[i])).join(' | ')} |\n`;
process.stdout.write(line(heads) + line(width.map((w) => '-'.repeat(w))) + rows.map((r) => line(cols.map((c) => r[c]))).join(''));
