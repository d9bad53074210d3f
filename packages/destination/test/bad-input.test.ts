/**
 * Bad input on the destination, one case per rule (SPEC §6): each hostile or
 * broken stream ends with a clear error naming the cause and a stable code,
 * before or after the connection became a migration as the rule says. Then the
 * daemon-level rules: one migration at a time, bounded handshakes.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { setImmediate as tick } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_HEADER_BYTES,
  MAX_PAYLOAD_BYTES,
  MAX_PENDING_HANDSHAKES,
  STREAM_MAGIC,
  STREAM_VERSION,
  createReturnPathDecoder,
  encodeFrame,
  encodeFrameHeader,
  livemig,
  type FrameMessage,
} from '@livemig/common/wire';
import { applyCapabilities, defaultCapabilities } from '@livemig/common/control';
import { encodeRamHeader, encodeAccelHeader, Machine, parseDeviceList, parseWorkloadSpec } from '@livemig/common/devices';
import { createLogger } from '@livemig/common/daemon';
import { IncomingUnderTest as IncomingMigration } from './incoming-under-test';
import { DestinationDaemon } from '../src/destination-daemon';
import { FakeSocket } from '../../../test/helpers/fake-socket';
import { buildStream } from '../../../test/helpers/stream-builder';

const SPECS = ['ram,id=ram0,size=64K,seed=1', 'accel,id=accel0,resources=1,resource-size=64K,alloc-ms=0,initial-size=4K,state-size=4K,seed=2', 'cpu,id=cpu0,vcpus=1,seed=3'];
const log = createLogger({ name: 'bad-input', level: 'silent' });
const T = livemig.SectionType;
const caps = (...names: string[]) => applyCapabilities(defaultCapabilities(), names.map((capability) => ({ capability, state: true })));
const ACK = caps('return-path', 'switchover-ack', 'verify');

const f = (frame: FrameMessage, payload: Buffer[] = []): Buffer => Buffer.concat(encodeFrame(frame, payload));
const valid = buildStream(SPECS, { returnPath: true, switchoverAck: true, verify: true });
/** header, configuration, OPEN_RETURN_PATH, PING: a stream that became a migration. */
const PREFIX = valid.frames.slice(0, 4);
const header = valid.frames[0]!;
const start = (id: string, sectionId: number, type: string, data: livemig.Section.$Properties = {}): Buffer =>
  f({ section: { type: T.SECTION_START, sectionId, deviceId: id, deviceType: type, version: 1, ...data } });
const ramStart = start('ram0', 1, 'ram', { header: encodeRamHeader({ pageSize: 4096, totalBytes: 64 * 1024 }) });
const switchover = f({ command: { type: livemig.CommandType.CMD_SWITCHOVER_START } });

async function load(chunks: Buffer[], capabilities = ACK): Promise<IncomingMigration> {
  const machine = new Machine(parseDeviceList(SPECS), parseWorkloadSpec('dirty-rate=0'), 'destination');
  const sock = new FakeSocket();
  const m = new IncomingMigration({ socket: sock.asSocket(), machine, caps: capabilities, log });
  const done = once(m, 'done');
  m.start();
  for (const c of chunks) sock.feed(c);
  await tick();
  sock.hangUp();
  await done;
  machine.close();
  return m;
}

describe('the destination rejects bad streams with a clear error', () => {
  const cases: Array<{ name: string; chunks: Buffer[]; error: RegExp; code: string; migration: boolean; caps?: ReturnType<typeof caps> }> = [
    { name: 'wrong magic', chunks: [f({ header: { magic: 0x51455649, version: STREAM_VERSION } })], error: /not a livemig stream: bad magic 0x51455649/, code: 'MIG_ERR_PROTOCOL', migration: false },
    { name: 'wrong version', chunks: [f({ header: { magic: STREAM_MAGIC, version: 99 } })], error: new RegExp(`unsupported stream version 99 \\(this destination speaks ${STREAM_VERSION}\\)`), code: 'MIG_ERR_PROTOCOL', migration: false },
    { name: 'not a header first', chunks: [switchover], error: /expected a stream header, got 'command'/, code: 'MIG_ERR_PROTOCOL', migration: false },
    {
      name: 'header length over the maximum',
      chunks: [Buffer.from([0x00, 0x01, 0x00, 0x01])],
      error: new RegExp(`frame header of ${MAX_HEADER_BYTES + 1} bytes exceeds the maximum of ${MAX_HEADER_BYTES}`),
      code: 'MIG_ERR_FRAME_TOO_LARGE',
      migration: false,
    },
    {
      name: 'payload over the maximum (rejected before it is buffered)',
      chunks: [...PREFIX, ramStart, encodeFrameHeader({ section: { type: T.SECTION_PART, sectionId: 1, header: encodeRamHeader({ normalRuns: [0, 16] }) } }, MAX_PAYLOAD_BYTES + 1)],
      error: new RegExp(`frame payload of ${MAX_PAYLOAD_BYTES + 1} bytes exceeds the maximum of ${MAX_PAYLOAD_BYTES}`),
      code: 'MIG_ERR_FRAME_TOO_LARGE',
      migration: true,
    },
    { name: 'truncated frame', chunks: [header.subarray(0, header.length - 3)], error: /connection closed by the source during header, in the middle of a frame \(\d+ bytes of it received\)/, code: 'MIG_ERR_CONNECTION', migration: false },
    { name: 'malformed header bytes', chunks: [Buffer.from([0, 0, 0, 3, 0xff, 0xff, 0xff])], error: /malformed frame header/, code: 'MIG_ERR_PROTOCOL', migration: false },
    { name: 'unknown device', chunks: [...PREFIX, start('nope', 1, 'ram')], error: /section for unknown device 'nope'/, code: 'MIG_ERR_PROTOCOL', migration: true },
    { name: 'device type mismatch', chunks: [...PREFIX, start('ram0', 1, 'accel')], error: /section for 'ram0' says accel, the device is ram/, code: 'MIG_ERR_PROTOCOL', migration: true },
    { name: 'unknown section id', chunks: [...PREFIX, f({ section: { type: T.SECTION_PART, sectionId: 42, header: encodeRamHeader({}) } })], error: /section id 42 was never started/, code: 'MIG_ERR_PROTOCOL', migration: true },
    { name: 'END before switchover', chunks: [...PREFIX, ramStart, f({ section: { type: T.SECTION_END, sectionId: 1, header: encodeRamHeader({}) } })], error: /END section for 'ram0' before switchover/, code: 'MIG_ERR_PROTOCOL', migration: true },
    {
      name: 'a second END for a device',
      chunks: [...PREFIX, ramStart, switchover, f({ section: { type: T.SECTION_END, sectionId: 1, header: encodeRamHeader({}) } }), f({ section: { type: T.SECTION_END, sectionId: 1, header: encodeRamHeader({}) } })],
      error: /section for 'ram0' after its END/,
      code: 'MIG_ERR_PROTOCOL',
      migration: true,
    },
    { name: 'a second START', chunks: [...PREFIX, ramStart, ramStart], error: /second START section for 'ram0'/, code: 'MIG_ERR_PROTOCOL', migration: true },
    { name: 'page run outside the device', chunks: [...PREFIX, ramStart, f({ section: { type: T.SECTION_PART, sectionId: 1, header: encodeRamHeader({ zeroRuns: [10, 100] }) } })], error: /ram0: page run 10\+100 is outside the 16 pages/, code: 'MIG_ERR_PROTOCOL', migration: true },
    { name: 'EOF before switchover', chunks: [...PREFIX, f({ eof: {} })], error: /EOF before SWITCHOVER_START/, code: 'MIG_ERR_PROTOCOL', migration: true },
    { name: 'RESUME (commit) before LOADED', chunks: [...PREFIX, valid.resume], error: /RESUME in state precopy \(only after LOADED\)/, code: 'MIG_ERR_PROTOCOL', migration: true },
    {
      name: 'INIT_DATA_SENT without switchover-ack',
      caps: caps('return-path', 'verify'),
      chunks: [
        buildStream(SPECS, { returnPath: true, switchoverAck: false, verify: true }).frames.slice(0, 4),
        start('accel0', 2, 'accel', { header: encodeAccelHeader({ kind: livemig.devices.AccelChunkKind.ACCEL_SETUP }) }),
        f({ section: { type: T.SECTION_PART, sectionId: 2, header: encodeAccelHeader({ kind: livemig.devices.AccelChunkKind.ACCEL_NO_DATA, initDataSent: true }) } }),
      ].flat(),
      error: /accel0: Received INIT_DATA_SENT but switchover ack is not used/,
      code: 'MIG_ERR_PROTOCOL',
      migration: true,
    },
    {
      name: 'INIT_DATA_SENT before the initial data is complete',
      chunks: [...PREFIX, start('accel0', 2, 'accel', { header: encodeAccelHeader({ kind: livemig.devices.AccelChunkKind.ACCEL_SETUP }) }), f({ section: { type: T.SECTION_PART, sectionId: 2, header: encodeAccelHeader({ kind: livemig.devices.AccelChunkKind.ACCEL_NO_DATA, initDataSent: true }) } })],
      error: /accel0: INIT_DATA_SENT after 0 of 4096 bytes of initial data/,
      code: 'MIG_ERR_PROTOCOL',
      migration: true,
    },
    { name: 'OPEN_RETURN_PATH twice', chunks: [...PREFIX.slice(0, 3), PREFIX[2]!], error: /OPEN_RETURN_PATH received twice/, code: 'MIG_ERR_PROTOCOL', migration: true },
    {
      name: 'accel resource data at a negative offset',
      chunks: [...PREFIX, start('accel0', 2, 'accel', { header: encodeAccelHeader({ kind: livemig.devices.AccelChunkKind.ACCEL_SETUP }) }), f({ section: { type: T.SECTION_PART, sectionId: 2, header: encodeAccelHeader({ kind: livemig.devices.AccelChunkKind.ACCEL_RESOURCE_DATA, resource: 0, offset: -65536 }) } }, [Buffer.alloc(16)])],
      error: /accel0: resource data 0@-65536\+16 is outside/,
      code: 'MIG_ERR_PROTOCOL',
      migration: true,
    },
    { name: 'digests sent twice', chunks: [...PREFIX, switchover, f({ verify: {} }), f({ verify: {} })], error: /digests sent twice/, code: 'MIG_ERR_PROTOCOL', migration: true },
    { name: 'an empty frame header', chunks: [...PREFIX, f({})], error: /migration stream: empty frame header/, code: 'MIG_ERR_PROTOCOL', migration: true },
    // Only an unknown field (14, varint): decodes, but carries no message.
    { name: 'a frame with no body', chunks: [...PREFIX, Buffer.from([0, 0, 0, 2, 0x70, 0x01])], error: /unexpected 'unknown' frame in state precopy/, code: 'MIG_ERR_PROTOCOL', migration: true },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const m = await load(c.chunks, c.caps);
      expect(m.status).toBe(c.migration ? 'failed' : 'setup');
      expect(m.becameMigration).toBe(c.migration);
      expect(m.error?.message).toMatch(c.error);
      expect(m.error?.code).toBe(c.code);
    });
  }

  it('tells the source why, in a SHUT on the return path', async () => {
    const machine = new Machine(parseDeviceList(SPECS), parseWorkloadSpec('dirty-rate=0'), 'destination');
    const sock = new FakeSocket();
    const m = new IncomingMigration({ socket: sock.asSocket(), machine, caps: ACK, log });
    m.start();
    sock.feed(f({ header: { magic: STREAM_MAGIC, version: 7 } }));
    const rp = createReturnPathDecoder();
    const shut = sock.written.flatMap((b) => rp.push(b)).map((x) => x.message.shut)[0];
    expect(shut).toMatchObject({ ok: false, code: 'MIG_ERR_PROTOCOL', reason: `unsupported stream version 7 (this destination speaks ${STREAM_VERSION})` });
    machine.close();
  });
});

describe('destination daemon: one migration at a time, bounded handshakes', () => {
  const daemons: DestinationDaemon[] = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await Promise.all(daemons.splice(0).map((d) => d.close()));
  });

  /** Waits for a condition on the daemon's state, turn by turn of the event loop. */
  async function until(cond: () => boolean): Promise<void> {
    while (!cond()) await new Promise((r) => setImmediate(r));
  }

  async function daemon(stallTimeout = 10_000): Promise<{ d: DestinationDaemon; port: number }> {
    const d = new DestinationDaemon({ devices: parseDeviceList(SPECS), workload: parseWorkloadSpec('dirty-rate=0'), log });
    d.settings.setCapabilities([{ capability: 'return-path', state: true }, { capability: 'switchover-ack', state: true }, { capability: 'verify', state: true }]);
    d.settings.setParameters({ 'stall-timeout': stallTimeout });
    daemons.push(d);
    const address = await d.listen('127.0.0.1', 0);
    return { d, port: Number(address.split(':')[1]) };
  }

  /** Opens a connection, writes `bytes`; resolves with the SHUT reason it gets, if any, when it closes. */
  function client(port: number, bytes: Buffer[]): { closed: Promise<string | null>; socket: Socket } {
    const socket = connect({ host: '127.0.0.1', port });
    sockets.push(socket);
    const rp = createReturnPathDecoder();
    let reason: string | null = null;
    socket.on('data', (c: Buffer) => {
      for (const fr of rp.push(c)) if (fr.message.shut && !fr.message.shut.ok) reason = fr.message.shut.reason ?? '';
    });
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      for (const b of bytes) socket.write(b);
    });
    return { socket, closed: once(socket, 'close').then(() => reason) };
  }

  it('refuses a second connection while a migration is in progress, clearly', async () => {
    const { d, port } = await daemon();
    client(port, PREFIX);
    await once(d.qmp, 'event');
    const second = client(port, PREFIX);
    expect(await second.closed).toBe('another incoming migration is in progress');
  });

  it('lets handshakes race: the first accepted configuration wins, the other is refused', async () => {
    const { d, port } = await daemon();
    const a = client(port, [header]);
    const b = client(port, [header]);
    await Promise.all([once(a.socket, 'connect'), once(b.socket, 'connect')]);
    await until(() => d.handshakesInProgress === 2);
    a.socket.write(Buffer.concat(PREFIX.slice(1)));
    await until(() => d.queryMigrate().status === 'active');
    b.socket.write(Buffer.concat(PREFIX.slice(1)));
    expect(await b.closed).toBe('another incoming migration is in progress');
  });

  it(`holds at most ${MAX_PENDING_HANDSHAKES} connections in their handshake: a newcomer evicts the idlest, never waits`, async () => {
    const { d, port } = await daemon();
    const idle = Array.from({ length: MAX_PENDING_HANDSHAKES }, () => client(port, []));
    await until(() => d.handshakesInProgress === MAX_PENDING_HANDSHAKES);
    const extra = client(port, PREFIX);
    // The oldest silent one makes room; the newcomer becomes the migration.
    expect(await idle[0]!.closed).toMatch(/evicted after \d+ ms in its handshake \(header\): all 4 handshake slots were taken/);
    await until(() => d.queryMigrate().status === 'active');
    expect(d.handshakesInProgress).toBe(MAX_PENDING_HANDSHAKES - 1);
    for (const c of [...idle, extra]) c.socket.destroy();
  });

  it('fails a migration whose source goes silent (no keepalive PING) and discards it', async () => {
    const { d, port } = await daemon(300);
    const stalled = client(port, PREFIX);
    expect(await stalled.closed).toMatch(/source stalled: nothing received for \d+ ms \(stall-timeout 300 ms\) during precopy/);
    expect(d.queryMigrate()).toMatchObject({ status: 'failed', 'error-code': 'MIG_ERR_STALLED' });
    expect(d.machine.runState).toBe('inmigrate');
  });

  it('drops a silent connection when its handshake times out, and still takes a migration', async () => {
    const { d, port } = await daemon(300);
    const silent = client(port, [header.subarray(0, 5)]);
    expect(await silent.closed).toMatch(/handshake not completed within 300 ms/);
    expect(d.queryMigrate().status).toBe('setup');
    client(port, PREFIX);
    const [event] = (await once(d.qmp, 'event')) as [{ event: string; data: { status: string } }];
    expect(event).toMatchObject({ event: 'MIGRATION', data: { status: 'active' } });
  });
});
