// npm run demo -- --kv
// Both daemons with a kv device (the source prefilled with 100 000 keys), real
// client load through the migration: redis-benchmark (Debian redis-tools) when
// it is installed, and always 16 ioredis clients of our own, half pipelined,
// each INCRing its own counters and timing every request. Prints client
// errors, requests served, client latency p50/p99/max during the migration
// against the reported downtime, and whether every acknowledged INCR is on the
// destination. Exits 0 when there were no client errors and no write was lost.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { DaemonProcess, killAll } from './lib/daemon-process.mjs';

const require = createRequire(import.meta.url);
const { QmpClient } = require('@livemig/ctl');
const { Redis } = require('ioredis');

const CAPS = 'return-path,switchover-ack,verify';
const KEYS = 100_000;

async function kv(client) {
  return (await client.call('query-devices')).find((d) => d.id === 'kv0');
}
async function kvPort(client) {
  for (;;) {
    const port = Number((await kv(client)).listen.split(':').pop());
    if (port > 0) return port;
    await new Promise((r) => setTimeout(r, 10));
  }
}

class Checker {
  constructor(port, name, pipelined) {
    this.name = name;
    this.pipelined = pipelined;
    this.acked = new Map();
    this.errors = [];
    this.samples = []; // [end time ms, latency ms]
    this.redis = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    this.redis.on('error', (e) => this.errors.push(String(e)));
    this.stopped = false;
    this.done = new Promise((r) => this.redis.once('ready', r)).then(() => this.loop());
  }
  async loop() {
    let i = 0;
    while (!this.stopped && this.errors.length < 100) {
      const keys = [];
      for (let j = 0; j < (this.pipelined ? 16 : 1); j++) keys.push(`ctr:${this.name}:${(i++) % 8}`);
      const t = performance.now();
      try {
        if (this.pipelined) {
          const p = this.redis.pipeline();
          for (const k of keys) p.incr(k);
          const res = await p.exec();
          res.forEach(([err], j) => (err ? this.errors.push(String(err)) : this.acked.set(keys[j], (this.acked.get(keys[j]) ?? 0) + 1)));
        } else {
          await this.redis.incr(keys[0]);
          this.acked.set(keys[0], (this.acked.get(keys[0]) ?? 0) + 1);
        }
        const end = performance.now();
        this.samples.push([end, end - t]);
      } catch (err) {
        this.errors.push(String(err));
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  }
  async stop() {
    this.stopped = true;
    await this.done;
    this.redis.disconnect();
  }
}

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null);

let exitCode = 1;
try {
  const dst = new DaemonProcess('destination', ['--listen', '127.0.0.1:0', '--caps', CAPS, '--control', '127.0.0.1:0', '--device', 'kv,id=kv0,listen=127.0.0.1:0']);
  const listening = await dst.waitMsg('listening for incoming migration');
  const dctl = await QmpClient.connect((await dst.waitMsg('control API (WebSocket) listening')).address);
  const src = new DaemonProcess('source', ['--caps', CAPS, '--control', '127.0.0.1:0', '--workload', 'dirty-rate=0', '--device', `kv,id=kv0,listen=127.0.0.1:0,keys=${KEYS},value-size=64`]);
  const sctl = await QmpClient.connect((await src.waitMsg('control API (WebSocket) listening')).address);
  const port = await kvPort(sctl);

  const haveBench = spawnSync('redis-benchmark', ['--version']).status === 0;
  let bench = null;
  let benchOut = '';
  if (haveBench) {
    bench = spawn('redis-benchmark', ['-p', String(port), '-c', '20', '-P', '4', '-l', '-q', '-t', 'set,get,incr', '-r', String(KEYS)], { stdio: ['ignore', 'pipe', 'pipe'] });
    bench.stdout.setEncoding('utf8').on('data', (t) => (benchOut = (benchOut + t).slice(-100_000)));
    bench.stderr.setEncoding('utf8').on('data', (t) => (benchOut = (benchOut + t).slice(-100_000)));
  } else console.log('redis-benchmark is not installed (Debian redis-tools): the load is our own ioredis clients only');
  const checkers = Array.from({ length: 16 }, (_, c) => new Checker(port, `c${c}`, c % 2 === 0));
  await new Promise((r) => setTimeout(r, 1000));

  const t0 = performance.now();
  await sctl.call('migrate', { uri: `tcp:127.0.0.1:${listening.port}` });
  let info;
  for (;;) {
    info = await sctl.call('query-migrate');
    if (['completed', 'failed', 'cancelled'].includes(info.status)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const t1 = performance.now();
  await new Promise((r) => setTimeout(r, 1000)); // clients go on through the forwarding
  for (const c of checkers) await c.stop();
  let benchErrors = 0;
  if (bench) {
    bench.kill('SIGINT');
    await new Promise((r) => bench.once('close', r));
    benchErrors = (benchOut.match(/error/gi) ?? []).length;
  }

  const errors = checkers.flatMap((c) => c.errors);
  const during = checkers.flatMap((c) => c.samples.filter(([end, ms]) => end - ms <= t1 && end >= t0).map(([, ms]) => ms)).sort((a, b) => a - b);
  const check = new Redis({ port: Number((await kv(dctl)).listen.split(':').pop()), host: '127.0.0.1', maxRetriesPerRequest: 0 });
  let acked = 0;
  let missing = 0;
  for (const c of checkers) {
    for (const [k, n] of c.acked) {
      acked += n;
      if (Number(await check.get(k)) !== n) missing++;
    }
  }
  check.disconnect();
  const served = (await kv(sctl)).commands + (await kv(dctl)).commands;
  const row = (k, v) => console.log(`  ${k.padEnd(44)}${String(v ?? '-').padStart(16)}`);
  console.log(`\nlivemig demo --kv: kv device, ${KEYS} keys prefilled, load: 16 ioredis clients${haveBench ? ' + redis-benchmark -c 20 -P 4 (set,get,incr)' : ''}\n`);
  row('migration', info.status);
  row('verified', info.verified);
  row('downtime (ms, reported)', info.downtime);
  row('switchover-ack wait (ms)', info['switchover-ack-wait']);
  row('total time (ms)', info['total-time']);
  row('client errors (ioredis)', errors.length);
  if (haveBench) row('client errors (redis-benchmark)', benchErrors);
  row('requests served (both sides)', served);
  row('latency during migration p50 (ms)', pct(during, 50)?.toFixed(2));
  row('latency during migration p99 (ms)', pct(during, 99)?.toFixed(2));
  row('latency during migration max (ms)', during.length ? during[during.length - 1].toFixed(2) : null);
  row('acknowledged INCRs', acked);
  row('counters wrong on the destination', missing);
  if (errors.length) console.log(`  first error: ${errors[0]}`);
  exitCode = info.status === 'completed' && info.verified === true && errors.length === 0 && benchErrors === 0 && missing === 0 ? 0 : 1;
  sctl.close();
  dctl.close();
} catch (err) {
  console.error(`demo --kv: ${err.message}`);
}
await killAll();
process.exit(exitCode);
