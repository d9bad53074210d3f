/**
 * Admission (a connection is not a migration until it is accepted), against
 * the real daemons over loopback: stray, idle and slow clients never touch the
 * machine or a migration and never lock a real source out; multifd channels
 * each prove the shared secret and join only the migration they name, up to
 * its channel count; a refused source moves no state, with or without
 * return-path; a peer that stops after its configuration frees the slot.
 */
import { connect, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_PENDING_HANDSHAKES,
  STREAM_MAGIC,
  STREAM_VERSION,
  createReturnPathDecoder,
  encodeFrame,
  encodeFrameHeader,
  type DecodedRpMessage,
  type FrameMessage,
} from '@livemig/common/wire';
import { authProof, createNonce } from '@livemig/common/control';
import { encodeRamHeader, Machine, deviceConfig, parseDeviceList, parseWorkloadSpec } from '@livemig/common/devices';
import { controlAddress, killAll, startDestination, startSource, type DaemonProcess, type LogLine } from './helpers/daemons';
import { QmpWsClient } from './helpers/qmp-client';
import { pollUntil } from './helpers/poll';

afterEach(killAll);

const SPECS = ['ram,id=ram0,size=16M,seed=1', 'accel,id=accel0,resources=2,resource-size=2M,alloc-ms=20,initial-size=4K,state-size=64K,seed=2', 'cpu,id=cpu0,vcpus=2,seed=3'];
/** The devices (both daemons); the source's machine adds its idle workload (--workload is the source's). */
const MACHINE = SPECS.flatMap((s) => ['--device', s]);
const IDLE = ['--workload', 'dirty-rate=0'];
const CAPS = ['--caps', 'return-path,switchover-ack,verify'];
const REFUSED = 'connection refused before it became a migration';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'livemig-admission-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
};

const frame = (f: FrameMessage): Buffer => Buffer.concat(encodeFrame(f));
const HEADER = frame({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION } });

/** The configuration frame a source of SPECS sends (capabilities as given). */
function configuration(caps: { returnPath: boolean; switchoverAck: boolean; multifd?: boolean; verify: boolean }, multifd?: { id: Buffer; channels: number }): Buffer {
  const m = new Machine(parseDeviceList(SPECS), parseWorkloadSpec('dirty-rate=0'), 'source');
  try {
    return frame({
      configuration: {
        devices: m.devices.map(deviceConfig),
        capabilities: { returnPath: caps.returnPath, switchoverAck: caps.switchoverAck, multifd: caps.multifd === true, verify: caps.verify },
        ...(multifd ? { migrationId: multifd.id, multifdChannels: multifd.channels } : {}),
      },
    });
  } finally {
    m.close();
  }
}

/** A raw peer on the migration port: what it was told back, and when it was closed. */
class RawPeer {
  readonly socket: Socket;
  readonly replies: DecodedRpMessage[] = [];
  readonly closed: Promise<void>;
  closedAt = 0;
  private waiters: Array<{ pred: (m: DecodedRpMessage) => boolean; resolve: (m: DecodedRpMessage) => void; reject: (e: Error) => void }> = [];

  constructor(port: number, onConnect?: (p: RawPeer) => void) {
    this.socket = connect({ host: '127.0.0.1', port });
    const rp = createReturnPathDecoder();
    this.socket.on('data', (c: Buffer) => {
      for (const f of rp.push(c)) {
        this.replies.push(f.message);
        this.waiters = this.waiters.filter((w) => (w.pred(f.message) ? (w.resolve(f.message), false) : true));
      }
    });
    this.socket.on('error', () => undefined);
    this.socket.on('connect', () => onConnect?.(this));
    this.closed = new Promise((resolve) =>
      this.socket.on('close', () => {
        this.closedAt = performance.now();
        for (const w of this.waiters) w.reject(new Error(`closed; replies: ${JSON.stringify(this.replies.map((r) => r.body))} ${this.refusal ?? ''}`));
        resolve();
      }),
    );
  }

  send(...bufs: Buffer[]): void {
    for (const b of bufs) this.socket.write(b);
  }

  /** The SHUT reason it was refused with, if any. */
  get refusal(): string | null {
    const s = this.replies.find((r) => r.body === 'shut');
    return s && !s.shut?.ok ? (s.shut?.reason ?? '') : null;
  }

  next(pred: (m: DecodedRpMessage) => boolean): Promise<DecodedRpMessage> {
    const seen = this.replies.find(pred);
    if (seen) return Promise.resolve(seen);
    // Asked after the close: nothing more comes (a waiter added now would wait for the test's timeout).
    if (this.closedAt > 0) return Promise.reject(new Error(`closed; replies: ${JSON.stringify(this.replies.map((r) => r.body))} ${this.refusal ?? ''}`));
    return new Promise((resolve, reject) => this.waiters.push({ pred, resolve, reject }));
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Kinds of stray client. */
const silent = (port: number): RawPeer => new RawPeer(port);
const headerOnly = (port: number): RawPeer => new RawPeer(port, (p) => p.send(HEADER));
/** Sends a valid header one byte at a time, far too slowly. */
const slowloris = (port: number, everyMs = 300): RawPeer =>
  new RawPeer(port, (p) => {
    let i = 0;
    const t = setInterval(() => {
      if (i >= HEADER.length || p.socket.destroyed) return clearInterval(t);
      p.send(HEADER.subarray(i, ++i));
    }, everyMs);
    void p.closed.then(() => clearInterval(t));
  });

async function qmpOf(d: DaemonProcess): Promise<QmpWsClient> {
  return QmpWsClient.connect(await controlAddress(d));
}

function migrate(uri: string, extra: string[] = []): DaemonProcess {
  return startSource([...MACHINE, ...IDLE, ...CAPS, ...extra, '--migrate-to', uri]);
}

async function expectMigrated(src: DaemonProcess): Promise<Record<string, unknown>> {
  const exit = await src.exited;
  expect(exit.code, src.stderrText.slice(-3000)).toBe(0);
  const s = src.summary();
  expect(s.status).toBe('completed');
  expect(s.verified).toBe(true);
  return s;
}

describe('stray connections never touch the machine or a migration', () => {
  it('silent, header-only and slowloris clients across a whole migration that outlasts the handshake timeout: it completes verified, and the machine still runs after every stray timed out', async () => {
    const { d: dst, port, uri } = await startDestination([...MACHINE, ...CAPS, '--param', 'stall-timeout=1500', '--control', '127.0.0.1:0']);
    const strays: RawPeer[] = [silent(port), headerOnly(port), slowloris(port), silent(port)];
    const src = migrate(uri, ['--param', 'stall-timeout=1500', '--param', 'max-bandwidth=5M']);
    // Keep strays coming for as long as the migration runs (each handshake limit is 1.5 s, the migration ~4 s):
    // those still in their handshake when it completes time out after it (the case that used to stop the
    // migrated machine; the ones before used to wipe the migration's staged state).
    const kinds = [silent, headerOnly, slowloris];
    let k = 0;
    const more = setInterval(() => strays.push(kinds[k++ % kinds.length]!(port)), 150);
    let completion: LogLine;
    try {
      // Or the source's failure: a migration that failed never completes here (it used to wait for the
      // test's timeout). A source that exits 0 completed: the destination's line is then on its way.
      const failed = src.exited.then((e) =>
        e.code === 0 ? new Promise<never>(() => undefined) : Promise.reject(new Error(`source exited (${e.code ?? e.signal}) before the destination completed\n--- source ---\n${src.stderrText.slice(-3000)}\n--- destination ---\n${dst.stderrText.slice(-3000)}`)),
      );
      completion = await Promise.race([dst.waitLog((l) => l.msg === 'incoming migration status' && l.status === 'completed', 'completion on the destination'), failed]);
    } finally {
      clearInterval(more);
    }
    await expectMigrated(src);
    await Promise.all(strays.map((s) => s.closed));
    // The destination closed them all (timeouts, evictions), some by their timeout after the migration completed
    // (below, in the destination's own log order: when this test saw the completion depends on its load).
    expect(strays.filter((s) => /handshake not completed/.test(s.refusal ?? '')).length).toBeGreaterThan(0);
    const q = await qmpOf(dst);
    expect((await q.call('query-status')).status).toBe('running');
    const info = await q.call('query-migrate');
    expect(info.status).toBe('completed');
    q.close();
    // Each was refused: in its handshake, or at once once the destination had completed. A stray may see its
    // close before the destination's line about it came through the log pipe: wait for the lines, then count.
    const refusals = (): number => dst.logs.filter((l) => l.msg === REFUSED || l.msg === 'incoming connection refused').length;
    await pollUntil(refusals, (n) => n >= strays.length, `a refusal logged for each of the ${strays.length} strays`, { describe: (n) => `${n} logged` });
    expect(refusals()).toBe(strays.length);
    // (After the wait above, every refusal line is in.)
    const afterCompletion = dst.logs.slice(dst.logs.indexOf(completion) + 1);
    expect(afterCompletion.filter((l) => l.msg === REFUSED && /handshake not completed/.test(String(l.err))).length).toBeGreaterThan(0);
    expect(dst.logs.some((l) => l.msg === 'incoming migration failed; partial state discarded')).toBe(false);
    console.log(`admission: ${strays.length} stray connections (silent, header-only, slowloris) during one migration; all refused, migration verified`);
  }, 60_000);

  it(`more idle clients than the ${MAX_PENDING_HANDSHAKES} handshake slots, then a real source: it migrates`, async () => {
    const { d: dst, port, uri } = await startDestination([...MACHINE, ...CAPS, '--control', '127.0.0.1:0']);
    const idle = [...Array.from({ length: 2 * MAX_PENDING_HANDSHAKES }, () => silent(port)), ...Array.from({ length: MAX_PENDING_HANDSHAKES }, () => headerOnly(port))];
    await dst.waitLog((l) => l.msg === REFUSED && /evicted/.test(String(l.err)), 'an eviction');
    const src = migrate(uri);
    await expectMigrated(src);
    for (const p of idle) p.destroy();
    const q = await qmpOf(dst);
    expect((await q.call('query-status')).status).toBe('running');
    q.close();
    expect(idle.filter((p) => /evicted after \d+ ms in its handshake/.test(p.refusal ?? '')).length).toBeGreaterThanOrEqual(idle.length - MAX_PENDING_HANDSHAKES);
  });

  it('an idle handshake present when a multifd source connects: it migrates over its channels', async () => {
    const caps = ['--caps', 'return-path,switchover-ack,verify,multifd'];
    const { d: dst, port, uri } = await startDestination([...MACHINE, ...caps, '--control', '127.0.0.1:0']);
    const idle = [silent(port), headerOnly(port)];
    await dst.waitLog((l) => l.msg === 'incoming connection' && dst.logs.filter((x) => x.msg === 'incoming connection').length >= 2);
    const src = startSource([...MACHINE, ...IDLE, ...caps, '--param', 'multifd-channels=3', '--migrate-to', uri]);
    await expectMigrated(src);
    expect(dst.logs.filter((l) => l.msg === 'multifd channel attached').length).toBe(3);
    for (const p of idle) p.destroy();
  });
});

describe('nothing is buffered before a connection said what it is', () => {
  it('100 connections, each a header then a frame announcing a 16 MiB payload and 4 MiB of it: refused at once, RSS bounded', async () => {
    const caps = ['--caps', 'return-path,switchover-ack,verify,multifd'];
    const { d: dst, port, uri } = await startDestination([...MACHINE, ...caps, '--control', '127.0.0.1:0']);
    const q = await qmpOf(dst);
    // The machine's memory is touched in the background first: measure from there.
    await dst.waitMsg('memory ready');
    const before = dst.peakRss();
    // A PART section frame header that states a 16 MiB payload (the payload itself follows separately).
    const sectionHeader = encodeFrameHeader({ section: { type: 2, sectionId: 1, deviceId: 'ram0', header: encodeRamHeader({ normalRuns: [0, 4096] }) } }, 16 * 1024 * 1024);
    const chunk = Buffer.alloc(4 * 1024 * 1024, 0x5a);
    const peers = Array.from({ length: 100 }, (_, i) =>
      new RawPeer(port, (p) => {
        p.send(i % 2 === 0 ? HEADER : frame({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION, multifd: { migrationId: randomBytes(16), channel: 0 } } }), sectionHeader);
        p.socket.write(chunk);
      }),
    );
    await Promise.all(peers.map((p) => p.closed));
    const refusals = peers.map((p) => p.refusal ?? '');
    expect(refusals.filter((r) => /frame with a 16777216-byte payload during the handshake|names no migration in progress|evicted/.test(r)).length).toBe(100);
    expect((await q.call('query-status')).status).toBe('inmigrate');
    const growth = dst.peakRss() - before;
    console.log(`admission: 100 payload-before-hello connections, destination peak RSS growth ${Math.round(growth / 2 ** 20)} MiB`);
    // Each connection may touch one small read (64 KiB) and what it may still send while refused (64 KiB),
    // plus its socket and objects: well under a MiB each (before, each could buffer a 16 MiB payload).
    expect(growth).toBeLessThan(64 * 2 ** 20);
    q.close();
    // And it still takes a real multifd migration.
    await expectMigrated(startSource([...MACHINE, ...IDLE, ...caps, '--migrate-to', uri]));
  });
});

describe('multifd channels: each proves the secret, only for the migration it names, up to its count', () => {
  it('a channel without the secret, with a wrong answer, naming another migration or beyond the count is refused; a right one is attached', async () => {
    const secret = file('mf-secret', 'multifd channels authenticate too');
    const key = Buffer.from('multifd channels authenticate too');
    const caps = ['--caps', 'return-path,verify,multifd'];
    const { d: dst, port } = await startDestination([...MACHINE, ...caps, '--auth-secret-file', secret, '--control', '127.0.0.1:0']);
    // An honest main channel (the test knows the secret) so that a migration with this id exists.
    const id = randomBytes(16);
    const ns = createNonce();
    const main = new RawPeer(port, (p) => p.send(frame({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION, authNonce: ns } })));
    const challenge = (await main.next((m) => m.body === 'authChallenge')).authChallenge!;
    main.send(
      frame({ authResponse: { mac: authProof(key, 'source', ns, challenge.nonce!) } }),
      configuration({ returnPath: true, switchoverAck: false, multifd: true, verify: true }, { id, channels: 2 }),
    );
    await main.next((m) => m.body === 'configAccepted');

    const channelHeader = (channel: number, nonce: Buffer | null, migrationId = id): Buffer =>
      frame({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION, multifd: { migrationId, channel }, ...(nonce ? { authNonce: nonce } : {}) } });
    const refused = async (p: RawPeer): Promise<string | null> => {
      await p.closed;
      return p.refusal;
    };
    // No secret at all: refused before anything else.
    expect(await refused(new RawPeer(port, (p) => p.send(channelHeader(0, null))))).toMatch(/authentication required: the source sent no challenge on multifd channel 0/);
    // A wrong answer (the id is known, the secret is not).
    const wrong = new RawPeer(port, (p) => p.send(channelHeader(0, createNonce())));
    await wrong.next((m) => m.body === 'authChallenge');
    wrong.send(frame({ authResponse: { mac: Buffer.alloc(32, 7) } }));
    expect(await refused(wrong)).toMatch(/authentication failed: the multifd channel 0's answer does not match the shared secret/);
    // The main channel's proof replayed as a channel's: bound to another label, id and index, so wrong too.
    const n2 = createNonce();
    const replay = new RawPeer(port, (p) => p.send(channelHeader(1, n2)));
    const c2 = (await replay.next((m) => m.body === 'authChallenge')).authChallenge!;
    replay.send(frame({ authResponse: { mac: authProof(key, 'source', n2, c2.nonce!) } }));
    expect(await refused(replay)).toMatch(/multifd channel 1's answer does not match/);
    // Another migration's id, and an index beyond the two announced.
    expect(await refused(new RawPeer(port, (p) => p.send(channelHeader(0, createNonce(), randomBytes(16)))))).toMatch(/names no migration in progress/);
    expect(await refused(new RawPeer(port, (p) => p.send(channelHeader(2, createNonce()))))).toMatch(/channel 2 is beyond the 2 announced/);
    // A peer that knows the id but not the secret and sits on its challenge for index 0 takes no index.
    const squatter = new RawPeer(port, (p) => p.send(channelHeader(0, createNonce())));
    await squatter.next((m) => m.body === 'authChallenge');
    // The right answer, bound to this migration and index: attached. A second channel 0 is then refused.
    const n3 = createNonce();
    const good = new RawPeer(port, (p) => p.send(channelHeader(0, n3)));
    const c3 = (await good.next((m) => m.body === 'authChallenge')).authChallenge!;
    expect(Buffer.from(c3.mac!).equals(authProof(key, 'destination', n3, c3.nonce!, STREAM_VERSION, { migrationId: id, channel: 0 }))).toBe(true);
    good.send(frame({ authResponse: { mac: authProof(key, 'source', n3, c3.nonce!, STREAM_VERSION, { migrationId: id, channel: 0 }) } }));
    await dst.waitLog((l) => l.msg === 'multifd channel attached' && l.channel === 0);
    expect(await refused(new RawPeer(port, (p) => p.send(channelHeader(0, createNonce()))))).toMatch(/channel 0 is already connected/);
    // None of the refused channels failed the migration.
    const q = await qmpOf(dst);
    expect((await q.call('query-migrate')).status).toBe('active');
    q.close();
    // The squatter, answering late, finds its index taken.
    squatter.send(frame({ authResponse: { mac: Buffer.alloc(32) } }));
    expect(await refused(squatter)).toMatch(/does not match|already connected/);
    main.destroy();
    good.destroy();
  });

  it('a real multifd source with the secret migrates: every channel authenticated on its own', async () => {
    const secret = file('mf-secret2', 'both ends');
    const caps = ['--caps', 'return-path,switchover-ack,verify,multifd'];
    const { d: dst, uri } = await startDestination([...MACHINE, ...caps, '--auth-secret-file', secret, '--exit-on-complete']);
    const src = startSource([...MACHINE, ...IDLE, ...caps, '--auth-secret-file', secret, '--migrate-to', uri]);
    await expectMigrated(src);
    expect((await dst.exited).code).toBe(0);
    expect(dst.logs.filter((l) => l.msg === 'multifd channel attached').length).toBe(2);
  });
});

describe('no state before acceptance, with or without return-path', () => {
  const NO_RP = ['--caps', 'verify'];

  it('a device-list mismatch without return-path: zero state bytes, the destination\'s reason reported', async () => {
    const { d: dst, uri } = await startDestination([...MACHINE, ...NO_RP, '--control', '127.0.0.1:0']);
    const other = ['--device', 'ram,id=ram0,size=16M,seed=1', '--device', 'cpu,id=cpu0,vcpus=2', '--workload', 'dirty-rate=0'];
    const src = startSource([...other, ...NO_RP, '--migrate-to', uri]);
    expect((await src.exited).code).toBe(1);
    const s = src.summary();
    expect(s['error-desc']).toMatch(/destination failed: configuration mismatch: device 'accel0' \(accel\) exists at the destination but not at the source/);
    expect((s.ram as Record<string, number>).transferred).toBe(0);
    const q = await qmpOf(dst);
    expect((await q.call('query-status')).status).toBe('inmigrate');
    q.close();
  });

  it('a destination that requires a secret the source lacks, without return-path: zero state bytes, reason reported', async () => {
    const secret = file('norp-secret', 'only here');
    const { uri } = await startDestination([...MACHINE, ...NO_RP, '--auth-secret-file', secret]);
    const src = startSource([...MACHINE, ...IDLE, ...NO_RP, '--migrate-to', uri]);
    expect((await src.exited).code).toBe(1);
    const s = src.summary();
    expect(s['error-desc']).toMatch(/destination failed: authentication required: the source sent no challenge/);
    expect((s.ram as Record<string, number>).transferred).toBe(0);
  });

  it('a wrong secret without return-path: zero state bytes, the cause named', async () => {
    const { uri } = await startDestination([...MACHINE, ...NO_RP, '--auth-secret-file', file('norp-a', 'one')]);
    const src = startSource([...MACHINE, ...IDLE, ...NO_RP, '--auth-secret-file', file('norp-b', 'another'), '--migrate-to', uri]);
    expect((await src.exited).code).toBe(1);
    const s = src.summary();
    expect(s['error-desc']).toMatch(/authentication failed/);
    expect((s.ram as Record<string, number>).transferred).toBe(0);
  });

  it('a busy destination refuses a second source: zero state bytes, "another incoming migration is in progress"', async () => {
    const { port, uri } = await startDestination([...MACHINE, ...CAPS]);
    const holder = new RawPeer(port, (p) => p.send(HEADER, configuration({ returnPath: true, switchoverAck: true, verify: true })));
    await holder.next((m) => m.body === 'configAccepted');
    const src = migrate(uri);
    expect((await src.exited).code).toBe(1);
    const s = src.summary();
    expect(s['error-desc']).toMatch(/destination failed: another incoming migration is in progress/);
    expect((s.ram as Record<string, number>).transferred).toBe(0);
    holder.destroy();
  });
});

describe('the migration slot is never held by a silent peer', () => {
  it('a peer that never sends OPEN_RETURN_PATH frees the slot; a real source then migrates', async () => {
    const { d: dst, port, uri } = await startDestination([...MACHINE, ...CAPS, '--param', 'stall-timeout=500', '--control', '127.0.0.1:0']);
    const peer = new RawPeer(port, (p) => p.send(HEADER, configuration({ returnPath: true, switchoverAck: true, verify: true })));
    await peer.next((m) => m.body === 'configAccepted');
    await peer.closed;
    expect(peer.refusal).toMatch(/no OPEN_RETURN_PATH within 500 ms of accepting the configuration/);
    await expectMigrated(migrate(uri, ['--param', 'stall-timeout=500']));
    const q = await qmpOf(dst);
    expect((await q.call('query-status')).status).toBe('running');
    q.close();
  });

  it('without return-path, a peer that stops in the middle of a frame frees the slot', async () => {
    const noRp = ['--caps', 'verify'];
    const { port, uri } = await startDestination([...MACHINE, ...noRp, '--param', 'stall-timeout=500']);
    const start = frame({ section: { type: 1, sectionId: 1, deviceId: 'ram0', deviceType: 'ram', version: 1, header: encodeRamHeader({ pageSize: 4096, totalBytes: 16 * 1024 * 1024 }) } });
    const peer = new RawPeer(port, (p) => p.send(HEADER, configuration({ returnPath: false, switchoverAck: false, verify: true })));
    await peer.next((m) => m.body === 'configAccepted');
    peer.send(start.subarray(0, start.length - 3));
    await peer.closed;
    expect(peer.refusal).toMatch(/source stalled: nothing received for \d+ ms \(stall-timeout 500 ms\) during precopy/);
    await expectMigrated(startSource([...MACHINE, ...IDLE, ...noRp, '--migrate-to', uri]));
  });
});
