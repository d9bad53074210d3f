/**
 * `npm run bench -- --links` (SPEC §8, over real links): the daemons in two
 * network namespaces joined by a veth pair shaped with tbf (scripts/lib/netns.mjs)
 * at 1 and 10 Gbit/s. Each figure beside its limit measured on the same link in
 * the same run:
 *   - idle random RAM: payload throughput ÷ the shaped line rate, and ÷ a raw
 *     Node TCP pump across the same link (TCP/IP + Ethernet headers count
 *     against tbf: the pump is the real limit);
 *   - max-bandwidth at half the link: the rate the destination counts
 *     (bytes-received, sampled) over the steady middle of the precopy ÷ the cap;
 *   - convergence with a workload dirtying 50 / 90 / 150 % of what the idle
 *     migration got from the link, ± auto-converge: total time, passes,
 *     downtime ÷ downtime-limit;
 *   - the downtime target (1 Gbit/s only): 1 GiB random RAM dirtied at
 *     32 MiB/s uniformly, downtime ≤ 50 ms;
 *   - compression: RAM filled from a real file (fill=file:) with
 *     multifd-compression none / zlib / zstd: guest bytes moved per second and
 *     CPU per GiB on each side (skipped, and said so, where the build refuses
 *     fill=file: or multifd-compression with exit 2);
 *   - QEMU on the same link, RAM contents and parameters: plain / multifd /
 *     multifd zstd, total time, downtime, throughput, beside livemig's
 *     (scripts/bench/qemu.mjs); skipped, and said so, without qemu-system-x86_64.
 * The machine is shared and noisy: figures are ratios against baselines of the
 * same run, and single runs (reps) are the norm here.
 */
import { existsSync } from 'node:fs';
import { DaemonProcess } from '../lib/daemon-process.mjs';
import { Link, netnsSupport, parseRate } from '../lib/netns.mjs';
import { migrateOnce } from './daemons.mjs';
import { pumpOnLink } from './tcp-pump.mjs';
import { QemuComparison } from './qemu.mjs';
import { GiB, MiB, median, ratio, round } from './stats.mjs';

const throughputOf = (r) => {
  const t = r.source['total-time'];
  return t > 0 ? (r.source.ram.transferred * 1000) / t : null;
};
const completed = (r) => r.source.status === 'completed';
const log = (progress, text) => progress(`  ${text}`);
const DOWNTIME_LIMIT_MS = 300;

/** A file whose bytes look like real memory: a shared library of this machine (else node itself). */
export function realFile() {
  for (const f of ['/usr/lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/aarch64-linux-gnu/libc.so.6']) if (existsSync(f)) return f;
  return process.execPath;
}

/**
 * Whether this build takes these daemon arguments: a destination started with them
 * either listens (yes) or exits 2 (refused: bad usage/config). Loopback, tiny RAM.
 */
export async function supports(args) {
  const d = new DaemonProcess('destination', ['--listen', '127.0.0.1:0', ...args]);
  try {
    await d.waitMsg('listening for incoming migration');
    return { ok: true };
  } catch {
    const { code } = await d.exited;
    return { ok: false, code, reason: d.stderr.trim().split('\n').pop()?.slice(0, 200) ?? '' };
  } finally {
    d.kill();
    await d.exited;
  }
}

/** The destination's receive rate over the middle 60% of the samples taken while it was active. */
function receiverRate(samples) {
  const act = samples.filter((s) => s.status === 'active' && s.bytes > 0);
  if (act.length < 4) return null;
  const a = act[Math.floor(act.length * 0.2)];
  const b = act[Math.floor(act.length * 0.8)];
  return b.atMs > a.atMs ? ((b.bytes - a.bytes) * 1000) / (b.atMs - a.atMs) : null;
}

function cpuPerGiB(cpuMs, bytes) {
  return typeof cpuMs === 'number' ? round((cpuMs * GiB) / bytes) : null;
}

async function onRate(rateText, cfg, progress, qemu) {
  const rateBits = parseRate(rateText);
  const lineBps = rateBits / 8;
  const link = new Link({ rate: rateBits });
  try {
    const out = { rate: rateText, rateBits, lineBytesPerSecond: lineBps, shaper: link.shaper };
    // 1. Idle random RAM vs the line rate and vs the pump across the same link (interleaved).
    const bytes = cfg.ramBytes;
    const devices = [`ram,id=ram0,size=${bytes / MiB}M`];
    const pumps = [];
    const migs = [];
    for (let i = 0; i < cfg.linkReps; i++) {
      const p = await pumpOnLink(link, bytes);
      pumps.push(p);
      log(progress, `${rateText}: TCP pump ${(p.bytesPerSecond / 1e6).toFixed(1)} MB/s (${round(p.bytesPerSecond / lineBps, 3)}× line)`);
      const m = await migrateOnce({ link, devices, workload: 'dirty-rate=0', caps: 'return-path', timeoutMs: 300000 });
      migs.push(m);
      log(progress, `${rateText}: idle migration ${(throughputOf(m) / 1e6).toFixed(1)} MB/s (${m.source.status})`);
    }
    const pumpBps = median(pumps.map((p) => p.bytesPerSecond));
    const migBps = median(migs.filter(completed).map(throughputOf));
    out.idle = {
      bytes,
      migrationBytesPerSecond: round(migBps),
      pumpBytesPerSecond: round(pumpBps),
      ratioVsLine: round(ratio(migBps, lineBps), 3),
      ratioVsPump: round(ratio(migBps, pumpBps), 3),
      pumpRatioVsLine: round(ratio(pumpBps, lineBps), 3),
      sourceCpuMsPerGiB: cpuPerGiB(median(migs.map((r) => r.cpuMs.source)), bytes),
      destinationCpuMsPerGiB: cpuPerGiB(median(migs.map((r) => r.cpuMs.destination)), bytes),
      downtimeMs: median(migs.map((r) => r.source.downtime)),
      targets: { vsPump: 0.97, vsLine: 0.9 },
      met: ratio(migBps, pumpBps) >= 0.97 && ratio(migBps, lineBps) >= 0.9,
    };

    // 2. max-bandwidth at half the link, as the receiver counts it.
    const cap = Math.round(lineBps / 2);
    const capRam = Math.min(cfg.ramBytes, Math.max(64 * MiB, Math.round((cap * cfg.capSeconds) / MiB) * MiB));
    const capRun = await migrateOnce({ link, devices: [`ram,id=ram0,size=${capRam / MiB}M`], workload: 'dirty-rate=0', caps: 'return-path', params: [`max-bandwidth=${cap}`], sampleDestinationMs: 100, timeoutMs: 300000 });
    const rx = receiverRate(capRun.dstSamples ?? []);
    out.maxBandwidth = { cap, ramBytes: capRam, receiverBytesPerSecond: round(rx), ratio: round(ratio(rx, cap), 3), status: capRun.source.status, met: rx !== null && Math.abs(rx / cap - 1) <= 0.03 };
    log(progress, `${rateText}: max-bandwidth=${(cap / 1e6).toFixed(1)} MB/s → receiver ${(rx / 1e6).toFixed(1)} MB/s (${out.maxBandwidth.ratio}×)`);

    // 3. Convergence at fractions of what the idle migration got from this link.
    const linkBps = migBps ?? pumpBps;
    const convRam = cfg.linkConvergenceRam;
    out.convergence = { ramBytes: convRam, linkBytesPerSecond: round(linkBps), downtimeLimitMs: DOWNTIME_LIMIT_MS, timeoutMs: cfg.linkConvergenceTimeoutMs, rows: [] };
    for (const pct of cfg.linkDirtyPercents) {
      for (const ac of [false, true]) {
        const rate = Math.round((linkBps * pct) / 100);
        const r = await migrateOnce({
          link,
          devices: [`ram,id=ram0,size=${convRam / MiB}M`],
          workload: `dirty-rate=${rate},pattern=uniform`,
          caps: ac ? 'return-path,auto-converge' : 'return-path',
          params: [`downtime-limit=${DOWNTIME_LIMIT_MS}`, `timeout=${cfg.linkConvergenceTimeoutMs}`],
          timeoutMs: cfg.linkConvergenceTimeoutMs + 60000,
        });
        const s = r.source;
        const row = {
          dirtyPercent: pct,
          dirtyRate: rate,
          autoConverge: ac,
          status: s.status,
          totalTimeMs: s['total-time'] ?? null,
          passes: s['dirty-sync-count'] ?? null,
          downtimeMs: completed(r) ? s.downtime : null,
          downtimeVsLimit: completed(r) ? round(s.downtime / DOWNTIME_LIMIT_MS, 3) : null,
          maxThrottlePercent: r.maxThrottle,
        };
        out.convergence.rows.push(row);
        log(progress, `${rateText}: dirty ${pct}%${ac ? ' +auto-converge' : ''}: ${s.status}, ${row.totalTimeMs} ms, ${row.passes} passes, downtime ${row.downtimeMs ?? '-'} ms`);
      }
    }
    out.convergence.allUnderLimit = out.convergence.rows.filter((r) => r.status === 'completed').every((r) => r.downtimeMs <= DOWNTIME_LIMIT_MS);

    // 4. The downtime target: 1 GiB random RAM, 32 MiB/s uniform dirtying, on 1 Gbit/s.
    if (rateBits === 1e9) {
      const runs = [];
      for (let i = 0; i < cfg.linkReps; i++) {
        const r = await migrateOnce({ link, devices: [`ram,id=ram0,size=${cfg.ramBytes / MiB}M`], workload: 'dirty-rate=32M,pattern=uniform', caps: 'return-path', params: [`downtime-limit=${DOWNTIME_LIMIT_MS}`], timeoutMs: 300000 });
        runs.push(r);
        log(progress, `${rateText}: 32 MiB/s dirtying: ${r.source.status}, downtime ${r.source.downtime} ms, ${r.source['dirty-sync-count']} passes, ${r.source['total-time']} ms, ${r.source.ram['downtime-bytes']} B at stop`);
      }
      const ok = runs.filter(completed);
      out.downtimeTarget = {
        ramBytes: cfg.ramBytes,
        workload: 'dirty-rate=32M,pattern=uniform',
        downtimesMs: runs.map((r) => r.source.downtime ?? null),
        downtimeMs: median(ok.map((r) => r.source.downtime)),
        totalTimeMs: median(ok.map((r) => r.source['total-time'])),
        passes: median(ok.map((r) => r.source['dirty-sync-count'])),
        downtimeBytes: median(ok.map((r) => r.source.ram['downtime-bytes'])),
        // What the same RAM takes idle on this link: the time the dirtying costs on top.
        idleTotalTimeMs: median(migs.map((r) => r.source['total-time'])),
        target: 50,
        met: ok.length === runs.length && ok.every((r) => r.source.downtime <= 50),
      };
    }

    // 5. Compression on memory that compresses like real memory (needs fill=file: and multifd-compression).
    out.compression = await compression(link, cfg, progress, rateText);

    // 6. QEMU on the same link, memory and parameters (scripts/bench/qemu.mjs).
    out.qemu = await qemu.onLink(link, rateText, progress);
    return out;
  } finally {
    link.destroy();
  }
}

async function compression(link, cfg, progress, rateText) {
  const file = realFile();
  const ram = `ram,id=ram0,size=${cfg.compressionRam / MiB}M,fill=file:${file}`;
  const probe = await supports(['--device', `ram,id=ram0,size=4M,fill=file:${file}`, '--caps', 'multifd', '--param', 'multifd-compression=zstd']);
  if (!probe.ok) {
    const reason = probe.code === 2 ? 'skipped: not supported by this build' : `skipped: the probe destination exited ${probe.code}`;
    log(progress, `${rateText}: compression ${reason} (fill=file: / multifd-compression)`);
    return { skipped: reason, detail: probe.reason, file };
  }
  const rows = [];
  for (const method of ['none', 'zlib', 'zstd']) {
    const r = await migrateOnce({ link, devices: [ram], workload: 'dirty-rate=0', caps: 'return-path,multifd', params: [`multifd-compression=${method}`, `multifd-channels=${cfg.multifdChannels}`], timeoutMs: 300000 });
    const t = r.source['total-time'];
    const row = {
      method,
      status: r.source.status,
      totalTimeMs: t,
      effectiveBytesPerSecond: t > 0 ? round((cfg.compressionRam * 1000) / t) : null,
      wireBytes: r.source.ram.transferred,
      sourceCpuMsPerGiB: cpuPerGiB(r.cpuMs.source, cfg.compressionRam),
      destinationCpuMsPerGiB: cpuPerGiB(r.cpuMs.destination, cfg.compressionRam),
    };
    rows.push(row);
    log(progress, `${rateText}: fill=file: multifd-compression=${method}: ${row.status}, ${((row.effectiveBytesPerSecond ?? 0) / 1e6).toFixed(1)} MB/s of guest memory`);
  }
  const none = rows.find((r) => r.method === 'none')?.effectiveBytesPerSecond;
  for (const r of rows) r.gainVsNone = round(ratio(r.effectiveBytesPerSecond, none), 2);
  const zstd = rows.find((r) => r.method === 'zstd');
  return { file, ramBytes: cfg.compressionRam, rows, target: 'zstd ≥ 2× none on 1 Gbit/s', met: zstd ? zstd.gainVsNone >= 2 : null };
}

/** The whole links section; { skipped } when namespaces cannot be made here. */
export async function links(cfg, progress) {
  const support = netnsSupport();
  if (!support.ok) return { skipped: `skipped: ${support.reason}` };
  const qemu = new QemuComparison({ ...cfg, realFile: realFile() });
  const out = { rates: [], qemu: qemu.summary(), noise: 'shared 2-CPU machine with other jobs running: figures are ratios against limits measured on the same link in the same run' };
  try {
    for (const rate of cfg.linkRates) {
      progress(`links: ${rate} (tbf on both ends of a veth pair between two namespaces)`);
      out.rates.push(await onRate(rate, cfg, progress, qemu));
    }
  } finally {
    qemu.dispose();
  }
  if (out.qemu.skipped) progress(`links: QEMU ${out.qemu.skipped}`);
  return out;
}
