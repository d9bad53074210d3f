#!/usr/bin/env node
/**
 * The QEMU comparison alone (scripts/bench/qemu.mjs), on one fresh shaped link:
 *   node scripts/bench/qemu-run.mjs [RATE [REPS [MIB]]] [--rows NAME,...]
 * (root; RATE e.g. 1gbit, 10gbit; MIB of RAM, 1024 by default; --rows: only
 * these rows, by name: plain | multifd | multifd-file | zstd)
 * JSON on stdout, progress on stderr. `npm run bench -- --links` runs the same
 * rows after livemig's own link rows.
 */
import { parseArgs } from 'node:util';
import { Link, netnsSupport, parseRate } from '../lib/netns.mjs';
import { realFile } from './links.mjs';
import { QemuComparison } from './qemu.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rows: { type: 'string' } } });
const rate = positionals[0] ?? '1gbit';
const reps = Number(positionals[1] ?? 1);
const mib = Number(positionals[2] ?? 1024);
const ROW_NAMES = { plain: 'plain', multifd: 'multifd', 'multifd-file': 'multifd, fill=file:', zstd: 'multifd zstd, fill=file:' };
const rowKeys = values.rows?.split(',') ?? null;
const rows = rowKeys?.map((k) => ROW_NAMES[k]) ?? null;
const support = netnsSupport();
const bad = !support.ok
  ? support.reason
  : !Number.isInteger(reps) || reps < 1
    ? `REPS '${positionals[1]}': expected a positive integer`
    : !Number.isInteger(mib) || mib < 16
      ? `MIB '${positionals[2]}': expected an integer ≥ 16`
      : rows?.includes(undefined)
        ? `--rows '${values.rows}': expected names from ${Object.keys(ROW_NAMES).join(', ')}`
        : null;
if (bad) {
  process.stderr.write(`qemu-run: ${bad}\n`);
  process.exit(2);
}
let link = null;
let cmp = null;
// A signal would end the process without 'exit' handlers: clean up (QEMUs, images, namespaces) first.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    link?.destroy();
    cmp?.dispose();
    process.exit(130);
  });
}
cmp = new QemuComparison({ multifdChannels: 2, realFile: realFile(), qemuReps: reps, qemuRamBytes: mib * 1024 * 1024, rows });
link = new Link({ rate: parseRate(rate) });
try {
  const out = { summary: cmp.summary(), rate, result: await cmp.onLink(link, rate, (t) => process.stderr.write(`${t}\n`)) };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} finally {
  link.destroy();
  cmp.dispose();
}
