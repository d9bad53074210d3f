#!/usr/bin/env node
// Bundles each bin (livemig-source, livemig-destination, livemig-ctl) from the
// compiled dist/ into one file, packages/X/dist/bundle/main.js, with esbuild: a
// daemon then starts by compiling one script instead of resolving, reading and
// compiling ~140 CommonJS modules (0.20 -> 0.12 CPU-s per start on the 2-core CI
// machine; the test suite starts ~400 daemons). Run by `npm run build`, after tsc.
//
// What stays outside the bundle, loaded from node_modules at run time:
// - native bindings (@node-rs/xxhash, zstd-napi, @toondepauw/node-zstd);
// - modules loaded only on demand (pino-pretty for a TTY, ws for --control / ctl);
// - uplot, whose files the live view serves by path (require.resolve).
// The multifd compression worker is an entry of its own beside main.js, where the
// pool looks for it (join(__dirname, 'compression-worker.js')).
//
// loader.js (scripts/lib/bundle-loader.cjs) runs main.js from a V8 code cache made here by
// starting each bin once.
//
// The packages' own dist/ stays the library (require('@livemig/source') etc.), and
// a device module loaded with --device-module gets its own copy of @livemig/common:
// MigError's Symbol.hasInstance (errors.ts) makes its errors count as ours.
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const external = ['@node-rs/xxhash', 'zstd-napi', '@toondepauw/node-zstd', 'pino-pretty', 'ws', 'uplot'];
const WORKER = join(root, 'packages/common/dist/compression/compression-worker.js');

// `start`: how the bin is started once at build time to make its code cache (loader.js):
// a daemon on a 1 MiB machine on loopback port 0, ctl against a port nobody listens on.
const bins = [
  { pkg: 'source', bin: 'livemig-source', worker: true, start: ['--json', '--device', 'ram,id=ram0,size=1M', '--qmp', '127.0.0.1:0'] },
  { pkg: 'destination', bin: 'livemig-destination', worker: true, start: ['--json', '--listen', '127.0.0.1:0', '--device', 'ram,id=ram0,size=1M'] },
  { pkg: 'ctl', bin: 'livemig-ctl', worker: false, start: ['--connect', '127.0.0.1:9', 'query-status'] },
];

/** Every .js file under a package's dist/, but not the bundle itself. */
function jsFiles(dist) {
  if (!existsSync(dist)) return [];
  return readdirSync(dist, { recursive: true })
    .filter((f) => f.endsWith('.js') && !f.startsWith(`bundle${sep}`))
    .map((f) => join(dist, f));
}

/**
 * What a bin's bundle is made from: its package's and the libraries' compiled files, this
 * script, the loader, the lockfile and Node's version (the code cache is V8's). Names,
 * sizes and mtimes: `npm test` builds every time, and an unchanged tree skips the bundling
 * (~2 s, most of it the code-cache starts).
 */
function inputsStamp(pkg) {
  const h = createHash('sha256').update(process.version);
  const files = [...['common', 'kv', pkg].flatMap((p) => jsFiles(join(root, 'packages', p, 'dist'))), fileURLToPath(import.meta.url), join(root, 'scripts', 'lib', 'bundle-loader.cjs'), join(root, 'package-lock.json')];
  for (const f of files.sort()) {
    const st = statSync(f);
    h.update(`${f}\0${st.size}\0${st.mtimeMs}\0`);
  }
  return h.digest('hex');
}

/** Starts the bin with LIVEMIG_CODE_CACHE_OUT: it writes main.js.cache once started (loader.js). */
function makeCodeCache(pkg, bin, args, cache) {
  return new Promise((resolve) => {
    const env = { ...process.env, LIVEMIG_CODE_CACHE_OUT: cache };
    execFile(process.execPath, [join(root, 'packages', pkg, 'bin', `${bin}.js`), ...args], { env, timeout: 20_000 }, () => {
      // Its exit status is the bin's (ctl's refused connection is 1): the cache file is what counts.
      if (!existsSync(cache)) process.stderr.write(`bundle: no code cache for ${bin} (it starts without one, compiling as usual)\n`);
      resolve();
    });
  });
}

await Promise.all(
  bins.map(async ({ pkg, bin, worker, start }) => {
    const dist = join(root, 'packages', pkg, 'dist');
    const outdir = join(dist, 'bundle');
    if (!existsSync(join(dist, 'main.js'))) throw new Error(`bundle: ${dist}/main.js missing (run tsc -b first)`);
    const stampFile = join(outdir, 'inputs.sha256');
    const stamp = inputsStamp(pkg);
    if (existsSync(join(outdir, 'loader.js')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
    rmSync(outdir, { recursive: true, force: true });
    const entryPoints = { main: join(dist, 'main.js') };
    if (worker) entryPoints['compression-worker'] = WORKER;
    await build({
      entryPoints,
      outdir,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external,
      // Readable stack traces: names kept, nothing minified; the source map points
      // into dist/ (node --enable-source-maps uses it).
      sourcemap: 'linked',
      logLevel: 'warning',
      // pino and protobufjs probe optional modules with a guarded require; that is fine.
      logOverride: { 'require-resolve-not-external': 'silent' },
    });
    copyFileSync(join(root, 'scripts', 'lib', 'bundle-loader.cjs'), join(outdir, 'loader.js'));
    await makeCodeCache(pkg, bin, start, join(outdir, 'main.js.cache'));
    writeFileSync(stampFile, stamp);
  }),
);
