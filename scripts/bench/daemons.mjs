/**
 * Runs one migration between the real daemons (separate processes, loopback,
 * port 0) and collects its figures: the source's final query-migrate, the
 * destination's, per-phase CPU time (from the status log lines), start-up
 * times, peak RSS (VmHWM from /proc/PID/status, read before the daemons quit)
 * and, while it runs, the cpu-throttle-percentage (auto-converge).
 *
 * The migration is started only once the source machine runs and the
 * destination's memory is resident ('memory ready'), as QEMU's
 * -mem-prealloc destination would be; start-up is reported on its own.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QmpClient } from './qmp.mjs';

const ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');
const BIN = {
  source: join(ROOT, 'packages', 'source', 'bin', 'livemig-source.js'),
  destination: join(ROOT, 'packages', 'destination', 'bin', 'livemig-destination.js'),
};

const live = new Set();

class Daemon {
  constructor(bin, args) {
    this.t0 = performance.now();
    this.proc = spawn(process.execPath, [bin, '--json', '--qmp', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(this);
    this.logs = [];
    this.stderr = '';
    this.waiters = [];
    let partial = '';
    this.proc.stdout.resume();
    this.proc.stderr.setEncoding('utf8').on('data', (t) => {
      this.stderr = (this.stderr + t).slice(-20000);
      partial += t;
      let nl;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        let parsed;
        try {
          parsed = JSON.parse(line);
        } catch {
          continue;
        }
        parsed.atMs = performance.now() - this.t0;
        this.logs.push(parsed);
        this.waiters = this.waiters.filter((w) => (w.pred(parsed) ? (w.resolve(parsed), false) : true));
      }
    });
    this.exited = once(this.proc, 'exit').then(([code, signal]) => {
      live.delete(this);
      for (const w of this.waiters) w.reject(new Error(`daemon exited (${code ?? signal}) before '${w.what}'\n${this.stderr.slice(-3000)}`));
      this.waiters = [];
      return { code, signal };
    });
  }

  waitMsg(msg) {
    const pred = (l) => l.msg === msg;
    const seen = this.logs.find(pred);
    if (seen) return Promise.resolve(seen);
    if (this.proc.exitCode !== null) return Promise.reject(new Error(`daemon exited before '${msg}'\n${this.stderr.slice(-3000)}`));
    return new Promise((resolve, reject) => this.waiters.push({ pred, resolve, reject, what: msg }));
  }

  /** Peak resident set (VmHWM) in bytes. */
  peakRss() {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.proc.pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  }

  /** CPU ms between the first and last status log lines named `msg`. */
  cpuMs(msg) {
    const lines = this.logs.filter((l) => l.msg === msg && typeof l.cpuMs === 'number');
    return lines.length >= 2 ? lines[lines.length - 1].cpuMs - lines[0].cpuMs : null;
  }

  kill() {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
  }
}

export async function killAll() {
  const all = [...live];
  for (const d of all) d.kill();
  await Promise.all(all.map((d) => d.exited));
}

/**
 * One migration. opts: { devices: string[], workload: string, caps: string,
 * params: string[] (K=V, both sides), srcParams: string[], timeoutMs }
 */
export async function migrateOnce(opts) {
  const devArgs = opts.devices.flatMap((d) => ['--device', d]);
  const caps = opts.caps ? ['--caps', opts.caps] : [];
  const params = (opts.params ?? []).flatMap((p) => ['--param', p]);
  const dst = new Daemon(BIN.destination, ['--listen', '127.0.0.1:0', ...devArgs, ...caps, ...params]);
  const src = new Daemon(BIN.source, [...devArgs, '--workload', opts.workload ?? 'dirty-rate=0', ...caps, ...params, ...(opts.srcParams ?? []).flatMap((p) => ['--param', p])]);
  let sq = null;
  let dq = null;
  try {
    const [listening, ready, dqmp] = await Promise.all([dst.waitMsg('listening for incoming migration'), dst.waitMsg('memory ready'), dst.waitMsg('QMP socket listening')]);
    const [running, sqmp] = await Promise.all([src.waitMsg('machine running'), src.waitMsg('QMP socket listening')]);
    sq = await QmpClient.connect(sqmp.address);
    dq = await QmpClient.connect(dqmp.address);
    const t0 = performance.now();
    await sq.call('migrate', { uri: `tcp:127.0.0.1:${listening.port}` });
    // Sample the throttle while it runs (auto-converge), and wait for the end.
    let maxThrottle = 0;
    const throttleSamples = [];
    const sampler = setInterval(() => {
      sq.call('query-migrate').then(
        (info) => {
          const t = info['cpu-throttle-percentage'];
          if (typeof t === 'number') {
            maxThrottle = Math.max(maxThrottle, t);
            throttleSamples.push(t);
          }
        },
        () => {},
      );
    }, 100);
    const end = sq.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed', 'cancelled'].includes(e.data?.status));
    let timer;
    const limit = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), opts.timeoutMs ?? 120000);
    });
    if ((await Promise.race([end, limit])) === 'timeout') {
      // A run that hangs is a result too (not completed); the bench goes on.
      await sq.call('migrate_cancel').catch(() => {});
      await Promise.race([end, new Promise((r) => setTimeout(r, 5000))]);
    }
    clearTimeout(timer);
    clearInterval(sampler);
    const wallMs = performance.now() - t0;
    const source = await sq.call('query-migrate');
    const destInfo = await dq.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed'].includes(e.data?.status)).then(
      () => dq.call('query-migrate'),
      () => null,
    );
    // Let the last status log lines (with CPU times) arrive before reading them.
    await Promise.all([src.waitMsg('migration status'), dst.waitMsg('incoming migration status')]).catch(() => {});
    await new Promise((r) => setTimeout(r, 50));
    return {
      source,
      destination: destInfo,
      wallMs,
      maxThrottle,
      throttleAfter: source['cpu-throttle-percentage'] ?? null,
      startup: { sourceRunningMs: running.atMs, destinationListeningMs: listening.atMs, destinationMemoryReadyMs: ready.atMs },
      cpuMs: { source: src.cpuMs('migration status'), destination: dst.cpuMs('incoming migration status') },
      peakRss: { source: src.peakRss(), destination: dst.peakRss() },
    };
  } finally {
    for (const [q, d] of [
      [sq, src],
      [dq, dst],
    ]) {
      if (q) await q.call('quit').catch(() => {});
      q?.close();
      const timer = setTimeout(() => d.kill(), 3000);
      await d.exited;
      clearTimeout(timer);
    }
  }
}
