#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function,
 * heaviest first, and the share of idle, GC and program time.
 *
 *   node scripts/cpuprofile-summary.mjs FILE.cpuprofile [--top N] [--since MS] [--until MS]
 *
 * --since/--until restrict the summary to a window of the profile (ms from its
 * start), e.g. to look at the migration and not at start-up.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, since: { type: 'string' }, until: { type: 'string' } },
});
if (positionals.length === 0) {
  process.stderr.write('usage: cpuprofile-summary.mjs FILE.cpuprofile [--top N] [--since MS] [--until MS]\n');
  process.exit(2);
}
const top = Number(values.top);
const since = values.since === undefined ? -Infinity : Number(values.since) * 1000;
const until = values.until === undefined ? Infinity : Number(values.until) * 1000;

for (const file of positionals) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  let total = 0;
  let t = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = prof.timeDeltas[i] ?? 0;
    t += dt;
    if (t < since || t > until) continue;
    const node = byId.get(prof.samples[i]);
    const f = node.callFrame;
    const where = f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : '(native)';
    const key = `${f.functionName || '(anonymous)'}  ${where}`;
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
    total += dt;
  }
  const rows = [...selfUs].sort((a, b) => b[1] - a[1]);
  const pct = (us) => ((100 * us) / Math.max(1, total)).toFixed(1).padStart(5);
  process.stdout.write(`\n${file}: ${(total / 1000).toFixed(0)} ms sampled\n`);
  for (const [key, us] of rows.slice(0, top)) process.stdout.write(`${pct(us)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}\n`);
}
