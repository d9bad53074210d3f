/**
 * The kv device with clients no one here wrote: redis-cli round trips for
 * every command it serves (errors included), and live migrations under load
 * from ioredis (many connections, pipelined and not), redis-benchmark, TTLs
 * and a destination killed mid-precopy. Real daemons, real processes.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { controlAddress, killAll, startDestination, startSource, type DaemonProcess } from './helpers/daemons';
import { pollUntil } from './helpers/poll';
import { QmpWsClient } from './helpers/qmp-client';

const run = promisify(execFile);
afterEach(killAll);
const clients: Redis[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});

const CAPS = ['--caps', 'return-path,switchover-ack,verify'];

beforeAll(async () => {
  // Under CI the tools must be there (.ci/run installs redis-tools); a missing one fails.
  await run('redis-cli', ['--version']);
  await run('redis-benchmark', ['--version']);
});

interface KvStatus {
  id: string;
  listen: string;
  keys: number;
  'moved-to': string | null;
  forwarded: number;
}

async function kvStatus(qmp: QmpWsClient, id = 'kv0'): Promise<KvStatus> {
  const devices = (await qmp.call('query-devices')) as KvStatus[];
  return devices.find((d) => d.id === id)!;
}

/** The bound client port of a running kv device (listen=…:0): bound at start, before the control API answers. */
async function kvPort(qmp: QmpWsClient): Promise<number> {
  const port = Number((await kvStatus(qmp)).listen.split(':').pop());
  if (!(port > 0)) throw new Error(`kv device reports no bound port: ${JSON.stringify(await kvStatus(qmp))}`);
  return port;
}

async function source(extra: string[] = [], kv = 'keys=20000,value-size=100', caps = CAPS): Promise<{ src: DaemonProcess; qmp: QmpWsClient; port: number }> {
  const src = startSource(['--device', `kv,id=kv0,listen=127.0.0.1:0,${kv}`, '--device', 'cpu,id=cpu0,vcpus=1', '--workload', 'dirty-rate=0', '--control', '127.0.0.1:0', ...caps, ...extra]);
  const qmp = await QmpWsClient.connect(await controlAddress(src));
  return { src, qmp, port: await kvPort(qmp) };
}

async function destination(extra: string[] = [], caps = CAPS): Promise<{ dst: DaemonProcess; uri: string; dqmp: QmpWsClient }> {
  const { d: dst, uri } = await startDestination(['--device', 'kv,id=kv0,listen=127.0.0.1:0', '--device', 'cpu,id=cpu0,vcpus=1', '--control', '127.0.0.1:0', ...caps, ...extra]);
  const dqmp = await QmpWsClient.connect(await controlAddress(dst));
  return { dst, uri, dqmp };
}

async function migrate(qmp: QmpWsClient, uri: string): Promise<Record<string, unknown>> {
  qmp.events.length = 0; // only this migration's events
  await qmp.call('migrate', { uri });
  const end = await qmp.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed', 'cancelled'].includes(e.data?.status as string));
  const info = (await qmp.call('query-migrate')) as Record<string, unknown>;
  expect(end.data?.status, JSON.stringify(info)).toBe('completed');
  return info;
}

describe('kv: redis-cli round trips', () => {
  it('serves every command with Redis replies, and errors (unknown command, wrong arity) without dropping the connection', async () => {
    const { qmp, port } = await source();
    const cli = async (...args: string[]): Promise<string> => (await run('redis-cli', ['-p', String(port), ...args])).stdout.replace(/\n+$/, '');
    expect(await cli('PING')).toBe('PONG');
    expect(await cli('PING', 'hello')).toBe('hello');
    expect(await cli('ECHO', 'a b')).toBe('a b');
    expect(await cli('SET', 'a', '10')).toBe('OK');
    expect(await cli('GET', 'a')).toBe('10');
    expect(await cli('GET', 'missing')).toBe('');
    expect(await cli('SET', 'a', '11', 'NX')).toBe('');
    expect(await cli('GET', 'a')).toBe('10');
    expect(await cli('SET', 'b', '1', 'XX')).toBe('');
    expect(await cli('EXISTS', 'b')).toBe('0');
    expect(await cli('SET', 'a', '12', 'XX')).toBe('OK');
    expect(await cli('SET', 'e', 'v', 'EX', '100')).toBe('OK');
    expect(Number(await cli('TTL', 'e'))).toBeGreaterThan(98);
    expect(await cli('SET', 'p', 'v', 'PX', '100000')).toBe('OK');
    const pttl = Number(await cli('PTTL', 'p'));
    expect(pttl).toBeGreaterThan(98_000);
    expect(pttl).toBeLessThanOrEqual(100_000);
    expect(await cli('SET', 'x', 'v', 'EX', '0')).toBe("ERR invalid expire time in 'set' command");
    expect(await cli('SET', 'x', 'v', 'BOGUS')).toBe('ERR syntax error');
    expect(await cli('INCR', 'n')).toBe('1');
    expect(await cli('INCRBY', 'n', '41')).toBe('42');
    expect(await cli('DECR', 'n')).toBe('41');
    expect(await cli('INCR', 'e')).toBe('ERR value is not an integer or out of range');
    expect(await cli('INCRBY', 'n', 'x')).toBe('ERR value is not an integer or out of range');
    expect(await cli('MSET', 'k1', 'v1', 'k2', 'v2')).toBe('OK');
    expect(await cli('MGET', 'k1', 'nope', 'k2')).toBe('v1\n\nv2');
    expect(await cli('APPEND', 'k1', 'xyz')).toBe('5');
    expect(await cli('STRLEN', 'k1')).toBe('5');
    expect(await cli('STRLEN', 'nope')).toBe('0');
    expect(await cli('EXISTS', 'k1', 'k2', 'nope')).toBe('2');
    expect(await cli('DEL', 'k1', 'k2', 'nope')).toBe('2');
    expect(await cli('EXPIRE', 'a', '50')).toBe('1');
    expect(Number(await cli('TTL', 'a'))).toBeGreaterThan(48);
    expect(await cli('PEXPIRE', 'a', '70000')).toBe('1');
    expect(Number(await cli('PTTL', 'a'))).toBeGreaterThan(68_000);
    expect(await cli('PERSIST', 'a')).toBe('1');
    expect(await cli('TTL', 'a')).toBe('-1');
    expect(await cli('TTL', 'nope')).toBe('-2');
    expect(await cli('PERSIST', 'a')).toBe('0');
    expect(await cli('EXPIRE', 'nope', '5')).toBe('0');
    expect(await cli('PEXPIRE', 'p', '1')).toBe('1');
    // 1 ms later the key is gone (EXISTS checks expiry on access).
    await until(async () => (await cli('EXISTS', 'p')) === '0', "'p' expired");
    expect(await cli('EXISTS', 'p')).toBe('0');
    expect(await cli('DBSIZE')).toBe(String(20000 + 3)); // prefill + a, e, n
    expect(await cli('SELECT', '0')).toBe('OK');
    expect(await cli('SELECT', '1')).toBe('ERR DB index is out of range');
    expect(await cli('INFO')).toMatch(/^# Server\r?\nredis_version:/);
    expect(await cli('CONFIG', 'GET', 'appendonly')).toBe('appendonly\nno');
    expect(Number(await cli('COMMAND', 'COUNT'))).toBeGreaterThan(25);
    expect(await cli('COMMAND')).toContain('incrby');
    expect(await cli('CLIENT', 'SETNAME', 'tester')).toBe('OK');
    expect(await cli('QUIT')).toBe('OK');
    // Errors as Redis words them; the connection stays (several commands on one redis-cli connection).
    expect(await cli('FOO', 'bar')).toBe("ERR unknown command 'FOO', with args beginning with: 'bar' ");
    expect(await cli('GET')).toBe("ERR wrong number of arguments for 'get' command");
    expect(await cli('SET', 'a')).toBe("ERR wrong number of arguments for 'set' command");
    expect(await cli('MSET', 'a', 'b', 'c')).toBe("ERR wrong number of arguments for 'mset' command");
    expect(await cli('DBSIZE', 'x')).toBe("ERR wrong number of arguments for 'dbsize' command");
    const piped = spawn('redis-cli', ['-p', String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    piped.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
    piped.stdin.end('NOSUCH\nGET\nSET same-conn yes\nGET same-conn\n');
    await new Promise((r) => piped.on('close', r));
    expect(out.split('\n').filter(Boolean)).toEqual(["ERR unknown command 'NOSUCH', with args beginning with: ", "ERR wrong number of arguments for 'get' command", 'OK', 'yes']);
    expect(await cli('FLUSHALL')).toBe('OK');
    expect(await cli('DBSIZE')).toBe('0');
    qmp.close();
  });
});

/** A client that INCRs its own keys and counts what was acknowledged; errors counted, never thrown. */
class IncrChecker {
  readonly acked = new Map<string, number>();
  errors: string[] = [];
  private stop = false;
  private done: Promise<void>;
  constructor(
    readonly redis: Redis,
    readonly name: string,
    readonly pipelined: boolean,
  ) {
    this.done = this.loop();
    running.push(this);
  }
  private async loop(): Promise<void> {
    let i = 0;
    while (!this.stop) {
      try {
        if (this.pipelined) {
          const p = this.redis.pipeline();
          const keys: string[] = [];
          for (let j = 0; j < 16; j++) keys.push(`ctr:${this.name}:${(i + j) % 8}`);
          for (const k of keys) p.incr(k);
          const res = await p.exec();
          res!.forEach(([err], j) => {
            if (err) this.errors.push(String(err));
            else this.acked.set(keys[j]!, (this.acked.get(keys[j]!) ?? 0) + 1);
          });
          i += 16;
        } else {
          const k = `ctr:${this.name}:${i++ % 8}`;
          await this.redis.incr(k);
          this.acked.set(k, (this.acked.get(k) ?? 0) + 1);
        }
      } catch (err) {
        this.errors.push(String(err));
        // Any error fails the test; a broken connection rejects at once, so stop after a few.
        if (this.errors.length > 100) return;
      }
    }
  }
  async finish(): Promise<void> {
    this.stop = true;
    await this.done;
  }
  get total(): number {
    let n = 0;
    for (const v of this.acked.values()) n += v;
    return n;
  }
}
const running: IncrChecker[] = [];
afterEach(async () => {
  for (const c of running.splice(0)) await c.finish();
});

async function connect(port: number): Promise<Redis> {
  // No reconnect, no offline queue: any dropped connection or error shows up as an error.
  const r = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, enableOfflineQueue: false, autoResubscribe: false, retryStrategy: () => null, lazyConnect: false });
  const errors: string[] = [];
  r.on('error', (e) => errors.push(String(e)));
  clients.push(r);
  await new Promise<void>((resolve, reject) => {
    r.once('ready', resolve);
    r.once('end', () => reject(new Error(`connection to ${port} ended: ${errors.join('; ')}`)));
  });
  return r;
}

describe.each([
  ['with switchover-ack', CAPS],
  ['without switchover-ack', ['--caps', 'return-path,verify']],
])('kv: migration under load %s', (_name, caps) => {
  it('ioredis clients (many connections, pipelined and not) see no error; every acknowledged INCR is on the destination exactly once', async () => {
    const { qmp, port } = await source([], undefined, caps);
    const { uri, dqmp } = await destination([], caps);
    const checkers: IncrChecker[] = [];
    for (let c = 0; c < 16; c++) {
      const r = await connect(port);
      checkers.push(new IncrChecker(r, `c${c}`, c % 2 === 0));
    }
    // Load running before, during and after the switchover.
    await servedMore(checkers, 500, 'load before the migration');
    const info = await migrate(qmp, uri);
    expect(info.verified).toBe(true);
    const kv = (info.devices as Array<Record<string, unknown>>).find((d) => d.id === 'kv0')!;
    if (caps === CAPS) {
      // The destination prepared from the initial data and approved, with its time.
      expect(info['switchover-acked']).toBe(true);
      expect(kv['switchover-ack']).toBe('approved');
      expect(typeof kv['allocation-ms']).toBe('number');
    }
    const moved = await kvStatus(qmp);
    const dst = await kvStatus(dqmp);
    expect(moved['moved-to']).toBe(dst.listen);
    // New connections to the source after the switchover are forwarded too.
    const late = await connect(port);
    checkers.push(new IncrChecker(late, 'late', false));
    await servedMore(checkers, 500, 'load after the switchover');
    await until(async () => checkers.at(-1)!.total > 0, 'the late client served');
    for (const c of checkers) await c.finish();
    expect(checkers.flatMap((c) => c.errors)).toEqual([]);
    const direct = await connect(Number(dst.listen.split(':').pop()));
    let total = 0;
    for (const c of checkers) {
      for (const [k, n] of c.acked) {
        expect(Number(await direct.get(k)), k).toBe(n);
        total += n;
      }
    }
    expect(total).toBeGreaterThan(1000);
    // Commands ran on both sides: the load crossed the switchover.
    expect((await kvStatus(dqmp)) as unknown as { commands: number }).toHaveProperty('commands');
    expect(((await kvStatus(dqmp)) as unknown as { commands: number }).commands).toBeGreaterThan(0);
    expect((await kvStatus(qmp)).forwarded).toBeGreaterThanOrEqual(17);
    // The prefill moved too.
    expect(Number(await direct.dbsize())).toBe(20000 + checkers.reduce((n, c) => n + c.acked.size, 0));
    qmp.close();
    dqmp.close();
  });
});

/** Waits until `pred` holds (the daemons report these counters through QMP, not events). */
async function until(pred: () => Promise<boolean>, what: string): Promise<void> {
  await pollUntil(pred, (ok) => ok, what);
}

/** Waits until the checkers together have `n` more acknowledged INCRs than now (load really ran). */
async function servedMore(checkers: readonly IncrChecker[], n: number, what: string): Promise<void> {
  const served = (): number => checkers.reduce((sum, c) => sum + c.total, 0);
  const target = served() + n;
  await until(async () => served() >= target, what);
}

describe('kv: redis-benchmark, expiry, failure', () => {
  it('redis-benchmark runs across a migration with zero errors', async () => {
    // 40,000 requests per command type, the migration started halfway through SET:
    // 100,000 requests are left when it starts, several times what the migration takes
    // (~0.5 s; checked below: the benchmark is still running when it completes), so the
    // load spans before, the switchover and after without paying for 300,000 requests.
    const BENCH_REQUESTS = 40_000;
    const { qmp, port } = await source();
    const { uri, dqmp } = await destination();
    const bench = spawn('redis-benchmark', ['-p', String(port), '-c', '20', '-P', '4', '-n', String(BENCH_REQUESTS), '-t', 'set,get,incr', '-q'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    bench.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
    bench.stderr.setEncoding('utf8').on('data', (t: string) => (out += t));
    const exited = new Promise<number | null>((r) => bench.on('close', (code) => r(code)));
    try {
      await until(async () => ((await kvStatus(qmp)) as unknown as { commands: number }).commands > BENCH_REQUESTS / 2, 'redis-benchmark load on the source');
      await migrate(qmp, uri);
      expect(bench.exitCode, 'redis-benchmark still running when the migration completed').toBeNull();
      expect(await exited, out).toBe(0);
    } finally {
      bench.kill('SIGKILL');
    }
    expect(out).not.toMatch(/error/i);
    // Three tests of BENCH_REQUESTS requests each, summed over both sides.
    expect(out).toMatch(/SET: [\d.]+ requests per second/);
    expect(out).toMatch(/INCR: [\d.]+ requests per second/);
    expect(((await kvStatus(dqmp)) as unknown as { commands: number }).commands).toBeGreaterThan(0);
    qmp.close();
    dqmp.close();
  });

  it('keys with TTLs expire at the same absolute time on the destination', async () => {
    const { qmp, port } = await source();
    const { uri, dqmp } = await destination();
    const r = await connect(port);
    const t0 = Date.now();
    await r.set('soon', 'x', 'PX', 4000);
    const t1 = Date.now();
    await r.set('later', 'x', 'EX', 1000);
    await r.set('forever', 'x');
    await r.set('gone', 'x', 'PX', 1);
    await migrate(qmp, uri);
    const dst = await connect(Number((await kvStatus(dqmp)).listen.split(':').pop()));
    const before = Date.now();
    const pttl = await dst.pttl('soon');
    const after = Date.now();
    // The destination's expiry (its PTTL ran between before and after) is the absolute time
    // set on the source (between t0 and t1, when the SET ran).
    expect(after + pttl).toBeGreaterThanOrEqual(t0 + 4000);
    expect(before + pttl).toBeLessThanOrEqual(t1 + 4000);
    expect(await dst.ttl('later')).toBeGreaterThan(990);
    expect(await dst.ttl('forever')).toBe(-1);
    expect(await dst.exists('gone')).toBe(0);
    // Present until its time, gone from then on, watched until it goes: an answer 'present'
    // was given after it was asked (`askedAt`), so before the expiry set on the source (t1 + 4000
    // at the latest); an answer 'gone' before it came back (`repliedAt`), so after the earliest
    // the key could expire (t0 + 4000).
    let lastSeen = Date.now();
    expect(lastSeen).toBeLessThan(t0 + 4000); // (the migration left time to watch)
    const goneAt = await pollUntil(
      async () => {
        const askedAt = Date.now();
        const present = (await dst.exists('soon')) === 1;
        if (present) lastSeen = askedAt;
        return present ? null : Date.now();
      },
      (at) => at !== null,
      "'soon' expired on the destination",
      { timeoutMs: 10_000 },
    );
    expect(lastSeen).toBeLessThan(t1 + 4000);
    expect(goneAt!).toBeGreaterThanOrEqual(t0 + 4000);
    qmp.close();
    dqmp.close();
  });

  it('kv: a destination killed mid-precopy: clients of the source never notice, and a second migration succeeds', async () => {
    // 40 MiB of values at 8 MiB/s: several seconds of precopy.
    const { qmp, port } = await source(['--param', 'max-bandwidth=8M'], 'keys=40000,value-size=1K');
    const first = await destination();
    const checkers: IncrChecker[] = [];
    for (let c = 0; c < 6; c++) checkers.push(new IncrChecker(await connect(port), `c${c}`, c % 2 === 0));
    await qmp.call('migrate', { uri: first.uri });
    await until(async () => ((await kvStatus(qmp)) as unknown as { transferred: number }).transferred > 4 * 1024 * 1024, 'precopy under way');
    first.dqmp.close();
    first.dst.kill('SIGKILL');
    const end = await qmp.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed'].includes(e.data?.status as string));
    expect(end.data?.status).toBe('failed');
    // The source kept serving: the checkers go on, with no error.
    await servedMore(checkers, 100, 'clients served after the failure');
    expect(checkers.flatMap((c) => c.errors)).toEqual([]);
    await qmp.call('migrate-set-parameters', { 'max-bandwidth': 0 });
    const second = await destination();
    const info = await migrate(qmp, second.uri);
    expect(info.verified).toBe(true);
    await servedMore(checkers, 100, 'clients served after the second migration');
    for (const c of checkers) await c.finish();
    expect(checkers.flatMap((c) => c.errors)).toEqual([]);
    const direct = await connect(Number((await kvStatus(second.dqmp)).listen.split(':').pop()));
    for (const c of checkers) for (const [k, n] of c.acked) expect(Number(await direct.get(k)), k).toBe(n);
    expect(await direct.dbsize()).toBe(40000 + checkers.reduce((n, c) => n + c.acked.size, 0));
    qmp.close();
    second.dqmp.close();
  });
});
