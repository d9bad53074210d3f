/**
 * `npm run bench -- --only resume`: "link breaks for 5 s at 50%". The daemons
 * run in two network namespaces joined by a shaped veth pair
 * (scripts/lib/netns.mjs); once the destination has received half the RAM the
 * source's end of the link is taken down for 5 s (no RST, no FIN: each end
 * notices the silence after stall-timeout). Two ways through, same run, same
 * machine, interleaved:
 *   - precopy-resume: both ends pause; when the link is back the source
 *     resumes (`migrate {"uri", "resume": true}`) and sends the rest;
 *   - restart from zero (today's behaviour without the capability, and every
 *     other migration system's for precopy): both ends fail; when the link is
 *     back the source migrates again from the first byte.
 * Reported: the total time from the first `migrate` to the completion, and the
 * bytes moved (the source's ram.transferred over every migration it took),
 * with the ratio restart ÷ resume. The machine is shared: ratios of the same
 * run are the figures to read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaemonProcess } from '../lib/daemon-process.mjs';
import { Link, netnsSupport } from '../lib/netns.mjs';
import { MiB, median, ratio, round } from './stats.mjs';

const { QmpClient } = createRequire(import.meta.url)('@livemig/ctl');
const ENDED = ['completed', 'failed', 'cancelled'];
const log = (progress, text) => progress(`  ${text}`);

/** A QMP client over a Unix socket that remembers every event (a wait never misses one that came first). */
async function connect(path) {
  const client = await QmpClient.connect(`unix:${path}`);
  const events = [];
  let waiters = [];
  client.on('event', (e) => {
    events.push(e);
    waiters = waiters.filter((w) => (w.pred(e) ? (w.resolve(e), false) : true));
  });
  client.waitEvent = (pred, from = 0) => {
    const seen = events.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => waiters.push({ pred, resolve }));
  };
  client.status = (want, from = 0) => client.waitEvent((e) => e.event === 'MIGRATION' && want.includes(e.data?.status), from);
  client.events = events;
  return client;
}

/** Rejects after `ms` with `what`: a run that hangs is reported, not waited on forever. */
function within(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)))]).finally(() => clearTimeout(timer));
}

/** One run: `mode` 'resume' (precopy-resume on) or 'restart' (off: fail, then migrate again). */
async function breakRun(mode, cfg) {
  const link = new Link({ rate: cfg.resumeLinkRate });
  const dir = mkdtempSync(join(tmpdir(), 'livemig-bench-resume-'));
  const caps = mode === 'resume' ? 'return-path,verify,precopy-resume' : 'return-path,verify';
  const common = [`--device`, `ram,id=ram0,size=${cfg.resumeRamBytes / MiB}M,fill=random`, '--device', 'cpu,id=cpu0,vcpus=2', '--caps', caps, '--param', `stall-timeout=${cfg.resumeStallMs}`];
  const dst = new DaemonProcess('destination', ['--qmp', `unix:${join(dir, 'd.qmp')}`, '--listen', `${link.addr.b}:0`, ...common], link.prefix('b'));
  const src = new DaemonProcess('source', ['--qmp', `unix:${join(dir, 's.qmp')}`, ...common, '--workload', `dirty-rate=${cfg.resumeDirtyRate}`], link.prefix('a'));
  let sq = null;
  let dq = null;
  try {
    const [listening] = await Promise.all([dst.waitMsg('listening for incoming migration'), dst.waitMsg('memory ready'), dst.waitMsg('QMP socket listening'), src.waitMsg('machine running'), src.waitMsg('QMP socket listening')]);
    sq = await connect(join(dir, 's.qmp'));
    dq = await connect(join(dir, 'd.qmp'));
    const uri = `tcp:${link.addr.b}:${listening.port}`;
    const half = cfg.resumeRamBytes / 2;
    const limitMs = 120_000;
    const t0 = performance.now();
    await sq.call('migrate', { uri });
    // The break: once half the RAM is across (a 20 ms poll of the destination's count).
    let receivedAtBreak = 0;
    for (;;) {
      const info = await dq.call('query-migrate');
      if (ENDED.includes(info.status)) throw new Error(`the migration ended (${info.status}) before the break`);
      if (info['bytes-received'] >= half) {
        receivedAtBreak = info['bytes-received'];
        break;
      }
      if (performance.now() - t0 > limitMs) throw new Error('timed out before the break');
      await new Promise((r) => setTimeout(r, 20));
    }
    const tBreak = performance.now();
    link.setLink('a', false);
    const noticed = mode === 'resume' ? ['precopy-paused'] : ['failed'];
    const [se] = await within(Promise.all([sq.status([...noticed, ...ENDED]), dq.status([...noticed, ...ENDED])]), limitMs, `both ends ${noticed[0]}`);
    if (se.data.status !== noticed[0]) throw new Error(`the source went ${se.data.status}, not ${noticed[0]}`);
    const first = await sq.call('query-migrate');
    // The link stays down for the scenario's length, from the moment it broke.
    await new Promise((r) => setTimeout(r, Math.max(0, cfg.resumeBreakMs - (performance.now() - tBreak))));
    link.setLink('a', true);
    const from = sq.events.length;
    await sq.call('migrate', mode === 'resume' ? { uri, resume: true } : { uri });
    const end = await within(sq.status(ENDED, from), limitMs, 'the migration to end');
    const totalMs = performance.now() - t0;
    const last = await sq.call('query-migrate');
    const bytesMoved = mode === 'resume' ? last.ram.transferred : first.ram.transferred + last.ram.transferred;
    return {
      mode,
      status: end.data.status,
      verified: last.verified === true,
      totalMs: round(totalMs),
      afterLinkUpMs: round(totalMs - (tBreak - t0) - cfg.resumeBreakMs),
      bytesMoved,
      receivedAtBreak,
      resentAfterResume: mode === 'resume' ? last.ram['resent-after-resume'] : null,
      resumes: last.resumes ?? 0,
    };
  } finally {
    for (const q of [sq, dq]) q?.close();
    for (const d of [src, dst]) d.kill();
    await Promise.all([src.exited, dst.exited]);
    link.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function resume(cfg, progress) {
  const support = netnsSupport();
  if (!support.ok) return { skipped: `needs network namespaces: ${support.reason}` };
  const runs = { resume: [], restart: [] };
  for (let i = 0; i < cfg.resumeReps; i++) {
    for (const mode of ['resume', 'restart']) {
      const r = await breakRun(mode, cfg).catch((err) => ({ mode, status: 'error', error: String(err.message ?? err).slice(0, 300) }));
      runs[mode].push(r);
      log(progress, `${mode}: ${r.status}${r.error ? ` (${r.error})` : ''}, ${r.totalMs ?? '-'} ms, ${r.bytesMoved !== undefined ? `${(r.bytesMoved / MiB).toFixed(0)} MiB moved` : ''}${r.resentAfterResume != null ? `, ${(r.resentAfterResume / MiB).toFixed(0)} MiB resent after the resume` : ''}`);
    }
  }
  const ok = (rs) => rs.filter((r) => r.status === 'completed' && r.verified);
  const summary = (rs) => ({
    totalMs: median(ok(rs).map((r) => r.totalMs)),
    afterLinkUpMs: median(ok(rs).map((r) => r.afterLinkUpMs)),
    bytesMoved: median(ok(rs).map((r) => r.bytesMoved)),
    completed: ok(rs).length,
    runs: rs.length,
  });
  const res = summary(runs.resume);
  const rst = summary(runs.restart);
  return {
    ramBytes: cfg.resumeRamBytes,
    linkRate: cfg.resumeLinkRate,
    breakMs: cfg.resumeBreakMs,
    stallTimeoutMs: cfg.resumeStallMs,
    dirtyRate: cfg.resumeDirtyRate,
    resume: res,
    restart: rst,
    timeRatio: round(ratio(rst.totalMs, res.totalMs), 2),
    afterLinkUpRatio: round(ratio(rst.afterLinkUpMs, res.afterLinkUpMs), 2),
    bytesRatio: round(ratio(rst.bytesMoved, res.bytesMoved), 2),
    runs,
  };
}
