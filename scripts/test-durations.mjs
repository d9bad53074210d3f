#!/usr/bin/env node
// Rewrites test/durations.json from the durations vitest cached in its last full run
// (node_modules/.vite/vitest/*/results.json), rounded to 100 ms: the order a fresh clone
// runs its test files in (scripts/test-sequencer.mjs). Run it after `npm test` when files
// were added or their durations changed much.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, 'node_modules', '.vite', 'vitest');
const out = {};
for (const dir of readdirSync(cacheDir)) {
  let results;
  try {
    results = JSON.parse(readFileSync(join(cacheDir, dir, 'results.json'), 'utf8')).results;
  } catch {
    continue;
  }
  for (const [key, r] of results) if (typeof r?.duration === 'number') out[key] = Math.round(r.duration / 100) * 100;
}
const sorted = Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
if (Object.keys(sorted).length === 0) {
  process.stderr.write('test-durations: no cached durations (run npm test first)\n');
  process.exit(1);
}
writeFileSync(join(root, 'test', 'durations.json'), `${JSON.stringify(sorted, null, 1)}\n`);
process.stdout.write(`test/durations.json: ${Object.keys(sorted).length} files\n`);
