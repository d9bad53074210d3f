#!/usr/bin/env node
/**
 * The QEMU comparison alone (scripts/bench/qemu.mjs), on one fresh shaped link:
 *   node scripts/bench/qemu-run.mjs [RATE [REPS [MIB]]]   (root; RATE e.g. 1gbit, 10gbit; MIB of RAM, 1024 by default)
 * JSON on stdout, progress on stderr. `npm run bench -- --links` runs the same
 * rows after livemig's own link rows.
 */
import { Link, netnsSupport, parseRate } from '../lib/netns.mjs';
import { realFile } from './links.mjs';
import { QemuComparison } from './qemu.mjs';

const rate = process.argv[2] ?? '1gbit';
const reps = Number(process.argv[3] ?? 1);
const mib = Number(process.argv[4] ?? 1024);
const support = netnsSupport();
const bad = !support.ok ? support.reason : !Number.isInteger(reps) || reps < 1 ? `REPS '${process.argv[3]}': expected a positive integer` : !Number.isInteger(mib) || mib < 16 ? `MIB '${process.argv[4]}': expected an integer ≥ 16` : null;
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
cmp = new QemuComparison({ multifdChannels: 2, realFile: realFile(), qemuReps: reps, qemuRamBytes: mib * 1024 * 1024 });
link = new Link({ rate: parseRate(rate) });
try {
  const out = { summary: cmp.summary(), rate, result: await cmp.onLink(link, rate, (t) => process.stderr.write(`${t}\n`)) };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} finally {
  link.destroy();
  cmp.dispose();
}
