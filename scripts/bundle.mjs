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
// The packages' own dist/ stays the library (require('@livemig/source') etc.), and
// a device module loaded with --device-module gets its own copy of @livemig/common:
// MigError's Symbol.hasInstance (errors.ts) makes its errors count as ours.
import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const external = ['@node-rs/xxhash', 'zstd-napi', '@toondepauw/node-zstd', 'pino-pretty', 'ws', 'uplot'];
const WORKER = join(root, 'packages/common/dist/compression/compression-worker.js');

const bins = [
  { pkg: 'source', worker: true },
  { pkg: 'destination', worker: true },
  { pkg: 'ctl', worker: false },
];

await Promise.all(
  bins.map(async ({ pkg, worker }) => {
    const dist = join(root, 'packages', pkg, 'dist');
    const outdir = join(dist, 'bundle');
    if (!existsSync(join(dist, 'main.js'))) throw new Error(`bundle: ${dist}/main.js missing (run tsc -b first)`);
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
  }),
);
