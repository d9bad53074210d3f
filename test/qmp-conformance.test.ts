/**
 * QMP conformance (SPEC §4), the same table over the plain QMP socket (TCP and
 * a Unix path, as any QMP client or `socat - UNIX-CONNECT:path` sees it) and
 * over the WebSocket control API, with raw clients that do nothing for you:
 * greeting, negotiation before anything else, ids echoed, error classes and
 * descs naming the bad argument, events (with timestamps) during a migration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SMALL_MACHINE, controlAddress, killAll, killEach, qmpSocketAddress, startDestination, startSource, type DaemonProcess } from './helpers/daemons';
import { RawSocketQmp, RawWsQmp, type Msg, type RawQmp } from './helpers/raw-qmp';

// The cases run concurrently (the migrations run at a 16 MiB/s cap or wait for an ack): each
// kills its own daemons when it finishes; killAll is the backstop.
afterAll(killAll);
const dir = mkdtempSync(join(tmpdir(), 'livemig-qmp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ACK = ['--caps', 'return-path,switchover-ack,verify'];

interface Transport {
  name: string;
  /** Extra daemon flags for this transport. */
  flags: (tag: string) => string[];
  open: (d: DaemonProcess) => Promise<RawQmp>;
}

const TRANSPORTS: Transport[] = [
  { name: 'QMP socket (unix)', flags: (tag) => ['--qmp', `unix:${join(dir, `${tag}.sock`)}`], open: async (d) => RawSocketQmp.connect(await qmpSocketAddress(d)) },
  { name: 'QMP socket (tcp)', flags: () => ['--qmp', '127.0.0.1:0'], open: async (d) => RawSocketQmp.connect(await qmpSocketAddress(d)) },
  { name: 'WebSocket', flags: () => ['--control', '127.0.0.1:0'], open: async (d) => RawWsQmp.connect(await controlAddress(d)) },
];

function expectTimestamp(e: Msg): void {
  expect(Number.isInteger(e.timestamp?.seconds)).toBe(true);
  expect(Number.isInteger(e.timestamp?.microseconds)).toBe(true);
  expect(e.timestamp.microseconds).toBeGreaterThanOrEqual(0);
  expect(e.timestamp.microseconds).toBeLessThan(1_000_000);
  expect(Math.abs(e.timestamp.seconds - Date.now() / 1000)).toBeLessThan(600);
}

/** [request, expected error class, expected desc] on a negotiated source. */
const SOURCE_ERRORS: Array<[object | string, string, string | RegExp]> = [
  [{ execute: 'no-such-command', id: 1 }, 'CommandNotFound', 'The command no-such-command has not been found'],
  [{ execute: 'migrate', id: 2 }, 'GenericError', "Parameter 'uri' is missing"],
  [{ execute: 'migrate', arguments: { uri: 42 }, id: 3 }, 'GenericError', "Invalid parameter type for 'uri', expected: string"],
  [{ execute: 'migrate', arguments: { uri: 'tcp:127.0.0.1:1', speed: 1 }, id: 4 }, 'GenericError', "Parameter 'speed' is unexpected"],
  [{ execute: 'migrate', arguments: { uri: 'rdma:host:1' }, id: 5 }, 'GenericError', /rdma:host:1.*tcp:HOST:PORT/],
  [{ execute: 'migrate', arguments: { uri: 'tcp:127.0.0.1:1', detach: 'yes' }, id: 6 }, 'GenericError', "Invalid parameter type for 'detach', expected: boolean"],
  [{ execute: 'migrate', arguments: { uri: 'tcp:127.0.0.1:1', resume: true }, id: 7 }, 'GenericError', 'Cannot resume if there is no paused migration'],
  [{ execute: 'migrate-incoming', arguments: { uri: 'tcp:127.0.0.1:1' }, id: 8 }, 'GenericError', /livemig-source.*migrate-incoming/],
  [{ execute: 'migrate-incoming', arguments: {}, id: 9 }, 'GenericError', "Parameter 'uri' is missing"],
  [{ execute: 'query-migrate', arguments: { verbose: true }, id: 10 }, 'GenericError', "Parameter 'verbose' is unexpected"],
  [{ execute: 'query-status', arguments: { x: 1 }, id: 11 }, 'GenericError', "Parameter 'x' is unexpected"],
  [{ execute: 'stop', arguments: { now: true }, id: 12 }, 'GenericError', "Parameter 'now' is unexpected"],
  [{ execute: 'migrate_cancel', arguments: { force: true }, id: 13 }, 'GenericError', "Parameter 'force' is unexpected"],
  [{ execute: 'migrate-set-capabilities', id: 14 }, 'GenericError', "Parameter 'capabilities' is missing"],
  [{ execute: 'migrate-set-capabilities', arguments: { capabilities: 'verify' }, id: 15 }, 'GenericError', "Invalid parameter type for 'capabilities', expected: array"],
  [{ execute: 'migrate-set-capabilities', arguments: { capabilities: [{ capability: 'verify' }] }, id: 16 }, 'GenericError', "Parameter 'capabilities[0].state' is missing"],
  [{ execute: 'migrate-set-capabilities', arguments: { capabilities: [{ capability: 'warp', state: true }] }, id: 17 }, 'GenericError', /'warp'/],
  [{ execute: 'migrate-set-capabilities', arguments: { capabilities: [{ capability: 'switchover-ack', state: true }] }, id: 18 }, 'GenericError', "Capability 'switchover-ack' requires capability 'return-path'"],
  [{ execute: 'migrate-set-parameters', arguments: { 'downtime-limit': 'soon' }, id: 19 }, 'GenericError', /downtime-limit/],
  [{ execute: 'migrate-set-parameters', arguments: { 'downtime-limit': -1 }, id: 20 }, 'GenericError', /downtime-limit/],
  [{ execute: 'migrate-set-parameters', arguments: { 'max-speed': 1 }, id: 21 }, 'GenericError', "Parameter 'max-speed' is unexpected"],
  [{ execute: 'migrate-set-parameters', arguments: { 'max-bandwidth': true }, id: 22 }, 'GenericError', "Invalid parameter type for 'max-bandwidth', expected: size"],
  [{ execute: 'query-status', arguments: [], id: 23 }, 'GenericError', "QMP input member 'arguments' must be an object"],
  [{ execute: 7, id: 24 }, 'GenericError', "QMP input member 'execute' must be a string"],
  [{ exec: 'query-status', id: 25 }, 'GenericError', "QMP input member 'exec' is unexpected"],
  [{ id: 26 }, 'GenericError', "QMP input lacks member 'execute'"],
  [{ execute: 'qmp_capabilities', id: 27 }, 'CommandNotFound', 'Capabilities negotiation is already complete, command ignored'],
];

describe.concurrent.each(TRANSPORTS)('QMP over $name', (t) => {
  it('greets, requires negotiation, echoes ids, answers errors with QEMU classes and descs', async ({ expect, onTestFinished }) => {
    const src = startSource([...SMALL_MACHINE, ...t.flags('greet')]);
    onTestFinished(() => killEach(src));
    const c = await t.open(src);
    const greeting = await c.reply();
    expect(greeting).toEqual({ QMP: { version: { qemu: { major: expect.any(Number), minor: expect.any(Number), micro: expect.any(Number) }, package: expect.stringMatching(/^livemig-source /) }, capabilities: [] } });

    // Nothing but qmp_capabilities before negotiation (QEMU's capabilities mode).
    expect(await c.request({ execute: 'query-status', id: 'early' })).toEqual({ error: { class: 'CommandNotFound', desc: "Expecting capabilities negotiation with 'qmp_capabilities'" }, id: 'early' });
    expect(await c.request({ execute: 'qmp_capabilities', arguments: { enable: ['oob'] }, id: 'oob' })).toEqual({ error: { class: 'GenericError', desc: "Capability 'oob' not available" }, id: 'oob' });
    expect(await c.request({ execute: 'qmp_capabilities', id: { any: ['json', 1] } })).toEqual({ return: {}, id: { any: ['json', 1] } });

    // ids of any JSON type are echoed; no id, no id.
    expect(await c.request({ execute: 'query-status', id: 17 })).toEqual({ return: { status: 'running', running: true, singlestep: false }, id: 17 });
    expect(await c.request({ execute: 'query-status', id: 'x' })).toMatchObject({ id: 'x' });
    const noId = await c.request({ execute: 'query-status' });
    expect('id' in noId).toBe(false);
    expect(noId.return.status).toBe('running');

    for (const [req, cls, desc] of SOURCE_ERRORS) {
      const r = await c.request(req);
      expect(r.error?.class, JSON.stringify(req)).toBe(cls);
      if (typeof desc === 'string') expect(r.error.desc, JSON.stringify(req)).toBe(desc);
      else expect(r.error.desc, JSON.stringify(req)).toMatch(desc);
      if (typeof req === 'object' && 'id' in req) expect(r.id).toEqual((req as { id: unknown }).id);
    }
    // Not JSON, or not an object.
    expect(await c.request(t.name === 'WebSocket' ? '{"execute": ' : '{"execute": }\n')).toMatchObject({ error: { class: 'GenericError', desc: expect.stringMatching(/^JSON parse error/) } });
    expect(await c.request(t.name === 'WebSocket' ? '[1,2]' : '[1,2]\n')).toEqual({ error: { class: 'GenericError', desc: 'QMP input must be a JSON object' } });

    // Every SPEC §4 command of the source is there.
    const names = ((await c.request({ execute: 'query-commands', id: 'q' })).return as Array<{ name: string }>).map((x) => x.name);
    for (const cmd of ['qmp_capabilities', 'migrate', 'migrate_cancel', 'migrate-set-capabilities', 'query-migrate-capabilities', 'migrate-set-parameters', 'query-migrate-parameters', 'query-migrate', 'query-status', 'query-devices', 'stop', 'cont', 'quit']) {
      expect(names).toContain(cmd);
    }
    // Valid settings round-trip.
    expect(await c.request({ execute: 'migrate-set-parameters', arguments: { 'downtime-limit': 250, 'max-bandwidth': '1G' }, id: 'p' })).toEqual({ return: {}, id: 'p' });
    const params = (await c.request({ execute: 'query-migrate-parameters', id: 'qp' })).return;
    expect(params['downtime-limit']).toBe(250);
    expect(params['max-bandwidth']).toBe(1024 ** 3);
    expect((await c.request({ execute: 'query-migrate', id: 'm' })).return).toEqual({ status: 'none' });
    c.close();
  });

  it('streams events with timestamps during a migration, interleaved with replies; query-migrate is live, then final', async ({ expect, onTestFinished }) => {
    // The live checks are deterministic: at 16 MiB/s the 64 MiB take 4 s, so the migration is
    // still active when queried; the accel allocation (2 × 500 ms) has not been approved yet.
    // Then max-bandwidth goes back up (a live parameter) and the migration finishes.
    const machine = SMALL_MACHINE.map((x) => (x.startsWith('accel,') ? x.replace('alloc-ms=50', 'alloc-ms=500') : x));
    expect(machine.join(' ')).toContain('alloc-ms=500');
    const { d: dst, uri } = await startDestination([...machine, ...ACK, ...t.flags('dst'), '--exit-on-complete']);
    onTestFinished(() => killEach(dst));
    const src = startSource([...machine, ...ACK, ...t.flags('src'), '--param', 'max-bandwidth=16M']);
    onTestFinished(() => killEach(src));
    const [s, d] = await Promise.all([t.open(src), t.open(dst)]);
    for (const c of [s, d]) {
      await c.reply();
      expect(await c.request({ execute: 'qmp_capabilities', id: 0 })).toEqual({ return: {}, id: 0 });
    }
    expect((await d.request({ execute: 'query-status', id: 1 })).return.status).toBe('inmigrate');
    // migrate on the destination is the source's command.
    expect((await d.request({ execute: 'migrate', arguments: { uri }, id: 2 })).error.class).toBe('GenericError');

    expect(await s.request({ execute: 'migrate', arguments: { uri }, id: 'go' })).toEqual({ return: {}, id: 'go' });
    // A second migrate while one runs is refused, as in QEMU.
    const again = await s.request({ execute: 'migrate', arguments: { uri }, id: 'again' });
    expect(again).toEqual({ error: { class: 'GenericError', desc: "There's a migration process in progress" }, id: 'again' });
    await s.waitEvent((e) => e.event === 'MIGRATION' && e.data.status === 'active');
    const live = (await s.request({ execute: 'query-migrate', id: 'live' })) as Msg;
    expect(live.id).toBe('live');
    expect(live.return.status).toBe('active');
    expect(live.return).toMatchObject({ 'setup-time': expect.any(Number), 'total-time': expect.any(Number), 'expected-downtime': expect.any(Number), 'switchover-acked': false });
    expect(live.return.ram).toMatchObject({ transferred: expect.any(Number), remaining: expect.any(Number), total: 64 * 1024 * 1024, mbps: expect.any(Number), 'dirty-pages-rate': expect.any(Number), 'dirty-sync-count': expect.any(Number) });
    expect(live.return.ram.remaining).toBeGreaterThan(0);
    expect(live.return.devices.map((x: Msg) => x.id)).toEqual(['ram0', 'accel0', 'cpu0']);
    expect(live.return.devices.find((x: Msg) => x.id === 'accel0')['switchover-ack']).toBe('pending');
    expect(await s.request({ execute: 'migrate-set-parameters', arguments: { 'max-bandwidth': 1024 ** 3 }, id: 'fast' })).toEqual({ return: {}, id: 'fast' });

    const done = await s.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed'].includes(e.data.status));
    expect(done.data.status).toBe('completed');
    const names = s.events().map((e) => (e.event === 'MIGRATION' ? `MIGRATION:${e.data.status}` : e.event));
    for (const want of ['MIGRATION:setup', 'MIGRATION:active', 'MIGRATION_PASS', 'MIGRATION_SWITCHOVER_ACK', 'STOP', 'MIGRATION:device', 'MIGRATION:completed']) expect(names).toContain(want);
    const order = ['MIGRATION:setup', 'MIGRATION:active', 'MIGRATION_SWITCHOVER_ACK', 'STOP', 'MIGRATION:device', 'MIGRATION:completed'].map((n) => names.indexOf(n));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    for (const e of s.events()) expectTimestamp(e);
    const passes = s.events().filter((e) => e.event === 'MIGRATION_PASS').map((e) => e.data.pass as number);
    expect(passes[0]).toBe(1);
    expect(passes).toEqual([...passes].sort((a, b) => a - b));

    const final = (await s.request({ execute: 'query-migrate', id: 'final' })).return;
    expect(final).toMatchObject({ status: 'completed', 'switchover-acked': true, verified: true, downtime: expect.any(Number), 'total-time': expect.any(Number) });
    expect(final.devices.find((x: Msg) => x.id === 'accel0')['switchover-ack']).toBe('approved');
    expect(final['dirty-sync-count']).toBe(passes[passes.length - 1]);
    expect(final['downtime-breakdown']).toMatchObject({ 'final-transfer': expect.any(Number), 'destination-load': expect.any(Number), verify: expect.any(Number) });
    expect((await s.request({ execute: 'query-status', id: 'st' })).return.status).toBe('postmigrate');

    // The destination's side of the story.
    const dstDone = await d.waitEvent((e) => e.event === 'MIGRATION' && e.data.status === 'completed');
    expectTimestamp(dstDone);
    const dstNames = d.events().map((e) => e.event);
    for (const want of ['DEVICE_PREALLOCATED', 'MIGRATION_SWITCHOVER_ACK', 'RESUME', 'DEVICE_PREALLOCATION_PROGRESS']) expect(dstNames).toContain(want);
    expect(d.events().find((e) => e.event === 'DEVICE_PREALLOCATED')!.data).toEqual({ device: 'accel0', ms: expect.any(Number) });
    s.close();
    d.close();
    expect((await dst.exited).code).toBe(0);
  });
});

describe.concurrent('QMP socket framing', () => {
  it('takes requests split across writes, several in one write, and spanning lines', async ({ expect, onTestFinished }) => {
    const src = startSource([...SMALL_MACHINE, '--qmp', '127.0.0.1:0']);
    onTestFinished(() => killEach(src));
    const c = await RawSocketQmp.connect(await qmpSocketAddress(src));
    await c.reply();
    const negotiate = '{"execute":"qmp_capabilities","id":1}\n';
    for (const ch of negotiate) c.send(ch);
    expect(await c.reply()).toEqual({ return: {}, id: 1 });
    c.send('{"execute":"query-status","id":2}{"execute":"query-migrate","id":3}\n{"execute":\n  "query-devices",\n  "id": 4}\n');
    expect((await c.reply()).id).toBe(2);
    expect(await c.reply()).toEqual({ return: { status: 'none' }, id: 3 });
    const devices = await c.reply();
    expect(devices.id).toBe(4);
    expect(devices.return.map((x: Msg) => x.id)).toEqual(['ram0', 'accel0', 'cpu0']);
    // A brace inside a string does not confuse the framing.
    expect(await c.request('{"execute":"query-status","id":"}{"}\n')).toMatchObject({ id: '}{' });
    c.close();
  });
});

describe.concurrent('migrate_cancel over QMP', () => {
  it('cancels while the source waits for the ack; the machine keeps running and query-migrate says why', async ({ expect, onTestFinished }) => {
    // Allocation far longer than the test: the ack will not come by itself.
    const machine = ['--device', 'ram,id=ram0,size=16M', '--device', 'accel,id=accel0,resources=2,resource-size=1M,alloc-ms=60000,initial-size=64K,state-size=64K'];
    const { d: dst, uri } = await startDestination([...machine, ...ACK]);
    onTestFinished(() => killEach(dst));
    const src = startSource([...machine, ...ACK, '--qmp', '127.0.0.1:0']);
    onTestFinished(() => killEach(src));
    const c = await RawSocketQmp.connect(await qmpSocketAddress(src));
    await c.reply();
    await c.request({ execute: 'qmp_capabilities' });
    expect(await c.request({ execute: 'migrate', arguments: { uri }, id: 1 })).toEqual({ return: {}, id: 1 });
    await c.waitEvent((e) => e.event === 'MIGRATION_PASS' && e.data.pass >= 2);
    const waiting = (await c.request({ execute: 'query-migrate', id: 2 })).return;
    expect(waiting.status).toBe('active');
    expect(waiting['switchover-acked']).toBe(false);
    expect(waiting.devices.find((d: Msg) => d.id === 'accel0')['switchover-ack']).toBe('pending');
    expect(await c.request({ execute: 'migrate_cancel', id: 3 })).toEqual({ return: {}, id: 3 });
    await c.waitEvent((e) => e.event === 'MIGRATION' && e.data.status === 'cancelled');
    expect(c.events().some((e) => e.event === 'STOP')).toBe(false);
    const info = (await c.request({ execute: 'query-migrate', id: 4 })).return;
    expect(info).toMatchObject({ status: 'cancelled', 'error-desc': expect.stringContaining('cancel') });
    expect((await c.request({ execute: 'query-status', id: 5 })).return.status).toBe('running');
    c.close();
  });
});
