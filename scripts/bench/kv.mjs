/**
 * The kv bench (SPEC §8, issue 13 item 5): the same data set under the same
 * client load moved three ways, side by side in one run:
 *   (a) livemig with switchover-ack, (b) livemig without it: a kv device,
 *       clients on the source's address, forwarded to the destination after
 *       the switchover;
 *   (c) Redis's own replication + FAILOVER (Debian redis-server): a replica
 *       attached with REPLICAOF, synced (INFO replication), then FAILOVER on
 *       the primary; the clients follow the role change as a sentinel-less
 *       client does: on READONLY or a closed connection they ask each known
 *       server `ROLE`, reconnect to the one that is master and resend the
 *       writes that were refused (a READONLY write did not execute).
 * The load: INCR checkers (ioredis, half of them pipelining 16 INCRs), each
 * counting its acknowledged INCRs per key. Per row: client errors (error
 * replies and dropped connections the clients received, before any resend),
 * the longest gap a client saw between two replies, acknowledged writes lost
 * (acknowledged count > final value on the server the clients end on) and the
 * total time. Then the store's own speed: redis-benchmark requests/s against
 * redis-server and against kv, as a ratio (information, not a target).
 *
 * Every redis-server started here is killed by PID and its temp dir removed,
 * also on failure (killRedis(), called by bench.mjs's finally and SIGINT).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaemonProcess } from '../lib/daemon-process.mjs';
import { stopDaemons } from './daemons.mjs';
import { median, ratio, round } from './stats.mjs';

const require = createRequire(import.meta.url);
const { QmpClient } = require('@livemig/ctl');
const { Redis } = require('ioredis');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- redis-server processes: always killed by PID, temp dirs always removed ----

const redisLive = new Set();

/** Kills every redis-server this module started (SIGKILL, by PID) and removes its temp dir. */
export async function killRedis() {
  const all = [...redisLive];
  for (const r of all) r.kill();
  await Promise.all(all.map((r) => r.exited));
}
process.on('exit', () => {
  // Last resort (an uncaught error): synchronous kill by PID; the dirs go with rmSync.
  for (const r of redisLive) {
    try {
      process.kill(r.proc.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(r.dir, { recursive: true, force: true });
  }
});

async function freePort() {
  const s = net.createServer();
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

class RedisServer {
  /** A redis-server on a free loopback port, its own temp dir, no persistence. */
  static async start() {
    for (let attempt = 0; ; attempt++) {
      const r = new RedisServer(await freePort());
      try {
        await r.ready();
        return r;
      } catch (err) {
        r.kill();
        await r.exited;
        // Another process took the port between our probe and redis-server's bind: once more.
        if (attempt < 3 && /Address already in use/i.test(r.output)) continue;
        throw err;
      }
    }
  }

  constructor(port) {
    this.port = port;
    this.dir = mkdtempSync(join(tmpdir(), 'livemig-bench-redis-'));
    this.output = '';
    // Diskless full sync with no delay: memory to memory, as livemig moves state
    // (Redis 7's default waits 5 s for more replicas before it starts the transfer).
    this.proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0', '--logfile', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
    redisLive.add(this);
    for (const s of [this.proc.stdout, this.proc.stderr]) s.setEncoding('utf8').on('data', (t) => (this.output = (this.output + t).slice(-20000)));
    this.exited = once(this.proc, 'exit').then(() => {
      redisLive.delete(this);
      rmSync(this.dir, { recursive: true, force: true });
    });
  }

  get address() {
    return `127.0.0.1:${this.port}`;
  }

  async ready() {
    const deadline = performance.now() + 10000;
    while (!/Ready to accept connections/.test(this.output)) {
      if (this.proc.exitCode !== null || performance.now() > deadline) throw new Error(`redis-server on ${this.port} did not start:\n${this.output.slice(-2000)}`);
      await sleep(10);
    }
    this.admin = new Redis({ port: this.port, host: '127.0.0.1', maxRetriesPerRequest: 1, lazyConnect: false });
    this.admin.on('error', () => {});
    await this.admin.ping();
  }

  /** INFO replication as an object. */
  async replication() {
    const text = await this.admin.info('replication');
    return Object.fromEntries(text.split('\r\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
  }

  kill() {
    this.admin?.disconnect();
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
  }
}

// ---- the data set ----

/** key:0 … key:N-1 with printable values of `valueSize` bytes (kv's prefill has the same shape). */
async function loadDataSet(port, keys, valueSize) {
  const r = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
  r.on('error', () => {});
  const value = (i) => {
    const b = Buffer.alloc(valueSize, 97 + (i % 26));
    b.write(String(i));
    return b;
  };
  for (let i = 0; i < keys; ) {
    const p = r.pipeline();
    for (let c = 0; c < 20 && i < keys; c++) {
      const args = [];
      for (let j = 0; j < 500 && i < keys; j++, i++) args.push(`key:${i}`, value(i));
      p.mset(...args);
    }
    await p.exec();
  }
  const n = await r.dbsize();
  r.disconnect();
  if (n < keys) throw new Error(`data set: ${n} keys loaded, ${keys} expected`);
}

// ---- the load: INCR checkers ----

const isReadonly = (err) => /^READONLY/.test(String(err?.message ?? err));

class Checker {
  /**
   * `addresses`: the servers it may talk to, the first one at start;
   * `follow`: on READONLY or a closed connection, find the master (ROLE) and go there.
   */
  constructor(name, pipelined, addresses, follow) {
    this.name = name;
    this.pipelined = pipelined;
    this.addresses = addresses;
    this.follow = follow;
    this.acked = new Map();
    this.errors = [];
    this.resent = 0;
    this.replies = 0;
    this.maxGapMs = 0;
    this.lastReplyAt = null;
    this.stopped = false;
    this.redis = null;
  }

  connect(address) {
    this.redis?.disconnect();
    const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
    // No reconnect of its own, nothing queued offline: every failure reaches this loop.
    this.redis = new Redis({ port, host, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    this.redis.on('error', () => {});
    this.at = address;
    return new Promise((resolve, reject) => {
      this.redis.once('ready', resolve);
      this.redis.once('end', () => reject(new Error(`connection to ${address} ended`)));
    });
  }

  async start() {
    await this.connect(this.addresses[0]);
    this.done = this.loop();
  }

  /** The server that says it is master now (a sentinel-less client's role check), polled. */
  async findMaster(notAt) {
    const deadline = performance.now() + 30000;
    while (performance.now() < deadline && !this.stopped) {
      for (const a of this.addresses) {
        if (a === notAt) continue;
        const [host, port] = [a.slice(0, a.lastIndexOf(':')), Number(a.slice(a.lastIndexOf(':') + 1))];
        const probe = new Redis({ port, host, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
        probe.on('error', () => {});
        try {
          const role = await probe.role();
          if (role[0] === 'master') return a;
        } catch {
          // not reachable or not answering: try the next one
        } finally {
          probe.disconnect();
        }
      }
      await sleep(5);
    }
    throw new Error('no master found');
  }

  noteReply() {
    const now = performance.now();
    if (this.lastReplyAt !== null && now - this.lastReplyAt > this.maxGapMs) {
      this.maxGapMs = now - this.lastReplyAt;
      this.maxGapFrom = this.lastReplyAt;
    }
    this.lastReplyAt = now;
    this.replies++;
  }

  ack(k) {
    this.acked.set(k, (this.acked.get(k) ?? 0) + 1);
  }

  async loop() {
    let i = 0;
    while (!this.stopped && this.errors.length < 1000) {
      let keys = [];
      for (let j = 0; j < (this.pipelined ? 16 : 1); j++) keys.push(`ctr:${this.name}:${i++ % 8}`);
      // Until every INCR of the batch is acknowledged (or given up on: a lost connection
      // leaves its in-flight INCRs unknown, so they are not resent).
      while (keys.length > 0 && !this.stopped) {
        let refused = [];
        let lost = false;
        try {
          const p = this.redis.pipeline();
          for (const k of keys) p.incr(k);
          const res = await p.exec();
          this.noteReply();
          res.forEach(([err], j) => {
            if (!err) this.ack(keys[j]);
            else {
              this.errors.push(String(err.message ?? err));
              if (isReadonly(err)) refused.push(keys[j]);
            }
          });
        } catch (err) {
          this.errors.push(String(err?.message ?? err));
          lost = true;
        }
        if (!this.follow) {
          if (lost || refused.length > 0) await sleep(10);
          break;
        }
        if (refused.length === 0 && !lost) break;
        // The role changed (READONLY) or the connection went: to whichever is master now.
        const master = await this.findMaster(refused.length > 0 ? this.at : null).catch(() => null);
        if (!master) break;
        await this.connect(master).catch((err) => this.errors.push(String(err.message)));
        this.resent += refused.length;
        keys = refused;
      }
    }
  }

  async stop() {
    this.stopped = true;
    await this.done;
    this.redis?.disconnect();
  }

  get total() {
    let n = 0;
    for (const v of this.acked.values()) n += v;
    return n;
  }
}

function makeCheckers(count, addresses, follow) {
  return Array.from({ length: count }, (_, c) => new Checker(`c${c}`, c % 2 === 0, addresses, follow));
}

async function servedMore(checkers, n, timeoutMs = 30000) {
  const total = () => checkers.reduce((s, c) => s + c.replies, 0);
  const target = total() + n;
  const deadline = performance.now() + timeoutMs;
  while (total() < target) {
    if (performance.now() > deadline) throw new Error('the load stopped making progress');
    await sleep(10);
  }
}

/** Acknowledged INCRs vs the final values on `port`: lost (acknowledged, not there) and extra (there, not acknowledged). */
async function audit(checkers, port) {
  const r = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
  r.on('error', () => {});
  let acked = 0;
  let lost = 0;
  let extra = 0;
  for (const c of checkers) {
    for (const [k, n] of c.acked) {
      const v = Number(await r.get(k));
      acked += n;
      if (v < n) lost += n - v;
      else extra += v - n;
    }
  }
  r.disconnect();
  return { acked, lost, extra };
}

/** `t0`: when the move began (migrate / REPLICAOF); `stopAt`: when clients stopped being served there (STOP / FAILOVER). */
function loadFigures(checkers, t0, stopAt) {
  const errors = checkers.flatMap((c) => c.errors);
  const worst = checkers.reduce((a, c) => (c.maxGapMs > a.maxGapMs ? c : a), checkers[0]);
  return {
    // Where the longest gap began, from the start of the move, and from the switchover: what it overlaps.
    longestGapFromStartMs: round(worst.maxGapFrom - t0, 1),
    longestGapFromSwitchoverMs: stopAt === null ? null : round(worst.maxGapFrom - stopAt, 1),
    clientErrors: errors.length,
    firstError: errors[0] ?? null,
    resent: checkers.reduce((s, c) => s + c.resent, 0),
    longestGapMs: round(Math.max(...checkers.map((c) => c.maxGapMs)), 1),
  };
}

// ---- (a), (b): livemig ----

async function connectQmp(d) {
  const line = await d.waitMsg('QMP socket listening');
  return QmpClient.connect(`tcp:${line.address}`);
}

async function livemigRow(cfg, ack, progress) {
  const caps = ack ? 'return-path,switchover-ack,verify' : 'return-path,verify';
  const dst = new DaemonProcess('destination', ['--listen', '127.0.0.1:0', '--qmp', '127.0.0.1:0', '--caps', caps, '--device', 'kv,id=kv0,listen=127.0.0.1:0']);
  const src = new DaemonProcess('source', ['--qmp', '127.0.0.1:0', '--caps', caps, '--workload', 'dirty-rate=0', '--device', `kv,id=kv0,listen=127.0.0.1:0,keys=${cfg.kvKeys},value-size=${cfg.kvValueSize}`]);
  let sq = null;
  let dq = null;
  const checkers = makeCheckers(cfg.kvClients, [], false);
  try {
    const listening = await dst.waitMsg('listening for incoming migration');
    const dServing = await dst.waitMsg('kv: serving clients');
    const sServing = await src.waitMsg('kv: serving clients');
    await src.waitMsg('machine running');
    [sq, dq] = await Promise.all([connectQmp(src), connectQmp(dst)]);
    let stopAt = null;
    sq.on('event', (e) => {
      if (e.event === 'STOP') stopAt = performance.now();
    });
    for (const c of checkers) c.addresses = [sServing.address];
    await Promise.all(checkers.map((c) => c.start()));
    await servedMore(checkers, cfg.kvWarmupReplies);
    const t0 = performance.now();
    await sq.call('migrate', { uri: `tcp:127.0.0.1:${listening.port}` });
    let info;
    for (;;) {
      info = await sq.call('query-migrate');
      if (['completed', 'failed', 'cancelled'].includes(info.status)) break;
      await sleep(20);
    }
    const wallMs = performance.now() - t0;
    // The clients go on through the source's forwarding.
    await servedMore(checkers, cfg.kvWarmupReplies);
    await Promise.all(checkers.map((c) => c.stop()));
    const figures = loadFigures(checkers, t0, stopAt);
    const a = await audit(checkers, Number(dServing.address.split(':').pop()));
    const row = {
      how: ack ? 'livemig, switchover-ack' : 'livemig, no switchover-ack',
      status: info.status,
      verified: info.verified ?? null,
      ...figures,
      acknowledged: a.acked,
      lost: a.lost,
      unacknowledgedApplied: a.extra,
      totalTimeMs: info['total-time'] ?? round(wallMs),
      downtimeMs: info.downtime ?? null,
      switchoverAckWaitMs: info['switchover-ack-wait'] ?? null,
    };
    progress(`  ${row.how}: ${row.status}, errors ${row.clientErrors}, longest gap ${row.longestGapMs} ms (began ${row.longestGapFromSwitchoverMs} ms from the stop), lost ${row.lost}/${row.acknowledged}, total ${row.totalTimeMs} ms, downtime ${row.downtimeMs} ms`);
    return row;
  } finally {
    await Promise.all(checkers.map((c) => c.stop().catch(() => {})));
    await stopDaemons([[sq, src], [dq, dst]]);
  }
}

// ---- the floor: the same load on a kv that does not move ----

/**
 * The same clients against a source that is not migrated, for `durationMs`
 * after the same warm-up: the longest gap here is what this machine's load
 * alone costs (the host is shared), the floor under the rows above.
 */
async function baselineRow(cfg, durationMs, progress) {
  const src = new DaemonProcess('source', ['--qmp', '127.0.0.1:0', '--workload', 'dirty-rate=0', '--device', `kv,id=kv0,listen=127.0.0.1:0,keys=${cfg.kvKeys},value-size=${cfg.kvValueSize}`]);
  const checkers = makeCheckers(cfg.kvClients, [], false);
  let sq = null;
  try {
    const serving = await src.waitMsg('kv: serving clients');
    await src.waitMsg('machine running');
    sq = await connectQmp(src);
    for (const c of checkers) c.addresses = [serving.address];
    await Promise.all(checkers.map((c) => c.start()));
    await servedMore(checkers, cfg.kvWarmupReplies);
    const t0 = performance.now();
    await sleep(durationMs); // the load runs for as long as a migration took: a duration, not a wait for an event
    await servedMore(checkers, cfg.kvWarmupReplies);
    await Promise.all(checkers.map((c) => c.stop()));
    const figures = loadFigures(checkers, t0, null);
    const row = { how: 'no move (same load on kv, the floor)', status: 'completed', verified: null, ...figures, acknowledged: checkers.reduce((s, c) => s + c.total, 0), lost: 0, unacknowledgedApplied: 0, totalTimeMs: round(durationMs), downtimeMs: null, baseline: true };
    progress(`  ${row.how}: errors ${row.clientErrors}, longest gap ${row.longestGapMs} ms over ${row.totalTimeMs} ms`);
    return row;
  } finally {
    await Promise.all(checkers.map((c) => c.stop().catch(() => {})));
    if (sq) await sq.call('quit').catch(() => {});
    sq?.close();
    const timer = setTimeout(() => src.kill(), 3000);
    await src.exited;
    clearTimeout(timer);
  }
}

// ---- (c): Redis replication + FAILOVER ----

async function redisRow(cfg, progress) {
  const primary = await RedisServer.start();
  const replica = await RedisServer.start();
  const checkers = makeCheckers(cfg.kvClients, [primary.address, replica.address], true);
  try {
    await loadDataSet(primary.port, cfg.kvKeys, cfg.kvValueSize);
    await Promise.all(checkers.map((c) => c.start()));
    await servedMore(checkers, cfg.kvWarmupReplies);
    const t0 = performance.now();
    await replica.admin.replicaof('127.0.0.1', primary.port);
    // Synced: the link is up, the full sync is over and the replica has what the primary sent.
    for (;;) {
      const [p, r] = await Promise.all([primary.replication(), replica.replication()]);
      if (r.master_link_status === 'up' && r.master_sync_in_progress === '0' && /state=online/.test(p.slave0 ?? '')) break;
      if (performance.now() - t0 > 120000) throw new Error('the replica did not sync in 120 s');
      await sleep(5);
    }
    const synced = performance.now();
    await primary.admin.call('FAILOVER');
    // Done when the replica is master and the old primary has finished its side (a replica of it).
    for (;;) {
      const [p, r] = await Promise.all([primary.replication(), replica.replication()]);
      if (r.role === 'master' && p.role === 'slave' && p.master_failover_state === 'no-failover') break;
      if (p.master_failover_state === 'no-failover' && p.role === 'master' && performance.now() - synced > 1000) throw new Error(`FAILOVER did not happen: ${JSON.stringify(p)}`);
      if (performance.now() - synced > 60000) throw new Error('FAILOVER did not finish in 60 s');
      await sleep(2);
    }
    const switched = performance.now();
    await servedMore(checkers, cfg.kvWarmupReplies);
    await Promise.all(checkers.map((c) => c.stop()));
    const figures = loadFigures(checkers, t0, synced);
    const a = await audit(checkers, replica.port);
    const row = {
      how: 'Redis replication + FAILOVER',
      status: 'completed',
      verified: null,
      ...figures,
      acknowledged: a.acked,
      lost: a.lost,
      unacknowledgedApplied: a.extra,
      totalTimeMs: round(switched - t0),
      syncMs: round(synced - t0),
      failoverMs: round(switched - synced),
      redisVersion: spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim(),
    };
    progress(`  ${row.how}: errors ${row.clientErrors} (resent ${row.resent}), longest gap ${row.longestGapMs} ms (began ${row.longestGapFromSwitchoverMs} ms from FAILOVER), lost ${row.lost}/${row.acknowledged}, total ${row.totalTimeMs} ms (sync ${row.syncMs}, failover ${row.failoverMs})`);
    return row;
  } finally {
    await Promise.all(checkers.map((c) => c.stop().catch(() => {})));
    primary.kill();
    replica.kill();
    await Promise.all([primary.exited, replica.exited]);
  }
}

// ---- the store's own speed: redis-benchmark against redis-server and kv ----

async function redisBenchmark(port, pipeline, cfg) {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-t', 'set,get', '-n', String(cfg.kvBenchRequests), '-c', '50', '-P', String(pipeline), '-r', String(cfg.kvKeys), '-d', String(cfg.kvValueSize), '-q', '--csv'];
  const child = spawn('redis-benchmark', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (t) => (out += t));
  child.stderr.setEncoding('utf8').on('data', (t) => (out += t));
  const [code] = await once(child, 'exit');
  const rps = {};
  for (const m of out.matchAll(/^"(SET|GET)","([\d.]+)"/gm)) rps[m[1].toLowerCase()] = Number(m[2]);
  if (code !== 0 || rps.set === undefined || rps.get === undefined) throw new Error(`redis-benchmark ${args.join(' ')} failed (${code}):\n${out.slice(-2000)}`);
  return rps;
}

async function storeSpeed(cfg, progress) {
  const rows = [];
  const redis = await RedisServer.start();
  const src = new DaemonProcess('source', ['--qmp', '127.0.0.1:0', '--workload', 'dirty-rate=0', '--device', `kv,id=kv0,listen=127.0.0.1:0,keys=${cfg.kvKeys},value-size=${cfg.kvValueSize}`]);
  let sq = null;
  try {
    await loadDataSet(redis.port, cfg.kvKeys, cfg.kvValueSize);
    const kvPort = Number((await src.waitMsg('kv: serving clients')).address.split(':').pop());
    await src.waitMsg('machine running');
    sq = await connectQmp(src);
    for (const pipeline of [1, 16]) {
      // Interleaved, redis first then kv, repeated: drift in the machine's load hits both.
      const r = [];
      const k = [];
      for (let i = 0; i < cfg.kvBenchReps; i++) {
        r.push(await redisBenchmark(redis.port, pipeline, cfg));
        k.push(await redisBenchmark(kvPort, pipeline, cfg));
      }
      for (const cmd of ['set', 'get']) {
        const redisRps = median(r.map((x) => x[cmd]));
        const kvRps = median(k.map((x) => x[cmd]));
        rows.push({ command: cmd.toUpperCase(), pipeline, redisRps, kvRps, ratio: round(ratio(kvRps, redisRps), 2) });
        progress(`  redis-benchmark ${cmd.toUpperCase()} -P ${pipeline}: redis-server ${Math.round(redisRps)}/s, kv ${Math.round(kvRps)}/s (${round(ratio(kvRps, redisRps), 2)}×)`);
      }
    }
    return rows;
  } finally {
    if (sq) await sq.call('quit').catch(() => {});
    sq?.close();
    const timer = setTimeout(() => src.kill(), 3000);
    await src.exited;
    clearTimeout(timer);
    redis.kill();
    await redis.exited;
  }
}

/** Is the Redis side possible here (redis-server and redis-benchmark installed)? */
export function kvSupport() {
  for (const tool of ['redis-server', 'redis-benchmark']) {
    if (spawnSync(tool, ['--version']).status !== 0) return { ok: false, reason: `${tool} is not installed (Debian redis-server / redis-tools)` };
  }
  return { ok: true };
}

export async function kv(cfg, progress) {
  const support = kvSupport();
  if (!support.ok) {
    if (process.env.CI === 'true') throw new Error(`kv bench: ${support.reason}`);
    progress(`  skipped: ${support.reason}`);
    return { skipped: support.reason };
  }
  const rows = [];
  // Interleaved repetitions (a, b, c, a, b, c…), medians per row.
  const runs = { ack: [], noAck: [], redis: [], floor: [] };
  for (let i = 0; i < cfg.kvReps; i++) {
    runs.ack.push(await livemigRow(cfg, true, progress));
    runs.noAck.push(await livemigRow(cfg, false, progress));
    runs.redis.push(await redisRow(cfg, progress));
    runs.floor.push(await baselineRow(cfg, Math.max(runs.ack.at(-1).totalTimeMs, runs.noAck.at(-1).totalTimeMs), progress));
  }
  for (const list of [runs.ack, runs.noAck, runs.redis, runs.floor]) rows.push(summarize(list));
  const speed = await storeSpeed(cfg, progress);
  return {
    dataSet: { keys: cfg.kvKeys, valueSize: cfg.kvValueSize },
    load: { clients: cfg.kvClients, pipelinedClients: Math.ceil(cfg.kvClients / 2), pipelineDepth: 16, command: 'INCR' },
    reps: cfg.kvReps,
    rows,
    storeSpeed: { requests: cfg.kvBenchRequests, connections: 50, reps: cfg.kvBenchReps, rows: speed },
  };
}

/** One row from its repetitions: medians of the figures, sums of errors and losses (any one counts). */
function summarize(list) {
  const first = list[0];
  const med = (k) => median(list.map((r) => r[k]));
  const sum = (k) => list.reduce((s, r) => s + (r[k] ?? 0), 0);
  return {
    how: first.how,
    reps: list.length,
    statuses: list.map((r) => r.status),
    verified: list.every((r) => r.verified === null) ? null : list.every((r) => r.verified === true),
    clientErrors: sum('clientErrors'),
    firstError: list.find((r) => r.firstError)?.firstError ?? null,
    resent: sum('resent'),
    longestGapMs: med('longestGapMs'),
    longestGapsMs: list.map((r) => r.longestGapMs),
    longestGapsFromSwitchoverMs: list.map((r) => r.longestGapFromSwitchoverMs),
    acknowledged: sum('acknowledged'),
    lost: sum('lost'),
    unacknowledgedApplied: sum('unacknowledgedApplied'),
    totalTimeMs: med('totalTimeMs'),
    downtimeMs: med('downtimeMs'),
    ...(first.baseline ? { baseline: true } : {}),
    ...(first.syncMs !== undefined ? { syncMs: med('syncMs'), failoverMs: med('failoverMs'), redisVersion: first.redisVersion } : {}),
  };
}

/** The kv section's rows of the bench table: [scenario, figure, limit (same run), ratio, target, met]. */
export function kvTableRows(k) {
  if (!k) return [];
  if (k.skipped) return [['kv vs Redis FAILOVER', k.skipped, '', '', '', '']];
  const out = [];
  const redis = k.rows.find((r) => r.syncMs !== undefined);
  for (const r of k.rows) {
    if (r.baseline) {
      out.push([`  ${r.how}`, `errors ${r.clientErrors}, longest gap ${r.longestGapMs} ms`, `over ${r.totalTimeMs} ms`, '', '(floor)', '']);
      continue;
    }
    const livemig = r.syncMs === undefined;
    out.push([
      `kv ${k.dataSet.keys} keys × ${k.dataSet.valueSize} B: ${r.how}`,
      `errors ${r.clientErrors}${r.resent ? ` (resent ${r.resent})` : ''}, longest gap ${r.longestGapMs} ms, lost ${r.lost}/${r.acknowledged}`,
      livemig ? `total ${r.totalTimeMs} ms, downtime ${r.downtimeMs} ms` : `total ${r.totalTimeMs} ms (sync ${r.syncMs}, FAILOVER ${r.failoverMs})`,
      livemig && redis ? `gap ${round(ratio(r.longestGapMs, redis.longestGapMs), 2)}× Redis` : '',
      livemig ? 'no error, nothing lost' : '(reference)',
      livemig ? (r.clientErrors === 0 && r.lost === 0 && r.statuses.every((s) => s === 'completed') ? 'yes' : 'NO') : '',
    ]);
  }
  for (const s of k.storeSpeed.rows) {
    out.push([`  redis-benchmark ${s.command} -P ${s.pipeline}`, `kv ${Math.round(s.kvRps)}/s`, `redis-server ${Math.round(s.redisRps)}/s`, `${s.ratio}×`, '(information)', '']);
  }
  return out;
}
