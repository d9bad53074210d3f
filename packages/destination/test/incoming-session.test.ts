/**
 * The destination's load state machine against a scripted source over a
 * loopback socket pair (in-process): what goes back on the return path, and
 * what is refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import pino from 'pino';
import {
  STREAM_MAGIC,
  STREAM_VERSION,
  createReturnPathDecoder,
  encodeFrame,
  livemig,
  type DecodedRpMessage,
  type FrameMessage,
} from '@livemig/common/wire';
import { applyCapabilities, defaultCapabilities, parseCapsList } from '@livemig/common/control';
import { encodeRamHeader, Machine, deviceConfig, parseDeviceList, parseWorkloadSpec } from '@livemig/common/devices';
import { IncomingUnderTest as IncomingMigration } from './incoming-under-test';

const log = pino({ level: 'silent' });
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function pair(): Promise<{ client: Socket; server: Socket }> {
  const srv: Server = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  const client = connect(port, '127.0.0.1');
  const [server] = (await once(srv, 'connection')) as [Socket];
  srv.close();
  cleanups.push(() => (client.destroy(), server.destroy()));
  return { client, server };
}

function rpReader(sock: Socket): DecodedRpMessage[] {
  const dec = createReturnPathDecoder();
  const msgs: DecodedRpMessage[] = [];
  sock.on('data', (c: Buffer) => msgs.push(...dec.push(c).map((f) => f.message)));
  return msgs;
}

async function until(pred: () => boolean, what: string, m: IncomingMigration): Promise<void> {
  while (!pred()) {
    if (m.finished && !pred()) throw new Error(`incoming migration ended (${m.error?.message}) before ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

async function setup(devices: string[], caps: string, dest?: Machine) {
  const specs = parseDeviceList(devices);
  const destMachine = dest ?? new Machine(specs, parseWorkloadSpec('dirty-rate=0'), 'destination');
  const srcMachine = new Machine(specs, parseWorkloadSpec('dirty-rate=0'), 'source');
  const c = applyCapabilities(defaultCapabilities(), parseCapsList(caps));
  const { client, server } = await pair();
  const m = new IncomingMigration({ socket: server, machine: destMachine, caps: c, log });
  m.start();
  const rp = rpReader(client);
  const send = (f: FrameMessage, payload: Buffer[] = []) => {
    for (const b of encodeFrame(f, payload)) client.write(b);
  };
  const config: FrameMessage = {
    configuration: { devices: srcMachine.devices.map(deviceConfig), capabilities: { returnPath: c['return-path'], switchoverAck: c['switchover-ack'], multifd: false, verify: false } },
  };
  return { m, rp, send, config, client, srcMachine, destMachine };
}

/** A whole stream, from the header to EOF, for a machine without iterable devices (sent whole at stop). */
function sendWholeStream({ send, config, srcMachine }: Awaited<ReturnType<typeof setup>>, returnPath: boolean): void {
  send({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION } });
  send(config);
  if (returnPath) send({ command: { type: livemig.CommandType.CMD_OPEN_RETURN_PATH } });
  send({ command: { type: livemig.CommandType.CMD_SWITCHOVER_START } });
  srcMachine.devices.forEach((d, i) => {
    d.statePendingExact();
    d.saveLiveCompletePrecopy({
      write: (type, header, payload = []) => {
        send({ section: { type, sectionId: i + 1, deviceId: d.id, deviceType: d.type.name, version: d.version, ...(header ? { header } : {}) } }, [...payload]);
        return 1;
      },
    });
  });
  send({ eof: {} });
}

const ACCEL = (id: string) => `accel,id=${id},resources=1,resource-size=64K,alloc-ms=1,initial-size=4K`;

describe('IncomingMigration', () => {
  it('zero devices needing an ack: SWITCHOVER_ACK right after OPEN_RETURN_PATH', async () => {
    const { m, rp, send, config } = await setup(['cpu,id=cpu0,vcpus=1'], 'return-path,switchover-ack');
    send({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION } });
    send(config);
    send({ command: { type: livemig.CommandType.CMD_OPEN_RETURN_PATH } });
    send({ command: { type: livemig.CommandType.CMD_PING, value: 9 } });
    await until(() => rp.length >= 3, 'acceptance, ack and pong', m);
    expect(rp[0]!.body).toBe('configAccepted');
    expect(rp[1]!.body).toBe('switchoverAck');
    expect(rp[2]!.pong?.value).toBe(9);
  });

  it('two accel devices: one ack, after both have approved', async () => {
    const { m, rp, send, config, srcMachine } = await setup([ACCEL('a0'), ACCEL('a1')], 'return-path,switchover-ack');
    send({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION } });
    send(config);
    send({ command: { type: livemig.CommandType.CMD_OPEN_RETURN_PATH } });
    await until(() => m.ackPending !== null, 'load setup', m);
    expect(m.ackPending).toBe(2);
    // Save side of the real devices, writing through a scripted socket.
    srcMachine.devices.forEach((d, i) => {
      const w = { write: (type: number, header?: Uint8Array | null, payload: readonly Buffer[] = []) => {
        const named = type === livemig.SectionType.SECTION_START;
        send({ section: { type, sectionId: i + 1, ...(named ? { deviceId: d.id, deviceType: 'accel', version: 1 } : {}), ...(header ? { header } : {}) } }, [...payload]);
        return 1;
      } };
      d.saveSetup(w, { switchoverAck: true, rearmSwitchover: () => 1 });
      d.saveLiveIterate(w, 1 << 20, false);
    });
    await until(() => rp.some((x) => x.body === 'switchoverAck'), 'the ack', m);
    const bodies = rp.map((x) => x.body);
    expect(bodies.filter((b) => b === 'deviceApproved')).toHaveLength(2);
    expect(bodies.filter((b) => b === 'switchoverAck')).toHaveLength(1);
    expect(bodies.lastIndexOf('deviceApproved')).toBeLessThan(bodies.indexOf('switchoverAck'));
  });

  it('refuses a bad magic with a SHUT naming the cause, before any state', async () => {
    const { m, rp, send, client } = await setup(['cpu,id=cpu0,vcpus=1'], 'return-path');
    const ended = once(client, 'end');
    send({ header: { magic: 0x1234, version: STREAM_VERSION } });
    await until(() => m.finished, 'failure', m);
    // Everything the destination sent is in once it ended the connection: exactly one SHUT.
    await ended;
    expect(rp.map((x) => x.body)).toEqual(['shut']);
    expect(rp[0]!.shut?.ok).toBe(false);
    expect(rp[0]!.shut?.code).toBe('MIG_ERR_PROTOCOL');
    expect(rp[0]!.shut?.reason).toMatch(/bad magic 0x1234/);
    expect(m.becameMigration).toBe(false);
    expect(m.error?.message).toMatch(/bad magic 0x1234/);
  });

  it('refuses a PING before OPEN_RETURN_PATH (it could not answer it), naming it', async () => {
    const { m, rp, send, config, client } = await setup(['cpu,id=cpu0,vcpus=1'], 'return-path');
    const ended = once(client, 'end');
    send({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION } });
    send(config);
    send({ command: { type: livemig.CommandType.CMD_PING, value: 1 } });
    await until(() => m.finished, 'failure', m);
    await ended;
    expect(m.status).toBe('failed');
    expect(m.error?.code).toBe('MIG_ERR_PROTOCOL');
    expect(m.error?.message).toMatch(/PING before OPEN_RETURN_PATH/);
    expect(rp.map((x) => x.body)).toEqual(['configAccepted', 'shut']);
    expect(rp[1]!.shut?.ok).toBe(false);
  });

  describe('digests (verify)', () => {
    const withVerify = (config: FrameMessage): FrameMessage => ({ configuration: { ...config.configuration, capabilities: { ...config.configuration!.capabilities, verify: true } } });
    const digestsOf = (srcMachine: Machine) => ({ verify: { digests: [...srcMachine.digests()].map(([deviceId, digest]) => ({ deviceId, digest })) } });

    it('refuses digests before the switchover', async () => {
      const { m, send, config, srcMachine } = await setup(['cpu,id=cpu0,vcpus=1'], 'verify');
      send({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION } });
      send(withVerify(config));
      send(digestsOf(srcMachine));
      await until(() => m.finished, 'failure', m);
      expect(m.status).toBe('failed');
      expect(m.error?.code).toBe('MIG_ERR_PROTOCOL');
      expect(m.error?.message).toMatch(/digests before switchover/);
    });

    it('refuses digests when verify is off', async () => {
      const { m, send, config, srcMachine } = await setup(['cpu,id=cpu0,vcpus=1'], '');
      send({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION } });
      send(config);
      send({ command: { type: livemig.CommandType.CMD_SWITCHOVER_START } });
      send(digestsOf(srcMachine));
      await until(() => m.finished, 'failure', m);
      expect(m.status).toBe('failed');
      expect(m.error?.code).toBe('MIG_ERR_PROTOCOL');
      expect(m.error?.message).toMatch(/digests sent but verify is off/);
    });

    it('with verify on, refuses an EOF that came without the digests', async () => {
      const ctx = await setup(['cpu,id=cpu0,vcpus=1'], 'verify');
      const { m, destMachine } = ctx;
      sendWholeStream({ ...ctx, config: withVerify(ctx.config) }, false);
      await until(() => m.finished, 'failure', m);
      expect(m.status).toBe('failed');
      expect(m.error?.code).toBe('MIG_ERR_VERIFY');
      expect(m.error?.message).toMatch(/verify is on but the source sent no digests/);
      expect(m.verified).not.toBe(true);
      expect(destMachine.runState).toBe('inmigrate');
    });
  });

  it('refuses an END section before switchover and a second START', async () => {
    const { m, send, config } = await setup(['ram,id=ram0,size=64K'], 'return-path');
    send({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION } });
    send(config);
    send({ section: { type: livemig.SectionType.SECTION_START, sectionId: 1, deviceId: 'ram0', deviceType: 'ram', version: 1, header: encodeRamHeader({ pageSize: 4096, totalBytes: 65536 }) } });
    send({ section: { type: livemig.SectionType.SECTION_END, sectionId: 1, header: encodeRamHeader({}) } });
    await until(() => m.finished, 'failure', m);
    expect(m.status).toBe('failed');
    expect(m.error?.message).toMatch(/END section for 'ram0' before switchover/);
  });

  it('autostart off (stop while inmigrate): the commit as usual, then the machine is left paused and RESUMED says so', async () => {
    const dest = new Machine(parseDeviceList(['cpu,id=cpu0,vcpus=1']), parseWorkloadSpec('dirty-rate=0'), 'destination');
    cleanups.push(() => dest.close());
    dest.autostart = false;
    const events: string[] = [];
    dest.on('RESUME', () => events.push('RESUME'));
    dest.on('STOP', () => events.push('STOP'));
    const s = await setup(['cpu,id=cpu0,vcpus=1'], 'return-path', dest);
    const closed = once(s.client, 'end');
    sendWholeStream(s, true);
    await until(() => s.rp.some((x) => x.body === 'loaded'), 'LOADED', s.m);
    expect(dest.runState).toBe('inmigrate');
    s.send({ command: { type: livemig.CommandType.CMD_RESUME } });
    await until(() => s.m.status === 'completed', 'completion', s.m);
    await closed;
    expect(s.rp.map((x) => x.body).slice(-2)).toEqual(['resumed', 'shut']);
    expect(s.rp.find((x) => x.body === 'resumed')?.resumed?.paused).toBe(true);
    expect(dest.runState).toBe('paused');
    expect(events).toEqual([]);
  });

  it('autostart off outlives a failed incoming migration (it is the machine\'s, as in QEMU); without a return path: paused, SHUT ok', async () => {
    const dest = new Machine(parseDeviceList(['cpu,id=cpu0,vcpus=1']), parseWorkloadSpec('dirty-rate=0'), 'destination');
    cleanups.push(() => dest.close());
    dest.autostart = false;
    const first = await setup(['cpu,id=cpu0,vcpus=1'], 'return-path', dest);
    first.send({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION } });
    first.send(first.config);
    first.send({ section: { type: livemig.SectionType.SECTION_END, sectionId: 1 } });
    await until(() => first.m.finished, 'failure', first.m);
    expect(first.m.status).toBe('failed');
    expect(first.m.error?.message).toMatch(/section id 1 was never started/);
    expect(dest.runState).toBe('inmigrate');

    const second = await setup(['cpu,id=cpu0,vcpus=1'], '', dest);
    const closed = once(second.client, 'end');
    sendWholeStream(second, false);
    await until(() => second.m.status === 'completed', 'completion', second.m);
    await closed;
    expect(second.rp.map((x) => x.body)).toEqual(['configAccepted', 'shut']);
    expect(second.rp[1]!.shut?.ok).toBe(true);
    expect(dest.runState).toBe('paused');
  });
});
