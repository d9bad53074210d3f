/**
 * The kv device's life around a migration, through the device contract's
 * lifetime hooks: start (a client address in use is a start-up error naming
 * the device, exit 2; the device's own log lines carry its id), quiesce (a
 * `--migrate-to` source keeps forwarding its clients after a completed
 * migration and exits once they closed, or after forward-timeout, or at once
 * on SIGTERM) and the peer's migration host (a destination on a wildcard
 * address is reached at the host the source used). Real daemons, real clients.
 */
import net from 'node:net';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { Redis } from 'ioredis';
import { BIN, DaemonProcess, controlAddress, killAll, killEach, startDestination, startSource } from './helpers/daemons';
import { pollUntil } from './helpers/poll';
import { QmpWsClient } from './helpers/qmp-client';

// The cases run concurrently (they wait on 8 MiB/s precopies and hold timers): each ends
// its own daemons, clients and servers when it finishes (`own`); killAll is the backstop.
afterAll(killAll);

/** What one case started, ended when it finishes. */
interface Owned {
  clients: Redis[];
  daemons: DaemonProcess[];
}

function own(t: TestContext): Owned {
  const o: Owned = { clients: [], daemons: [] };
  t.onTestFinished(async () => {
    for (const c of o.clients.splice(0)) c.disconnect();
    await killEach(...o.daemons);
  });
  return o;
}

const CAPS = ['--caps', 'return-path,switchover-ack,verify'];

/** An ioredis client that never reconnects and queues nothing offline: a dropped connection is an error. */
async function connect(o: Owned, port: number, host = '127.0.0.1'): Promise<{ redis: Redis; errors: string[]; ended: Promise<void> }> {
  const redis = new Redis({ port, host, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  const errors: string[] = [];
  redis.on('error', (e) => errors.push(String(e)));
  o.clients.push(redis);
  const ended = new Promise<void>((resolve) => redis.once('end', resolve));
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', resolve);
    void ended.then(() => reject(new Error(`connection to ${host}:${port} ended: ${errors.join('; ')}`)));
  });
  return { redis, errors, ended };
}

/** INCRs its own key in a loop; counts what was acknowledged. */
class Counter {
  acked = 0;
  errors: string[] = [];
  private stop = false;
  private readonly done: Promise<void>;
  constructor(
    readonly redis: Redis,
    readonly key: string,
  ) {
    this.done = this.loop();
  }
  private async loop(): Promise<void> {
    while (!this.stop) {
      try {
        await this.redis.incr(this.key);
        this.acked++;
      } catch (err) {
        this.errors.push(String(err));
        return;
      }
    }
  }
  async finish(): Promise<void> {
    this.stop = true;
    await this.done;
  }
}

async function until(pred: () => boolean | Promise<boolean>, what: string): Promise<void> {
  await pollUntil(pred, (ok) => ok, what);
}

/**
 * A destination, and a source started with --migrate-to (10 MB of values at
 * 8 MiB/s: a few seconds of precopy, time for the clients to connect first).
 */
async function migrateToPair(o: Owned, kvExtra = ''): Promise<{ src: DaemonProcess; dqmp: QmpWsClient; port: number }> {
  const { d: dst, uri } = await startDestination(['--device', 'kv,id=kv0,listen=127.0.0.1:0', '--control', '127.0.0.1:0', ...CAPS]);
  o.daemons.push(dst);
  const dqmp = await QmpWsClient.connect(await controlAddress(dst));
  const src = startSource(['--migrate-to', uri, '--device', `kv,id=kv0,listen=127.0.0.1:0,keys=10000,value-size=1K${kvExtra}`, '--workload', 'dirty-rate=0', '--param', 'max-bandwidth=8M', ...CAPS]);
  o.daemons.push(src);
  // The device's own log line (its logger is a child of the daemon's: it carries the device id).
  const serving = await src.waitLog((l) => l.msg === 'kv: serving clients', "kv's 'serving clients'");
  expect(serving.device).toBe('kv0');
  return { src, dqmp, port: Number(String(serving.address).split(':').pop()) };
}

const holding = (src: DaemonProcess) => src.waitLog((l) => l.msg === 'kv: holding the exit until the forwarded clients close', 'the hold');

describe.concurrent('kv: a --migrate-to source after a completed migration', () => {
  it('keeps forwarding its clients (they keep working) and exits 0 once the last one closed', async (t) => {
    const { expect } = t;
    const o = own(t);
    const { src, dqmp, port } = await migrateToPair(o);
    const counters: Counter[] = [];
    for (let c = 0; c < 4; c++) counters.push(new Counter((await connect(o, port)).redis, `ctr:${c}`));
    const hold = await holding(src);
    expect(hold.clients).toBe(4);
    expect(src.proc.exitCode).toBeNull();
    // After the completion, through the source's forwarding: more INCRs acknowledged.
    const at = counters.map((c) => c.acked);
    await until(() => counters.every((c, i) => c.acked > at[i]! + 50), 'INCRs acknowledged after the completion');
    // A new client of the source's address is forwarded too, and holds the exit as well.
    const late = new Counter((await connect(o, port)).redis, 'ctr:late');
    await until(() => late.acked > 10, 'the late client served');
    expect(src.proc.exitCode).toBeNull();
    for (const c of [...counters, late]) await c.finish();
    expect([...counters, late].flatMap((c) => c.errors)).toEqual([]);
    for (const c of o.clients.splice(0)) c.disconnect();
    const exit = await src.exited;
    expect(exit.code).toBe(0);
    expect(src.summary().status).toBe('completed');
    expect(src.logs.some((l) => l.msg === 'kv: no forwarded client left')).toBe(true);
    // Every acknowledged INCR is on the destination, exactly once.
    const dport = Number(((await dqmp.call('query-devices')) as Array<{ id: string; listen: string }>).find((d) => d.id === 'kv0')!.listen.split(':').pop());
    const direct = (await connect(o, dport)).redis;
    for (const c of [...counters, late]) expect(Number(await direct.get(c.key)), c.key).toBe(c.acked);
    dqmp.close();
  });

  it('exits after forward-timeout with a client still open (closing it)', async (t) => {
    const { expect } = t;
    const o = own(t);
    const bounded = await migrateToPair(o, ',forward-timeout=1');
    const stays = await connect(o, bounded.port);
    const n = Number(await stays.redis.incr('k'));
    expect(n).toBe(1);
    const hold = await holding(bounded.src);
    expect(await stays.redis.incr('k')).toBe(2); // forwarded
    const exit = await bounded.src.exited;
    expect(exit.code).toBe(0);
    // About the bound after the hold began (its log time), not a fixed sleep.
    const exitLine = bounded.src.logs.find((l) => l.msg === 'kv: exiting with forwarded clients still open (they are closed)');
    expect(exitLine?.reason).toBe('timeout');
    expect(exitLine!.time - hold.time).toBeGreaterThanOrEqual(950);
    expect(exitLine!.time - hold.time).toBeLessThan(5000);
    await stays.ended; // the source closed it when it exited
    bounded.dqmp.close();
  });

  it('exits at once on SIGTERM while holding for a client (the default 60 s bound)', async (ctx) => {
    const { expect } = ctx;
    const o = own(ctx);
    // The default bound (60 s) with a client open: SIGTERM ends the hold promptly.
    const long = await migrateToPair(o);
    await connect(o, long.port);
    await holding(long.src);
    const t = performance.now();
    long.src.kill('SIGTERM');
    expect((await long.src.exited).code).toBe(0);
    // Far below the 60 s the hold would last (slack for a loaded host).
    expect(performance.now() - t).toBeLessThan(10_000);
    expect(long.src.logs.find((l) => l.msg === 'kv: exiting with forwarded clients still open (they are closed)')?.reason).toBe('aborted');
    expect(long.src.summary().status).toBe('completed');
    long.dqmp.close();
  });
});

describe.concurrent('kv: start-up and addresses', () => {
  it('a client address in use: either daemon exits 2 naming the device and the address', async (t) => {
    const { expect } = t;
    const o = own(t);
    const taken = net.createServer();
    t.onTestFinished(() => new Promise<void>((r) => taken.close(() => r())));
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as net.AddressInfo).port;
    const src = startSource(['--device', `kv,id=kv7,listen=127.0.0.1:${port}`, '--control', '127.0.0.1:0']);
    const dst = new DaemonProcess(BIN.destination, ['--listen', '127.0.0.1:0', '--json', '--device', `kv,id=kv7,listen=127.0.0.1:${port}`]);
    o.daemons.push(src, dst);
    for (const d of [src, dst]) {
      expect((await d.exited).code).toBe(2);
      expect(d.stderrText).toContain(`error: device 'kv7' (kv) could not start: cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
      // Before the machine ran / before the migration port was bound.
      expect(d.logs.some((l) => l.msg === 'machine running' || l.msg === 'listening for incoming migration')).toBe(false);
    }
  });

  it('a destination on a wildcard address: the source forwards its clients to the host it reached the destination at', async (t) => {
    const { expect } = t;
    const o = own(t);
    // 127.0.0.2 is loopback too (127/8), but not the 127.0.0.1 a wildcard used to be rewritten to.
    const dst = new DaemonProcess(BIN.destination, ['--listen', '0.0.0.0:0', '--json', '--device', 'kv,id=kv0,listen=0.0.0.0:0', '--control', '127.0.0.1:0', ...CAPS]);
    o.daemons.push(dst);
    const listening = await dst.waitMsg('listening for incoming migration');
    const dqmp = await QmpWsClient.connect(await controlAddress(dst));
    const dlisten = ((await dqmp.call('query-devices')) as Array<{ id: string; listen: string }>).find((d) => d.id === 'kv0')!.listen;
    expect(dlisten).toMatch(/^0\.0\.0\.0:[1-9]\d*$/);
    const src = startSource(['--device', 'kv,id=kv0,listen=127.0.0.1:0,keys=100', '--workload', 'dirty-rate=0', '--control', '127.0.0.1:0', ...CAPS]);
    o.daemons.push(src);
    const serving = await src.waitLog((l) => l.msg === 'kv: serving clients', "kv's 'serving clients'");
    const qmp = await QmpWsClient.connect(await controlAddress(src));
    const client = await connect(o, Number(String(serving.address).split(':').pop()));
    expect(await client.redis.incr('n')).toBe(1);
    await qmp.call('migrate', { uri: `tcp:127.0.0.2:${listening.port as number}` });
    const end = await qmp.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed'].includes(e.data?.status as string));
    expect(end.data?.status).toBe('completed');
    const moved = ((await qmp.call('query-devices')) as Array<{ id: string; 'moved-to': string }>).find((d) => d.id === 'kv0')!['moved-to'];
    expect(moved).toBe(`127.0.0.2:${dlisten.split(':').pop()}`);
    expect(await client.redis.incr('n')).toBe(2); // executed on the destination, through the forward
    expect(client.errors).toEqual([]);
    qmp.close();
    dqmp.close();
  });
});
