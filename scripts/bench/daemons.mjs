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
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaemonProcess, killAll } from '../lib/daemon-process.mjs';

export { killAll };
const { QmpClient } = createRequire(import.meta.url)('@livemig/ctl');

/** A QMP client on a daemon's plain socket that remembers events, so a wait never misses one that came first. */
async function connectQmp(address) {
  const client = await QmpClient.connect(address.startsWith('unix:') ? address : `tcp:${address}`);
  const events = [];
  let waiters = [];
  client.on('event', (e) => {
    events.push(e);
    waiters = waiters.filter((w) => (w.pred(e) ? (w.resolve(e), false) : true));
  });
  client.on('close', () => {
    for (const w of waiters) w.reject(new Error('QMP connection closed'));
    waiters = [];
  });
  client.waitEvent = (pred) => {
    const seen = events.find(pred);
    if (seen) return Promise.resolve(seen);
    if (client.closed) return Promise.reject(new Error('QMP connection closed'));
    return new Promise((resolve, reject) => waiters.push({ pred, resolve, reject }));
  };
  return client;
}

/**
 * One migration. opts: { devices: string[], workload: string, caps: string,
 * params: string[] (K=V, both sides), srcParams: string[], timeoutMs,
 * link (a scripts/lib/netns.mjs Link: run across it), srcArgs/dstArgs (extra CLI
 * arguments), sampleDestinationMs (poll the destination's bytes-received),
 * keepLogs (return both daemons' parsed log lines), onStart/onEnded (called with
 * { source, destination } pids just before `migrate` and once it ended, e.g. to
 * read /proc figures of that window) }
 */
/**
 * Ends each daemon the way an operator does: QMP `quit` (when its QMP client is
 * connected), then SIGKILL if it has not exited 3 s later. `pairs`: [qmp client or
 * null, daemon].
 */
export async function stopDaemons(pairs) {
  for (const [q, d] of pairs) {
    if (q) await q.call('quit').catch(() => {});
    q?.close();
    const timer = setTimeout(() => d.kill(), 3000);
    await d.exited;
    clearTimeout(timer);
  }
}

export async function migrateOnce(opts) {
  const devArgs = opts.devices.flatMap((d) => ['--device', d]);
  const caps = opts.caps ? ['--caps', opts.caps] : [];
  const params = (opts.params ?? []).flatMap((p) => ['--param', p]);
  // opts.link (scripts/lib/netns.mjs): source in namespace a, destination in b, listening on
  // b's address; QMP over Unix sockets (paths are not namespaced) in a temp dir.
  const link = opts.link ?? null;
  const qmpDir = link ? mkdtempSync(join(tmpdir(), 'livemig-bench-')) : null;
  const qmpAt = (name) => (qmpDir ? `unix:${join(qmpDir, `${name}.qmp`)}` : '127.0.0.1:0');
  const host = link ? link.addr.b : '127.0.0.1';
  const dst = new DaemonProcess('destination', ['--qmp', qmpAt('destination'), '--listen', `${host}:0`, ...devArgs, ...caps, ...params, ...(opts.dstArgs ?? [])], link ? link.prefix('b') : []);
  const src = new DaemonProcess('source', ['--qmp', qmpAt('source'), ...devArgs, '--workload', opts.workload ?? 'dirty-rate=0', ...caps, ...params, ...(opts.srcParams ?? []).flatMap((p) => ['--param', p]), ...(opts.srcArgs ?? [])], link ? link.prefix('a') : []);
  let sq = null;
  let dq = null;
  try {
    const [listening, ready, dqmp] = await Promise.all([dst.waitMsg('listening for incoming migration'), dst.waitMsg('memory ready'), dst.waitMsg('QMP socket listening')]);
    const [running, sqmp] = await Promise.all([src.waitMsg('machine running'), src.waitMsg('QMP socket listening')]);
    sq = await connectQmp(sqmp.address);
    dq = await connectQmp(dqmp.address);
    const pids = { source: src.proc.pid, destination: dst.proc.pid };
    opts.onStart?.(pids);
    const t0 = performance.now();
    await sq.call('migrate', { uri: `tcp:${host}:${listening.port}` });
    // Sample the throttle while it runs (auto-converge only: a poll is work the daemons do,
    // and one landing in a downtime window of a few ms would show in it), and wait for the end.
    let maxThrottle = 0;
    const throttleSamples = [];
    const sampler = !/auto-converge/.test(opts.caps ?? '') ? null : setInterval(() => {
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
    // The receiver's own count over time (max-bandwidth as the destination sees it).
    const dstSamples = [];
    const dstSampler = !opts.sampleDestinationMs
      ? null
      : setInterval(() => {
          const at = performance.now();
          dq.call('query-migrate').then(
            (info) => typeof info['bytes-received'] === 'number' && dstSamples.push({ atMs: at - t0, bytes: info['bytes-received'], status: info.status }),
            () => {},
          );
        }, opts.sampleDestinationMs);
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
    if (sampler) clearInterval(sampler);
    if (dstSampler) clearInterval(dstSampler);
    const wallMs = performance.now() - t0;
    opts.onEnded?.(pids);
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
      ...(opts.keepLogs ? { srcLogs: src.logs, dstLogs: dst.logs } : {}),
      ...(opts.sampleDestinationMs ? { dstSamples } : {}),
    };
  } finally {
    await stopDaemons([[sq, src], [dq, dst]]);
    if (qmpDir) rmSync(qmpDir, { recursive: true, force: true });
  }
}
