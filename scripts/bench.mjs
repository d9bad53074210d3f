#!/usr/bin/env node
/**
 * npm run bench [-- --quick] [-- --only throughput,tls,zero,downtime,convergence,links,kv] [-- --links] [-- --kv] [-- --out FILE]
 *   (ram-8g, one 8 GiB device against 1 GiB, runs only when named: --only ram-8g)
 *   (resume, "link breaks for 5 s at 50%": precopy-resume against a restart from zero, needs namespaces like --links)
 *
 * --links: only the real-link section (two network namespaces joined by a
 * tbf-shaped veth pair, 1 and 10 Gbit/s; needs root and iproute2). The full
 * bench includes it when run as root.
 *
 * --kv: only the kv section (bench/kv.mjs): a kv device moved by livemig with
 * and without switchover-ack against Redis's replication + FAILOVER, same data
 * set, same client load; and redis-benchmark against redis-server and kv. The
 * full bench includes it when redis-server and redis-benchmark are installed.
 *
 * The livemig benchmark suite. Every figure is reported beside the
 * limit it is judged against, measured in the same run; each scenario is
 * repeated and medians are reported. JSON goes to stdout and to
 * bench-results.json (or --out FILE); a readable table goes to stderr
 * (progress too), so stdout stays parseable: `npm run -s bench > r.json`
 * (-s keeps npm's own banner off stdout). Needs the built daemons (`npm ci`
 * builds them). A bad option or scenario name exits 2 before anything runs
 * and before any file is written.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { killAll } from './bench/daemons.mjs';
import { convergence, downtime, ram8g, throughput, tls, zero } from './bench/scenarios.mjs';
import { micro } from './bench/micro.mjs';
import { links } from './bench/links.mjs';
import { kv, kvSupport, kvTableRows, killRedis } from './bench/kv.mjs';
import { qemuTableRows } from './bench/qemu.mjs';
import { resume } from './bench/resume.mjs';
import { netnsSupport } from './lib/netns.mjs';
import { GiB, MiB, gbps, round, size } from './bench/stats.mjs';

const ROOT = join(import.meta.dirname, '..');
const SCENARIOS = ['throughput', 'tls', 'zero', 'micro', 'downtime', 'convergence', 'links', 'resume', 'kv', 'ram-8g'];
/** Scenarios run only when --only names them (long, or needing most of the machine's memory). */
const OPT_IN = new Set(['ram-8g']);
const USAGE = `usage: npm run -s bench [-- --quick] [-- --only ${SCENARIOS.join(',')}] [-- --reps N] [-- --out FILE] [-- --links]
  --quick        short runs (about 30 s)
  --links        the real-link section only (network namespaces; root)
  --kv           the kv section only: livemig ± switchover-ack vs Redis FAILOVER (redis-server)
  --only LIST    these scenarios only (comma-separated); ram-8g (8 GiB of RAM on each
                 daemon, a minute or two) runs only when named here
  --reps N       repetitions per scenario (medians reported)
  --out FILE     where the JSON results go besides stdout (default bench-results.json)
  JSON on stdout, the table and progress on stderr; npm -s keeps npm's banner off stdout.`;

function usageError(message) {
  process.stderr.write(`bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, reps: { type: 'string' }, out: { type: 'string' }, links: { type: 'boolean', default: false }, kv: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
} catch (err) {
  usageError(err.message);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const quick = values.quick;
const onlyList = values.only !== undefined ? new Set(values.only.split(',').map((s) => s.trim()).filter((s) => s.length > 0)) : null;
const selectors = [values.links ? 'links' : null, values.kv ? 'kv' : null].filter(Boolean);
const only = selectors.length > 0 ? new Set([...selectors, ...(onlyList ?? [])]) : onlyList;
if (only) {
  const unknown = [...only].filter((s) => !SCENARIOS.includes(s));
  if (unknown.length > 0 || only.size === 0) usageError(`--only '${values.only}': ${unknown.length > 0 ? `unknown scenario ${unknown.map((u) => `'${u}'`).join(', ')}` : 'no scenario'} (known: ${SCENARIOS.join(', ')})`);
}
if (values.reps !== undefined && !/^[1-9]\d*$/.test(values.reps)) usageError(`--reps '${values.reps}': expected a positive integer`);
if (values.out === '') usageError('--out: expected a file name');
const outFile = values.out ?? join(ROOT, 'bench-results.json');

const cfg = quick
  ? { reps: 1, throughputReps: 1, microBytes: 256 * MiB, ramBytes: 512 * MiB, bigRamBytes: 8 * GiB, bigRamReps: 1, zeroBytes: 1 * GiB, multifdChannels: 2, downtimeRam: 128 * MiB, allocMs: 300, convergenceRam: 32 * MiB, maxBandwidth: 32 * MiB, convergenceTimeoutMs: 6000, convergenceReps: 1, dirtyPercents: [50, 150] }
  : { reps: 3, throughputReps: 5, microBytes: 1 * GiB, ramBytes: 1 * GiB, bigRamBytes: 8 * GiB, bigRamReps: 3, zeroBytes: 4 * GiB, multifdChannels: 2, downtimeRam: 256 * MiB, allocMs: 400, convergenceRam: 64 * MiB, maxBandwidth: 64 * MiB, convergenceTimeoutMs: 10000, convergenceReps: 3, dirtyPercents: [25, 50, 90, 150] };
// Real links (--links): 1 GiB moves in ~9 s on 1 Gbit/s, so fewer repetitions.
Object.assign(cfg, quick
  ? { linkRates: ['1gbit', '10gbit'], linkReps: 1, capSeconds: 2, linkConvergenceRam: 128 * MiB, linkConvergenceTimeoutMs: 8000, linkDirtyPercents: [50, 90, 150], compressionRam: 256 * MiB }
  : { linkRates: ['1gbit', '10gbit'], linkReps: 2, capSeconds: 4, linkConvergenceRam: 256 * MiB, linkConvergenceTimeoutMs: 15000, linkDirtyPercents: [50, 90, 150], compressionRam: 512 * MiB });
// resume: "link breaks for 5 s at 50%" (namespaces, like links): precopy-resume against a restart from zero.
Object.assign(cfg, quick
  ? { resumeRamBytes: 256 * MiB, resumeLinkRate: '1gbit', resumeBreakMs: 5000, resumeStallMs: 1000, resumeDirtyRate: 8 * MiB, resumeReps: 1 }
  : { resumeRamBytes: 1 * GiB, resumeLinkRate: '1gbit', resumeBreakMs: 5000, resumeStallMs: 1000, resumeDirtyRate: 8 * MiB, resumeReps: 2 });
if (quick && values.links) cfg.ramBytes = 1 * GiB; // the link figures are for 1 GiB even in a quick run
// kv: 100 000 keys of 512 B (~50 MiB of values) under 16 INCR clients, each way.
Object.assign(cfg, { kvKeys: 100_000, kvValueSize: 512, kvClients: 16, kvWarmupReplies: 2000 }, quick ? { kvReps: 1, kvBenchRequests: 100_000, kvBenchReps: 1 } : { kvReps: 3, kvBenchRequests: 200_000, kvBenchReps: 2 });
if (values.reps) cfg.reps = cfg.throughputReps = cfg.convergenceReps = cfg.linkReps = cfg.bigRamReps = cfg.kvReps = cfg.resumeReps = Math.max(1, Number(values.reps));

if (!existsSync(join(ROOT, 'packages', 'source', 'dist', 'main.js'))) {
  process.stderr.write('bench: the daemons are not built; run `npm run build` (or `npm ci`) first\n');
  process.exit(2);
}

const progress = (text) => process.stderr.write(`${text}\n`);
const started = performance.now();
let commit = null;
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
} catch {
  // not a git checkout
}
const results = {
  meta: { date: new Date().toISOString(), node: process.version, cpus: cpus().length, memoryBytes: totalmem(), quick, reps: cfg.reps, linkReps: cfg.linkReps, commit, command: benchCommand() },
};

// The links section runs in the full bench only as root (namespaces); asked for, it says why not.
function benchCommand() {
  const flags = [quick ? '--quick' : '', values.links ? '--links' : '', values.kv ? '--kv' : '', values.only ? `--only ${values.only}` : '', values.reps ? `--reps ${values.reps}` : ''].filter(Boolean);
  return `npm run bench${flags.length ? ` -- ${flags.join(' ')}` : ''}`;
}
const NEEDS_NETNS = new Set(['links', 'resume']);
const want = (name) => (!only ? (!NEEDS_NETNS.has(name) || netnsSupport().ok) && (name !== 'kv' || kvSupport().ok) && !OPT_IN.has(name) : only.has(name));
process.on('SIGINT', () => void Promise.all([killAll(), killRedis()]).then(() => process.exit(130)));
try {
  if (want('throughput') || want('zero')) {
    progress(`throughput: idle ${size(cfg.ramBytes)} random RAM vs raw TCP pump (${cfg.throughputReps}×)`);
    results.throughput = await throughput(cfg, progress);
  }
  if (want('tls')) {
    progress(`tls: idle ${size(cfg.ramBytes)} random RAM over mutual TLS vs a raw Node TLS pump (${cfg.throughputReps}×)`);
    results.tls = await tls(cfg, progress);
  }
  if (want('zero')) {
    progress(`zero: idle ${size(cfg.zeroBytes)} zero RAM (${cfg.reps}×)`);
    results.zero = await zero(cfg, progress, results.throughput?.migration.bytesPerSecond ?? null);
  }
  if (want('micro')) {
    progress(`micro: seeded fill, pre-fault and zero detection by content, in-process (${cfg.reps}×)`);
    results.micro = await micro(cfg.microBytes, cfg.reps);
  }
  if (want('downtime')) {
    progress(`downtime: accel with alloc-ms=${cfg.allocMs} ×4, with vs without switchover-ack (${cfg.reps}×)`);
    results.downtime = await downtime(cfg, progress);
  }
  if (want('convergence')) {
    progress(`convergence: dirty rate at ${cfg.dirtyPercents.join('/')}% of max-bandwidth=${cfg.maxBandwidth / MiB}M, ± auto-converge (${cfg.convergenceReps}×)`);
    results.convergence = await convergence(cfg, progress);
  }
  if (want('links')) {
    progress(`links: namespaces joined by a tbf-shaped veth pair at ${cfg.linkRates.join(', ')} (${cfg.linkReps}×); the machine is shared, so figures are same-run ratios`);
    results.links = await links(cfg, progress);
  }
  if (want('resume')) {
    progress(`resume: link down for ${cfg.resumeBreakMs / 1000} s at 50% of ${size(cfg.resumeRamBytes)} (${cfg.resumeLinkRate}), precopy-resume vs restart from zero, interleaved (${cfg.resumeReps}×)`);
    results.resume = await resume(cfg, progress);
  }
  if (want('kv')) {
    progress(`kv: ${cfg.kvKeys} keys of ${cfg.kvValueSize} B under ${cfg.kvClients} INCR clients: livemig ± switchover-ack vs Redis replication + FAILOVER (${cfg.kvReps}×); then redis-benchmark, redis-server vs kv; the machine is shared, so figures are same-run ratios`);
    results.kv = await kv(cfg, progress);
  }
  if (want('ram-8g')) {
    progress(`ram-8g: idle ${size(cfg.bigRamBytes)} random RAM (8 blocks) vs ${size(cfg.ramBytes)} (one block), interleaved (${cfg.bigRamReps}×)`);
    results.ram8g = await ram8g(cfg, progress);
  }
} finally {
  await killAll();
  await killRedis();
}
results.meta.elapsedMs = Math.round(performance.now() - started);

writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
process.stderr.write(`\n${table(results)}\n`);
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);

function table(r) {
  const rows = [['scenario', 'figure', 'limit (same run)', 'ratio', 'target', 'met']];
  const yes = (b) => (b === null || b === undefined ? '-' : b ? 'yes' : 'NO');
  const t = r.throughput;
  if (t) {
    rows.push([`idle ${size(t.bytes)} random RAM`, gbps(t.migration.bytesPerSecond), `TCP pump ${gbps(t.pump.bytesPerSecond)}`, `${t.ratio}×`, '≥ 0.8×', yes(t.met)]);
    rows.push(['  same, vs naive pump', gbps(t.migration.bytesPerSecond), `'data' pump ${gbps(t.pumpDataEvents.bytesPerSecond)}`, `${t.ratioVsDataEventPump}×`, '', '']);
    rows.push(['  vs pump into guest-sized memory', gbps(t.migration.bytesPerSecond), `pump ${gbps(t.pumpGuest.bytesPerSecond)}`, `${t.ratioVsGuestPump}×`, '(reference)', '']);
    rows.push(['  CPU per GiB src/dst', `${t.migration.sourceCpuMsPerGiB}/${t.migration.destinationCpuMsPerGiB} ms`, `pump ${t.pump.senderCpuMsPerGiB}/${t.pump.receiverCpuMsPerGiB}, into guest-sized memory ${t.pumpGuest.senderCpuMsPerGiB}/${t.pumpGuest.receiverCpuMsPerGiB} ms`, '', '', '']);
    rows.push(['  downtime (idle, final pass)', `${t.migration.downtimeMs} ms`, `${size(t.migration.downtimeBytes)} sent at stop`, '', '', '']);
    rows.push(['  per-repetition ratios', t.pairRatios.map((x) => `${x}×`).join(', '), '(each vs the pump run before it)', '', '', '']);
    rows.push(['  with verify', gbps(t.verify.bytesPerSecond), `without ${gbps(t.migration.bytesPerSecond)}`, `${t.verify.ratioVsPlain}×`, '≥ 0.85×, all verified', yes(t.verify.verified && t.verify.ratioVsPlain >= 0.85)]);
    rows.push(['  verify, per-repetition ratios', t.verify.pairRatios.map((x) => `${x}×`).join(', '), '(each vs the plain run before it)', '', '', '']);
    if (t.verify.sourceCpuMsPerGiB != null) rows.push(['  verify CPU per GiB src/dst', `${t.verify.sourceCpuMsPerGiB}/${t.verify.destinationCpuMsPerGiB} ms`, `without ${t.migration.sourceCpuMsPerGiB}/${t.migration.destinationCpuMsPerGiB} ms`, '', '(reference)', '']);
    rows.push([`  multifd ×${t.multifd.channels}`, gbps(t.multifd.bytesPerSecond), `1 channel ${gbps(t.migration.bytesPerSecond)}`, `${t.multifd.ratioVsSingle}×`, 'keep if > 1.05×', t.multifd.ratioVsSingle > 1.05 ? 'gain' : 'no gain']);
    rows.push([`  daemons up (${size(t.bytes)})`, `src running ${t.startup.sourceRunningMs} ms`, `dst listening ${t.startup.destinationListeningMs} ms, memory ${t.startup.destinationMemoryReadyMs} ms`, '', '', '']);
  }
  const tl = r.tls;
  if (tl) {
    rows.push([`idle ${size(tl.bytes)} random RAM, mutual TLS`, gbps(tl.migration.bytesPerSecond), `TLS pump ${gbps(tl.pump.bytesPerSecond)}`, `${tl.ratio}×`, '≥ 0.8×', yes(tl.met)]);
    rows.push(['  TLS CPU per GiB src/dst', `${tl.migration.sourceCpuMsPerGiB}/${tl.migration.destinationCpuMsPerGiB} ms`, `pump ${tl.pump.senderCpuMsPerGiB}/${tl.pump.receiverCpuMsPerGiB} ms (${tl.cipher})`, '', '', '']);
    rows.push(['  TLS per-repetition ratios', tl.pairRatios.map((x) => `${x}×`).join(', '), '(each vs the TLS pump run before it)', '', '', '']);
  }
  const z = r.zero;
  if (z) rows.push([`idle ${size(z.bytes)} zero RAM`, `${z.totalTimeMs} ms = ${gbps(z.bytesPerSecond)}`, `random ${gbps(z.randomBytesPerSecond)}`, `${z.ratioVsRandom}×`, '≥ 5×', yes(z.met)]);
  const m = r.micro;
  if (m) {
    rows.push(['  zero detection by content', `${gbps(m.zeroScanByContent.bytesPerSecond)}`, `random ${gbps(z?.randomBytesPerSecond ?? t?.migration.bytesPerSecond)}`, z?.randomBytesPerSecond ? `${round(m.zeroScanByContent.bytesPerSecond / z.randomBytesPerSecond, 1)}×` : '', '(written pages)', '']);
    rows.push(['start-up: seeded fill', `${m.fillMsPerGiB.now} ms/GiB`, `before ${m.fillMsPerGiB.before} ms/GiB`, `${round(m.fillMsPerGiB.before / m.fillMsPerGiB.now, 1)}× faster`, '', '']);
    rows.push(['verify digest, random RAM', `${m.digestMsPerGiB.now} ms/GiB`, `JS hash per page ${m.digestMsPerGiB.before} ms/GiB`, `${round(m.digestMsPerGiB.before / m.digestMsPerGiB.now, 1)}× faster`, '', '']);
    rows.push(['start-up: dst pre-fault', `${m.prefaultMsPerGiB.now} ms/GiB (background)`, `before ${m.prefaultMsPerGiB.before} ms/GiB (blocking)`, `${round(m.prefaultMsPerGiB.before / m.prefaultMsPerGiB.now, 1)}× faster`, '', '']);
  }
  const d = r.downtime;
  if (d) {
    rows.push(['downtime, switchover-ack', `${d.withAck.downtimeMs} ms [${d.withAck.downtimesMs.join(', ')}]`, `limit ${d.downtimeLimitMs} ms`, '', '≤ limit', yes(d.withAck.allUnderLimit)]);
    rows.push(['  vs theoretical min', `${d.withAck.downtimeMs} ms`, `min ${d.withAck.theoreticalMinMs} ms (bytes ÷ pump ${gbps(d.withAck.floorPumpBytesPerSecond)} + load + 2 × RTT ${d.withAck.floorRttMs} ms)`, `${d.withAck.ratioToMin}×`, '≤ 1.5×', yes(d.withAck.within15xMin)]);
    rows.push(['  per-run ratios to min', d.withAck.ratiosToMin.map((x) => `${x}×`).join(', '), '(every run must be ≤ 1.5×)', '', '', '']);
    rows.push(['  vs the earlier min', `${d.withAck.downtimeMs} ms`, `min ${d.withAck.estimateMinMs} ms (bytes ÷ own bandwidth estimate + load)`, `${d.withAck.ratioToEstimateMin}×`, '(reference)', yes(d.withAck.within15xEstimateMin)]);
    rows.push(['  per-run ratios, earlier min', d.withAck.ratiosToEstimateMin.map((x) => `${x}×`).join(', '), `estimates ${d.withAck.bandwidthEstimates.map((b) => `${round(b / 1e6)}`).join(', ')} MB/s`, '', '', '']);
    rows.push(['  estimate ÷ pump, per run', d.withAck.estimateToPumpRatios.map((x) => `${x}×`).join(', '), '(bandwidth-bytes-per-second ÷ the same-run pump)', '', '(reference)', '']);
    rows.push(['  vs raw pump, same bytes', `${d.withAck.downtimeMs} ms`, `pump ${d.withAck.rawPumpBurstMs} ms for ${size(d.withAck.downtimeBytes)}`, `${round(d.withAck.downtimeMs / d.withAck.rawPumpBurstMs, 2)}×`, '', '']);
    rows.push(['downtime, no switchover-ack', `${d.withoutAck.downtimeMs} ms [${d.withoutAck.downtimesMs.join(', ')}]`, `allocation ${d.withoutAck.allocationMs} ms`, '', '≥ alloc', yes(d.withoutAck.allAtLeastAllocation)]);
    rows.push(['  contrast without/with', `${d.withoutAck.downtimeMs} / ${d.withAck.downtimeMs} ms`, 'QEMU 1900 / 420 ms', `${d.contrast}×`, '≥ 4.5×', yes(d.contrast >= 4.5)]);
  }
  const c = r.convergence;
  if (c) {
    rows.push([`convergence (${size(c.ramBytes)}, bw ${round(c.measuredBandwidth / MiB, 1)} MiB/s)`, 'converged, passes, total, downtime, max throttle', '', '', '', '']);
    for (const row of c.rows) {
      rows.push([`  dirty ${row.dirtyPercent}%${row.autoConverge ? ' +auto-converge' : ''}`, `${row.converged}, ${row.passes} passes, ${row.totalTimeMs ?? '-'} ms, ${row.downtimeMs ?? '-'} ms, ${row.maxThrottlePercent}%`, '', '', row.dirtyPercent === 150 && row.autoConverge ? 'converges' : '', row.dirtyPercent === 150 && row.autoConverge ? yes(c.met) : '']);
    }
  }
  const g = r.ram8g;
  if (g?.skipped) rows.push([`idle ${size(g.bytes)} random RAM`, 'skipped', g.skipped, '', '', '']);
  else if (g) {
    rows.push([`idle ${size(g.bytes)} random RAM (8 blocks)`, gbps(g.big.bytesPerSecond), `${size(g.smallBytes)} (1 block) ${gbps(g.small.bytesPerSecond)}`, `${g.ratio}×`, '≥ 0.9× (equal)', yes(g.met)]);
    rows.push(['  per-repetition ratios', g.pairRatios.map((x) => `${x}×`).join(', '), `(each vs the ${size(g.smallBytes)} run before it)`, '', '', '']);
    rows.push(['  without set-up time', gbps(g.stream.bigBytesPerSecond), `${size(g.smallBytes)} ${gbps(g.stream.smallBytesPerSecond)}`, `${g.stream.ratio}×`, '', '']);
    rows.push(['  CPU per GiB src/dst', `${g.big.sourceCpuMsPerGiB}/${g.big.destinationCpuMsPerGiB} ms`, `${size(g.smallBytes)}: ${g.small.sourceCpuMsPerGiB}/${g.small.destinationCpuMsPerGiB} ms`, '', '', '']);
    rows.push(['  total, downtime', `${g.big.totalTimeMs} ms, ${g.big.downtimeMs} ms`, `daemons up: src running ${g.big.sourceRunningMs} ms, dst memory ${g.big.destinationMemoryReadyMs} ms`, '', '', '']);
  }
  const l = r.links;
  if (l?.skipped) rows.push(['real links', l.skipped, '', '', '', '']);
  for (const lr of l?.rates ?? []) {
    const mb = (x) => (typeof x === 'number' ? `${(x / 1e6).toFixed(1)} MB/s` : 'n/a');
    const i = lr.idle;
    rows.push([`link ${lr.rate}: idle ${size(i.bytes)} random RAM`, mb(i.migrationBytesPerSecond), `line ${mb(lr.lineBytesPerSecond)}`, `${i.ratioVsLine}×`, '≥ 0.9×', yes(i.ratioVsLine >= 0.9)]);
    rows.push(['  vs raw TCP pump, same link', mb(i.migrationBytesPerSecond), `pump ${mb(i.pumpBytesPerSecond)} (${i.pumpRatioVsLine}× line)`, `${i.ratioVsPump}×`, '≥ 0.97×', yes(i.ratioVsPump >= 0.97)]);
    rows.push(['  CPU per GiB src/dst', `${i.sourceCpuMsPerGiB}/${i.destinationCpuMsPerGiB} ms`, '', '', '', '']);
    const c = lr.maxBandwidth;
    rows.push([`  max-bandwidth = half the link`, `receiver ${mb(c.receiverBytesPerSecond)}`, `cap ${mb(c.cap)}`, `${c.ratio}×`, '±3%', yes(c.met)]);
    for (const row of lr.convergence.rows) {
      rows.push([`  dirty ${row.dirtyPercent}% of ${mb(lr.convergence.linkBytesPerSecond)}${row.autoConverge ? ' +auto-converge' : ''}`, `${row.status}, ${row.totalTimeMs} ms, ${row.passes} passes`, `downtime ${row.downtimeMs ?? '-'} ms / limit ${lr.convergence.downtimeLimitMs}`, row.downtimeVsLimit === null ? '-' : `${row.downtimeVsLimit}×`, '≤ 1× if converged', row.status === 'completed' ? yes(row.downtimeVsLimit <= 1) : '']);
    }
    const d = lr.downtimeTarget;
    if (d) rows.push([`  ${size(d.ramBytes)} dirtied at 32 MiB/s: downtime`, `${d.downtimeMs} ms [${d.downtimesMs.join(', ')}]`, `total ${d.totalTimeMs} ms (idle ${d.idleTotalTimeMs} ms), ${d.passes} passes, ${size(d.downtimeBytes)} at stop`, '', '≤ 50 ms', yes(d.met)]);
    const z = lr.compression;
    if (z.skipped) rows.push(['  fill=file: + multifd-compression', z.skipped, '', '', '', '']);
    for (const row of z.rows ?? []) rows.push([`  fill=file: multifd-compression=${row.method}`, `${mb(row.effectiveBytesPerSecond)} of guest memory`, `CPU/GiB src ${row.sourceCpuMsPerGiB} dst ${row.destinationCpuMsPerGiB} ms`, `${row.gainVsNone}× none`, row.method === 'zstd' && lr.rateBits === 1e9 ? '≥ 2×' : '', row.method === 'zstd' && lr.rateBits === 1e9 ? yes(row.gainVsNone >= 2) : '']);
    rows.push(...qemuTableRows(lr.qemu, lr.rate));
  }
  if (l?.qemu?.skipped) rows.push(['QEMU on the same links', l.qemu.skipped, '', '', '', '']);
  rows.push(...kvTableRows(r.kv));
  const rs = r.resume;
  if (rs?.skipped) rows.push(['link breaks for 5 s at 50%', rs.skipped, '', '', '', '']);
  else if (rs) {
    const s = (x) => (typeof x === 'number' ? `${(x / 1000).toFixed(1)} s` : 'n/a');
    rows.push([`link breaks for ${rs.breakMs / 1000} s at 50% (${size(rs.ramBytes)}, ${rs.linkRate})`, `resume ${s(rs.resume.totalMs)}, ${size(rs.resume.bytesMoved)} moved`, `restart from zero ${s(rs.restart.totalMs)}, ${size(rs.restart.bytesMoved)}`, `${rs.timeRatio ?? '-'}× time, ${rs.bytesRatio ?? '-'}× bytes`, 'resume < restart', yes(rs.timeRatio > 1 && rs.bytesRatio > 1)]);
    rows.push(['  from the link back to completed', `resume ${s(rs.resume.afterLinkUpMs)}`, `restart ${s(rs.restart.afterLinkUpMs)}`, `${rs.afterLinkUpRatio ?? '-'}×`, '', '']);
    rows.push(['  completed, verified', `resume ${rs.resume.completed}/${rs.resume.runs}`, `restart ${rs.restart.completed}/${rs.restart.runs}`, '', '', '']);
  }
  for (const [name, rss] of [
    ['peak RSS, random RAM', t?.rss],
    ['peak RSS, zero RAM', z?.rss],
    [`peak RSS, ${size(g?.bytes)} random RAM`, g?.rss],
  ]) {
    if (!rss) continue;
    rows.push([name, `src ${size(rss.sourcePeak)} / dst ${size(rss.destinationPeak)}`, `machine ${size(rss.machineBytes)}`, `${rss.sourceRatio}× / ${rss.destinationRatio}×`, '≤ size+128M', yes(rss.met)]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  const line = (row) => row.map((cell, i) => String(cell).padEnd(widths[i])).join(' | ');
  const out = [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.slice(1).map(line)];
  const reps = only && only.size === 1 && only.has('links') ? `${cfg.linkReps} rep(s) of the idle and downtime-target runs, 1 of the others` : `${r.meta.reps} rep(s)${r.links ? `, ${cfg.linkReps} on the links` : ''}`;
  const resumeReps = r.resume && !r.resume.skipped ? `, ${cfg.resumeReps} for resume` : '';
  out.push(`(${r.meta.command}; ${r.meta.cpus} CPUs; node ${r.meta.node}; ${reps}${resumeReps}, medians; ${Math.round(r.meta.elapsedMs / 1000)} s)`);
  if (r.links?.noise) out.push(`(links: ${r.links.noise})`);
  if (r.links?.qemu?.qemu) out.push(`(vs QEMU: ${r.links.qemu.qemu}, ${size(r.links.qemu.ramBytes)}, guest ${r.links.qemu.guest}; ${r.links.qemu.reps} rep(s) each, QEMU and livemig alternating)`);
  return out.join('\n');
}
