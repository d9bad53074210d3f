/**
 * multifd-compression end to end (SPEC §2 fill=file:, §3): RAM holding a real
 * file of this machine migrates over multifd with zlib and with zstd, verified,
 * under a dirtying workload, over TCP and over mutual TLS; a mismatch between
 * the ends is refused before any state moves, naming the parameter; a bad
 * fill=file: path is a usage error naming the file. Functional only: the
 * figures are in `npm run bench`.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { STREAM_MAGIC, compressPages, STREAM_VERSION, encodeFrame, livemig, type FrameMessage } from '@livemig/common/wire';
import { encodeRamHeader, RamDevice, deviceConfig, parseDeviceSpec, type RamSpec } from '@livemig/common/devices';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BIN, DaemonProcess, controlAddress, killAll, startDestination, startSource } from './helpers/daemons';
import { QmpWsClient } from './helpers/qmp-client';
import { makeCerts, type CertSet } from './helpers/certs';

afterEach(killAll);

// A real binary of this machine (the node executable: code, tables, zero pages), as
// real memory holds; the first 32 MiB of it, repeated page-aligned if it is shorter.
const FILE = process.execPath;
const machine = ['--device', `ram,id=ram0,size=32M,fill=file:${FILE}`, '--device', 'cpu,id=cpu0,vcpus=2'];
/**
 * The same kind of machine with 4 MiB of RAM, for the tests about the parameter itself
 * (refused before any state moves, set over QMP, ignored without multifd): their
 * outcome does not depend on how much memory goes through the codec, only that some does.
 */
const smallMachine = ['--device', `ram,id=ram0,size=4M,fill=file:${FILE}`, '--device', 'cpu,id=cpu0,vcpus=2'];
const caps = ['--caps', 'return-path,multifd,verify'];

let certs: CertSet | null = null;
afterAll(() => {
  if (certs) rmSync(certs.dir, { recursive: true, force: true });
});
const tlsArgs = (who: { cert: string; key: string }, ca: string): string[] => ['--tls-cert', who.cert, '--tls-key', who.key, '--tls-ca', ca];

describe('multifd-compression', () => {
  it.each([
    ['zlib', false],
    ['zstd', false],
    ['zstd', true],
  ])('migrates fill=file: memory with %s (TLS: %s), verified, pages compressed in the workers', async (method, tls) => {
    let srcTls: string[] = [];
    let dstTls: string[] = [];
    if (tls) {
      certs ??= makeCerts();
      srcTls = tlsArgs(certs.source, certs.ca);
      dstTls = tlsArgs(certs.destination, certs.ca);
    }
    const params = ['--param', `multifd-compression=${method}`];
    const { d: dst, uri } = await startDestination([...machine, ...caps, ...params, ...dstTls, '--exit-on-complete']);
    const src = startSource([...machine, ...caps, ...params, ...srcTls, '--workload', 'dirty-rate=4M', '--migrate-to', uri]);
    const [s, d] = await Promise.all([src.exited, dst.exited]);
    expect(s.code, src.stderrText.slice(-2000)).toBe(0);
    expect(d.code, dst.stderrText.slice(-2000)).toBe(0);
    const summary = src.summary();
    expect(summary.status).toBe('completed');
    expect(summary.verified).toBe(true);
    expect(dst.summary().verified).toBe(true);
    const c = summary.compression as Record<string, number | string>;
    expect(c.method).toBe(method);
    expect(c.packets as number).toBeGreaterThan(0);
    // A binary compresses (~2-4×); the wire carried far less than the guest's normal pages.
    expect(c['compression-rate'] as number).toBeGreaterThan(1.5);
    const ram = summary.ram as Record<string, number>;
    expect(ram.transferred).toBeLessThan(ram['normal-bytes']!);
    // The file's zero pages went as flags, never through a worker.
    expect(ram.duplicate).toBeGreaterThan(0);
    expect(src.logs.find((l) => l.msg === 'multifd channels open')?.compression).toBe(method);
    expect(dst.logs.find((l) => l.msg === 'expecting multifd channels')?.compression).toBe(method);
  });

  it.each([
    ['the source', { source: true, destination: false }],
    ['the destination', { source: false, destination: true }],
  ])('migrates zstd with %s on the fallback binding (zstd-napi not loadable), verified: the frames are the same either way', async (_who, fb) => {
    const env = (on: boolean): NodeJS.ProcessEnv => (on ? { LIVEMIG_TEST_ZSTD_FALLBACK: '1' } : {});
    const params = ['--param', 'multifd-compression=zstd', '--log-level', 'debug'];
    const { d: dst, uri } = await startDestination([...machine, ...caps, ...params, '--exit-on-complete'], env(fb.destination));
    const src = startSource([...machine, ...caps, ...params, '--workload', 'dirty-rate=4M', '--migrate-to', uri], env(fb.source));
    const [s, d] = await Promise.all([src.exited, dst.exited]);
    expect(s.code, src.stderrText.slice(-2000)).toBe(0);
    expect(d.code, dst.stderrText.slice(-2000)).toBe(0);
    expect(src.summary().verified).toBe(true);
    expect(dst.summary().verified).toBe(true);
    expect((src.summary().compression as Record<string, number>).packets).toBeGreaterThan(0);
    // Each daemon's debug log names the binding it picked, and why it is not zstd-napi.
    for (const [p, on] of [
      [src, fb.source],
      [dst, fb.destination],
    ] as const) {
      const line = p.logs.find((l) => l.msg === 'zstd binding');
      expect(line?.zstd).toMatch(on ? /^@toondepauw\/node-zstd / : /^zstd-napi /);
      expect(line?.zstdNapiUnavailable).toBe(on ? 'LIVEMIG_TEST_ZSTD_FALLBACK=1' : undefined);
    }
  });

  it.each([
    ['zstd', 'none'],
    ['none', 'zlib'],
    ['zlib', 'zstd'],
  ])('refuses multifd-compression=%s at the source against %s at the destination before any state moves, naming the parameter', async (srcMethod, dstMethod) => {
    const { d: dst, uri } = await startDestination([...smallMachine, ...caps, '--param', `multifd-compression=${dstMethod}`]);
    const src = startSource([...smallMachine, ...caps, '--param', `multifd-compression=${srcMethod}`, '--migrate-to', uri]);
    expect((await src.exited).code).toBe(1);
    const s = src.summary();
    expect(s.status).toBe('failed');
    expect(s['error-desc']).toContain(`parameter 'multifd-compression' is ${srcMethod} at the source but ${dstMethod} at the destination`);
    expect((s.ram as Record<string, number>).transferred).toBe(0);
    // The destination refused the stream and keeps waiting.
    expect(dst.proc.exitCode).toBeNull();
  });

  it('is set with migrate-set-parameters (before the stream starts, as in QEMU) and shown by query-migrate-parameters', async () => {
    const { d: dst, uri } = await startDestination([...smallMachine, ...caps, '--control', '127.0.0.1:0', '--exit-on-complete']);
    const q = await QmpWsClient.connect(await controlAddress(dst));
    expect((await q.call('query-migrate-parameters'))['multifd-compression']).toBe('none');
    const bad = await q.execute('migrate-set-parameters', { 'multifd-compression': 'brotli' });
    expect((bad.error as { desc: string }).desc).toBe("Parameter 'multifd-compression' expects one of none, zlib, zstd, got 'brotli'");
    expect(await q.call('migrate-set-parameters', { 'multifd-compression': 'zlib', 'multifd-zlib-level': 3 })).toEqual({});
    const params = await q.call('query-migrate-parameters');
    expect(params['multifd-compression']).toBe('zlib');
    expect(params['multifd-zlib-level']).toBe(3);
    q.close();
    const src = startSource([...smallMachine, ...caps, '--param', 'multifd-compression=zlib', '--workload', 'dirty-rate=4M', '--migrate-to', uri]);
    const [s, d] = await Promise.all([src.exited, dst.exited]);
    expect(s.code, src.stderrText.slice(-2000)).toBe(0);
    expect(d.code).toBe(0);
    expect((src.summary().compression as Record<string, unknown>).method).toBe('zlib');
  });

  it('is ignored without the multifd capability, as in QEMU: pages go uncompressed on the main channel', async () => {
    const plainCaps = ['--caps', 'return-path,verify'];
    const { d: dst, uri } = await startDestination([...smallMachine, ...plainCaps, '--param', 'multifd-compression=none', '--exit-on-complete']);
    const src = startSource([...smallMachine, ...plainCaps, '--param', 'multifd-compression=zstd', '--migrate-to', uri]);
    const [s, d] = await Promise.all([src.exited, dst.exited]);
    expect(s.code, src.stderrText.slice(-2000)).toBe(0);
    expect(d.code).toBe(0);
    expect(src.summary().verified).toBe(true);
    expect(src.summary().compression).toBeUndefined();
  });
});

describe('hostile compressed packets', () => {
  const frame = (f: FrameMessage, payload: Buffer[] = []): Buffer => Buffer.concat(encodeFrame(f, payload));

  it.each([
    ['garbage that is no zstd frame', () => randomBytes(4096), /zstd packet is not one well-formed zstd frame/],
    ['a packet that would inflate to far more than its runs describe', () => compressBomb(), /can regenerate at most \d+ bytes, its runs describe 4096/],
  ])('fail the migration on %s, without a crash; the destination keeps listening', async (_what, payload, reason) => {
    const spec = 'ram,id=ram0,size=16M';
    const { d: dst, port } = await startDestination(['--device', spec, '--caps', 'multifd', '--param', 'multifd-compression=zstd']);
    const ram = new RamDevice(parseDeviceSpec(spec) as RamSpec, 'source');
    const id = randomBytes(16);
    const main = connect(port, '127.0.0.1');
    await once(main, 'connect');
    main.on('error', () => {});
    main.write(frame({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION } }));
    main.write(frame({ configuration: { devices: [deviceConfig(ram)], capabilities: { multifd: true }, migrationId: id, multifdChannels: 1, multifdCompression: 'zstd' } }));
    // As a real source: no state before CONFIG_ACCEPTED.
    await once(main, 'data');
    main.write(frame({ section: { type: livemig.SectionType.SECTION_START, sectionId: 1, deviceId: 'ram0', deviceType: 'ram', version: ram.version, header: encodeRamHeader({ pageSize: 4096, totalBytes: 16 * 1024 * 1024 }) } }));
    await dst.waitLog((l) => l.msg === 'expecting multifd channels');
    const ch = connect(port, '127.0.0.1');
    await once(ch, 'connect');
    ch.on('error', () => {});
    // A channel names its migration and index in its header.
    ch.write(frame({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION, multifd: { migrationId: id, channel: 0 } } }));
    ch.write(frame({ section: { type: livemig.SectionType.SECTION_PART, sectionId: 1, deviceId: 'ram0', header: encodeRamHeader({ normalRuns: [0, 1], zeroRuns: [] }), compressed: true, rawLength: 4096 } }, [payload()]));
    const failed = await dst.waitLog((l) => l.msg === 'incoming migration status' && l.status === 'failed');
    expect(failed).toBeTruthy();
    expect(dst.stderrText).toMatch(reason);
    main.destroy();
    ch.destroy();
    // No crash, and still listening: a new connection is accepted.
    expect(dst.proc.exitCode).toBeNull();
    const again = connect(port, '127.0.0.1');
    again.on('error', () => {});
    await once(again, 'connect');
    again.destroy();
  });
});

/** One zstd frame of 8 MiB of one byte value: a few hundred bytes that claim 8 MiB. */
function compressBomb(): Buffer {
  return compressPages('zstd', 1, Buffer.alloc(8 * 1024 * 1024, 1));
}

describe('fill=file:PATH at the command line', () => {
  it('a missing file is a usage error (exit 2) naming it, on both daemons', async () => {
    const missing = '/nonexistent/livemig-fill.bin';
    for (const [bin, extra] of [
      [BIN.source, []],
      [BIN.destination, ['--listen', '127.0.0.1:0']],
    ] as const) {
      const p = new DaemonProcess(bin, [...extra, '--device', `ram,id=ram0,size=16M,fill=file:${missing}`]);
      const exit = await p.exited;
      expect(exit.code, p.stderrText).toBe(2);
      expect(p.stderrText).toContain(`device 'ram0': fill=file:${missing}: cannot read '${missing}' (ENOENT)`);
    }
  });
});
