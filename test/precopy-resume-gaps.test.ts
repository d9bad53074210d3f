/**
 * precopy-resume, part 3: what a user hit after a pause that could not be
 * resumed, and the clocks during a pause.
 *
 * 1. A break that swallows an in-flight SWITCHOVER_START (the destination
 *    resets the connection as the frame arrives, before it acts on it: test
 *    fault `reset@switchover-start`): the source fails and runs its machine
 *    again (it had stopped it), the destination is still in precopy and
 *    pauses. A fresh migration from that source names the failed one in its
 *    header (StreamHeader.abandons): the destination discards the paused
 *    state at once (loadCleanup, accel freed) and takes the new migration,
 *    instead of refusing it until precopy-resume-timeout. The same after a
 *    cancel on the source while paused. With a secret, a stranger who has the
 *    migration id (it travels in clear without TLS) but not the secret, or a
 *    source with the secret that is not the one (it knows no id), cannot make
 *    the destination drop the paused migration.
 * 2. `switchover-ack-timeout` and `timeout` count only the time the link is
 *    up: a pause longer than either does not fail the resumed migration, and
 *    the time after the resume still counts.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { AUTH_NONCE_BYTES, STREAM_MAGIC, STREAM_VERSION } from '@livemig/common/wire';
import { killAll, startSource } from './helpers/daemons';
import { RawSource, migrationIdOf } from './helpers/raw-source';
import { MiB, expectCompletedVerified, expectDestinationWaiting, expectSourceIntact, marks, resumeCase, statuses, waitBothPaused, waitEnd, waitInfo, waitStatus, type End, type Ends, type ResumeTest } from './helpers/resume';
import { migrationEnded, pollUntil } from './helpers/poll';
import { closeProxies, type TcpProxy } from './helpers/tcp-proxy';

// The cases run concurrently (they mostly wait: alloc-ms, pauses, bandwidth limits): each
// has its own ends, proxies, daemons and temp dirs (resumeCase), cleaned up when it ends;
// closeProxies and killAll are the backstop.
afterAll(async () => {
  await closeProxies();
  await killAll();
});

const DEVICES = ['ram,id=ram0,size=64M,fill=random,seed=71', 'accel,id=accel0,resources=2,resource-size=1M,alloc-ms=50,initial-size=64K,state-size=256K,seed=72', 'cpu,id=cpu0,vcpus=2,seed=73'];
const CAPS = 'return-path,switchover-ack,verify,precopy-resume';
/** kv approves the switchover once its table is prepared: switchover-ack is not needed for this test. */
const RESUME_CAPS_KV = 'return-path,verify,precopy-resume';
/** Long enough that only the fix (not the timeout) lets a fresh migration in during a test. */
const LONG_RESUME_TIMEOUT = 'precopy-resume-timeout=120000';

/** A case with its own state (helpers/resume.ts resumeCase), ends defaulting to this file's machine. */
const gapsCase = (body: (t: ResumeTest) => Promise<void>) => resumeCase({ devices: DEVICES, caps: CAPS }, body);

/**
 * A migration (through a capturing proxy) whose SWITCHOVER_START the break
 * swallows: the source stopped its machine, failed and runs it again; the
 * destination paused in precopy. Returns the migration id (from the stream).
 */
async function swallowedSwitchover(t: ResumeTest, e: Ends): Promise<{ id: Buffer; proxy: TcpProxy }> {
  const { expect } = t;
  const proxy = await t.proxy(e.dstUri, { capture: 64 * 1024 });
  await e.src.q.call('migrate', { uri: proxy.uri });
  // The link stays down for the source once it failed: the proxy takes no new connection,
  // so its notice (abandon-notice.ts) does not get through and the destination stays paused.
  await waitStatus(e.src, 'active');
  await proxy.close();
  const [s] = await Promise.all([waitEnd(e.src), waitStatus(e.dst, 'precopy-paused')]);
  expect(s.data?.status).toBe('failed');
  expect(statuses(e.src)).toContain('device');
  expect(statuses(e.src)).not.toContain('precopy-paused');
  expect(e.src.q.events.some((x) => x.event === 'STOP')).toBe(true);
  expect(e.src.q.events.some((x) => x.event === 'RESUME')).toBe(true);
  expect((await e.dst.q.call('query-migrate')).status).toBe('precopy-paused');
  return { id: migrationIdOf(proxy.captured(0)), proxy };
}

/** The source's migration (from event `from` on) completed; else its error-desc says why, without waiting on the destination. */
async function expectSourceCompleted({ expect }: ResumeTest, e: Ends, from: number): Promise<void> {
  const s = await waitEnd(e.src, from);
  expect(s.data?.status, String((await e.src.q.call('query-migrate'))['error-desc'])).toBe('completed');
}

/**
 * A fresh migration from the source (not a resume): the destination first
 * discards the paused one (its `failed`), then takes the new one, which
 * completes verified with `expected`. Returns the marks of the new migration.
 */
async function freshMigrationDiscards(t: ResumeTest, e: Ends, expected: Record<string, string>): Promise<{ src: number; dst: number }> {
  const { expect } = t;
  const m = marks(e);
  await e.src.q.call('migrate', { uri: e.dstUri });
  // The source's end first: refused as busy (no discard), it fails at once with the destination's reason.
  await expectSourceCompleted(t, e, m.src);
  const discarded = await waitEnd(e.dst, m.dst);
  expect(discarded.data?.status).toBe('failed');
  const from = { src: m.src, dst: e.dst.q.events.indexOf(discarded) + 1 };
  await expectCompletedVerified(e, 0, from);
  expect(await e.dst.q.call('query-digests')).toEqual(expected);
  const after = statuses(e.dst, m.dst);
  expect(after[0]).toBe('failed');
  expect(after.slice(1)).toContain('active');
  expect(after.at(-1)).toBe('completed');
  expect(after).not.toContain('precopy-paused');
  expect(e.dst.d.stderrText).toMatch(/incoming migration discarded: its source gave up on it/);
  return from;
}

/**
 * The switchover-ack comes only when accel's allocation (4 × 1.5 s) is done.
 * The link breaks early in it and the pause is held for PAUSE_MS; the
 * destination allocates on meanwhile, so after the resume the ack comes
 * within a second or two of link time.
 */
const SLOW_ACK = ['ram,id=ram0,size=32M,seed=81', 'accel,id=accel0,resources=4,resource-size=1M,alloc-ms=1500,initial-size=64K,state-size=256K,seed=82', 'cpu,id=cpu0,vcpus=2,seed=83'];
const PAUSE_MS = 4500;

/** Breaks the migration during the ack wait, holds the pause PAUSE_MS, resumes; returns the marks from the resume on. */
async function pauseInAckWait(t: ResumeTest, e: Ends, pauseMs = PAUSE_MS): Promise<{ src: number; dst: number }> {
  const proxy = await t.proxy(e.dstUri);
  await e.src.q.call('migrate', { uri: proxy.uri });
  await waitInfo(e.dst, (i) => i['bytes-received'] >= 8 * MiB && i['switchover-acked'] === false, 'the switchover-ack wait');
  await proxy.kill();
  await waitBothPaused(e);
  // The pause's length is what is under test: the link stays down until the source's own
  // migration clock (total-time) says it has been paused this long.
  const pausedAt = (await e.src.q.call('query-migrate'))['total-time'] as number;
  await pollUntil(() => e.src.q.call('query-migrate'), (i) => i['total-time'] >= pausedAt + pauseMs, `a ${pauseMs} ms pause`, { timeoutMs: pauseMs + 20_000, ended: migrationEnded() });
  const m = marks(e);
  await e.src.q.call('migrate', { uri: e.dstUri, resume: true });
  return m;
}

// Alone, before the concurrent cases (the same describe name keeps the test's name). Its
// budget also covers the setup and the first 8 MiB before the break (~0.7 s on a quiet
// machine, 0.8-1.15 s beside the other cases with two CPU burners). At 1500 ms a full run
// on a slower, loaded VM timed out before the break (1.36 s after 'active'); at 3000 ms
// the margins are even on both sides: ~2.2 s for reaching the break, and the timeout fires
// at ~3.8 s of wall time (3 s of link time plus the 0.5 s pause and the resume), ~2.2 s
// before the ack can come (6 s of allocation, which goes on during the pause).
describe('precopy-resume: timeout and switchover-ack-timeout count only time with the link up', () => {
  it('the time after the resume still counts: switchover-ack-timeout=3000 fails the resumed migration before its ack, the source runs intact',
    gapsCase(async (t) => {
      const { expect } = t;
      const e = await t.ends({ devices: SLOW_ACK, params: ['switchover-ack-timeout=3000'] });
      const expected = await e.src.q.call('query-digests');
      // A short pause: the ack is still ~4 s of allocation away after the resume, the timeout ~2 s of link time.
      const m = await pauseInAckWait(t, e, 500);
      await waitStatus(e.src, 'active', m.src);
      const s = await waitEnd(e.src, m.src);
      expect(s.data?.status).toBe('failed');
      const info = await e.src.q.call('query-migrate');
      expect(info['error-desc']).toMatch(/switchover-ack-timeout \(3000 ms\)/);
      expect(info.resumes).toBe(1);
      await expectSourceIntact(e, expected);
      // The destination took the close for a break and paused; the link works, so the source's
      // notice gets through at once and it discards the migration.
      const d = await waitEnd(e.dst, m.dst);
      expect(d.data?.status).toBe('failed');
      expect(statuses(e.dst, m.dst)).toContain('precopy-paused');
      expect((await e.dst.q.call('query-migrate'))['error-desc']).toMatch(/discarded: its source ended it before the switchover/);
      await e.dst.d.waitMsg('the source closed after naming the migrations it gave up on (a notice, not a migration)');
      await expectDestinationWaiting(e);
    }));
});

// First of the concurrent cases: they start in declaration order (vitest's maxConcurrency at a
// time), and these, with their 4.5 s pauses, are the file's longest.
describe.concurrent('precopy-resume: timeout and switchover-ack-timeout count only time with the link up', () => {
  for (const param of ['switchover-ack-timeout', 'timeout'] as const) {
    it(`${param}=4000 and a ${PAUSE_MS} ms pause in the ack wait: the resumed migration completes, verified`,
      gapsCase(async (t) => {
        const { expect } = t;
        const e = await t.ends({ devices: SLOW_ACK, params: [`${param}=4000`] });
        const expected = await e.src.q.call('query-digests');
        const m = await pauseInAckWait(t, e);
        await expectSourceCompleted(t, e, m.src);
        const info = await expectCompletedVerified(e, 1, m);
        expect(await e.dst.q.call('query-digests')).toEqual(expected);
        // Wall time from start to ack is past the bound; only the pause took it there.
        expect(info['switchover-ack-wait']).toBeGreaterThan(4000);
      }));
  }
});

describe.concurrent('precopy-resume: a fresh migration after a pause that cannot be resumed', () => {
  it('a break that swallows SWITCHOVER_START: the source fails and runs; its fresh migration discards the paused destination at once and completes, verified',
    gapsCase(async (t) => {
      const { expect } = t;
      const e = await t.ends({ dstArgs: ['--param', LONG_RESUME_TIMEOUT], dstEnv: { LIVEMIG_TEST_FAULT: 'reset@switchover-start' } });
      const expected = await e.src.q.call('query-digests');
      await swallowedSwitchover(t, e);
      await expectSourceIntact(e, expected);
      // Nothing paused on the source: a resume there has nothing to resume.
      await expect(e.src.q.call('migrate', { uri: e.dstUri, resume: true })).rejects.toThrow(/no paused migration/);
      const t0 = performance.now();
      const m = await freshMigrationDiscards(t, e, expected);
      expect(performance.now() - t0).toBeLessThan(60_000);
      // The new migration went through the whole switchover-ack flow again: accel allocated anew, one ack.
      expect(e.src.q.events.slice(m.src).filter((x) => x.event === 'MIGRATION_SWITCHOVER_ACK')).toHaveLength(1);
      expect(e.dst.q.events.slice(m.dst).filter((x) => x.event === 'DEVICE_PREALLOCATED' && x.data?.device === 'accel0')).toHaveLength(1);
    }));

  it('--exit-on-complete: the discarded migration is not the end; the destination exits 0 after the fresh one completes',
    gapsCase(async (t) => {
      const { expect } = t;
      const e = await t.ends({ dstArgs: ['--param', LONG_RESUME_TIMEOUT, '--exit-on-complete'], dstEnv: { LIVEMIG_TEST_FAULT: 'reset@switchover-start' } });
      await swallowedSwitchover(t, e);
      const m = marks(e);
      await e.src.q.call('migrate', { uri: e.dstUri });
      await expectSourceCompleted(t, e, m.src);
      expect((await e.dst.d.exited).code).toBe(0);
      expect(statuses(e.dst, m.dst)[0]).toBe('failed');
      expect(statuses(e.dst, m.dst).at(-1)).toBe('completed');
    }));

  it('the discard runs loadCleanup before the configuration is judged: a new migration that is then refused leaves the destination waiting, accel freed',
    gapsCase(async (t) => {
      const { expect } = t;
      const e = await t.ends({ dstArgs: ['--param', LONG_RESUME_TIMEOUT], dstEnv: { LIVEMIG_TEST_FAULT: 'reset@switchover-start' } });
      const expected = await e.src.q.call('query-digests');
      const { id } = await swallowedSwitchover(t, e);
      // The paused migration holds accel's allocation.
      const held = (await e.dst.q.call('query-devices')) as Array<Record<string, unknown>>;
      expect(held.find((d) => d.id === 'accel0')?.['allocated-resources']).toBe(2);
      const m = marks(e);
      // No secret here: naming the id is the proof (as for a resume). A configuration that does
      // not match is refused, but only after the paused migration was discarded.
      const raw = await RawSource.open(e.dstUri);
      raw.send({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION, abandons: [randomBytes(16), id] } });
      raw.send({ configuration: { devices: [], migrationId: randomBytes(16) } });
      expect(await raw.refused()).toMatch(/device/i);
      const failed = await waitEnd(e.dst, m.dst);
      expect(failed.data?.status).toBe('failed');
      expect((await e.dst.q.call('query-migrate'))['error-desc']).toMatch(/discarded: its source ended it before the switchover/);
      await expectDestinationWaiting(e);
      const again = marks(e);
      await e.src.q.call('migrate', { uri: e.dstUri });
      await expectCompletedVerified(e, 0, again);
      expect(await e.dst.q.call('query-digests')).toEqual(expected);
    }));

  it('migrate_cancel on the source while paused: its next migration discards the paused destination instead of waiting out its timeout',
    gapsCase(async (t) => {
      const { expect } = t;
      const e = await t.ends({ dstArgs: ['--param', LONG_RESUME_TIMEOUT] });
      const expected = await e.src.q.call('query-digests');
      const proxy = await t.proxy(e.dstUri);
      const killed = proxy.killAt(8 * MiB);
      await e.src.q.call('migrate', { uri: proxy.uri });
      await killed;
      await waitBothPaused(e);
      await e.src.q.call('migrate_cancel');
      expect((await waitEnd(e.src)).data?.status).toBe('cancelled');
      await expectSourceIntact(e, expected);
      expect((await e.dst.q.call('query-migrate')).status).toBe('precopy-paused');
      await freshMigrationDiscards(t, e, expected);
    }));

  it('with a secret, neither the id without the secret nor the secret without the id drops the paused migration; the real source then does',
    gapsCase(async (t) => {
      const { expect } = t;
      const dir = t.tempDir('livemig-gaps-');
      const secret = join(dir, 'secret');
      writeFileSync(secret, 'precopy-resume gaps test secret\n', { mode: 0o600 });
      const auth = ['--auth-secret-file', secret];
      const e = await t.ends({ srcArgs: auth, dstArgs: [...auth, '--param', LONG_RESUME_TIMEOUT], dstEnv: { LIVEMIG_TEST_FAULT: 'reset@switchover-start' } });
      const expected = await e.src.q.call('query-digests');
      const { id } = await swallowedSwitchover(t, e);
      const held = (await e.dst.q.call('query-migrate'))['bytes-received'];
      const dm = marks(e);

      // 1. The right id, no secret: refused at the header, nothing discarded.
      const bare = await RawSource.open(e.dstUri);
      bare.send({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION, abandons: [id] } });
      expect(await bare.refused()).toMatch(/authentication required/);
      // 2. The right id and a challenge, but a proof made without the secret: refused.
      const guess = await RawSource.open(e.dstUri);
      guess.send({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION, abandons: [id], authNonce: randomBytes(AUTH_NONCE_BYTES) } });
      await guess.next((x) => x.body === 'authChallenge');
      guess.send({ authResponse: { mac: randomBytes(32) } });
      expect(await guess.refused()).toMatch(/authentication failed/);
      // 3. Another source with the secret (it knows no id of this migration): refused as busy, no state moved.
      const other = t.daemon(startSource([...DEVICES.flatMap((x) => ['--device', x]), '--caps', CAPS, ...auth, '--workload', 'dirty-rate=0', '--migrate-to', e.dstUri]));
      expect((await other.exited).code).not.toBe(0);
      expect(other.summary()['error-desc']).toMatch(/paused here/);
      expect((other.summary().ram as Record<string, number>).transferred).toBe(0);

      const d = await e.dst.q.call('query-migrate');
      expect(d.status).toBe('precopy-paused');
      expect(d['bytes-received']).toBe(held);
      expect(statuses(e.dst, dm.dst)).toEqual([]);

      // The real source (the id and the secret): accepted at once, completes.
      await freshMigrationDiscards(t, e, expected);
    }));
});

describe.concurrent('precopy-resume: the source tells the destination at once when the link still works', () => {
  it('migrate_cancel while active, with a secret: the notice from the source authenticates and the destination discards at once (paused on the close or not yet); a second migration completes',
    gapsCase(async (t) => {
      const { expect } = t;
      const dir = t.tempDir('livemig-gaps-');
      const secret = join(dir, 'secret');
      writeFileSync(secret, 'precopy-resume gaps notice secret\n', { mode: 0o600 });
      const auth = ['--auth-secret-file', secret];
      // 8 MiB/s: 64 MiB keeps it active for seconds.
      const e = await t.ends({ srcArgs: [...auth, '--param', 'max-bandwidth=8M'], dstArgs: [...auth, '--param', LONG_RESUME_TIMEOUT] });
      const expected = await e.src.q.call('query-digests');
      await e.src.q.call('migrate', { uri: e.dstUri });
      await waitInfo(e.dst, (i) => i['bytes-received'] >= 4 * MiB, 'some precopy');
      await e.src.q.call('migrate_cancel');
      expect((await waitEnd(e.src)).data?.status).toBe('cancelled');
      const d = await waitEnd(e.dst);
      expect(d.data?.status).toBe('failed');
      expect((await e.dst.q.call('query-migrate'))['error-desc']).toMatch(/discarded: its source ended it before the switchover/);
      const told = await e.src.d.waitLog((l) => /tell the destination this source gave up|told the destination this source gave up/.test(String(l.msg)), 'the notice');
      expect(told.msg).toBe('told the destination this source gave up on its migration (it may hold it paused)');
      await e.dst.d.waitMsg('the source closed after naming the migrations it gave up on (a notice, not a migration)');
      await expectSourceIntact(e, expected);
      await expectDestinationWaiting(e);
      const m = marks(e);
      await e.src.q.call('migrate-set-parameters', { 'max-bandwidth': 0 });
      await e.src.q.call('migrate', { uri: e.dstUri });
      await expectCompletedVerified(e, 0, m);
      expect(await e.dst.q.call('query-digests')).toEqual(expected);
    }));
});

describe.concurrent('precopy-resume: --exit-on-complete and the notice', () => {
  it('a cancel on the source while active: the destination, told at once, exits 1 (the discarded migration was its one)',
    gapsCase(async (t) => {
      const { expect } = t;
      const e = await t.ends({ srcArgs: ['--param', 'max-bandwidth=8M'], dstArgs: ['--param', LONG_RESUME_TIMEOUT, '--exit-on-complete'] });
      await e.src.q.call('migrate', { uri: e.dstUri });
      await waitInfo(e.dst, (i) => i['bytes-received'] >= 4 * MiB, 'some precopy');
      await e.src.q.call('migrate_cancel');
      expect((await waitEnd(e.src)).data?.status).toBe('cancelled');
      expect((await e.dst.d.exited).code).toBe(1);
      expect(e.dst.d.stderrText).toMatch(/incoming migration discarded: its source gave up on it/);
    }));
});

describe.concurrent('precopy-resume: kv resumes from what the destination holds', () => {
  it('a break halfway through: the source sends only the keys the destination lacks, then completes verified',
    gapsCase(async (t) => {
      const { expect } = t;
      const KEYS = 20_000;
      const kv = 'kv,id=kv0,listen=127.0.0.1:0,keys=20000,value-size=512';
      const e = await t.ends({ devices: [kv, 'cpu,id=cpu0,vcpus=1,seed=91'], caps: RESUME_CAPS_KV });
      const expected = await e.src.q.call('query-digests');
      const proxy = await t.proxy(e.dstUri);
      const killed = proxy.killAt(5 * MiB);
      await e.src.q.call('migrate', { uri: proxy.uri });
      await killed;
      await waitBothPaused(e);
      const kvOf = async (end: End): Promise<{ loaded: number; transferred: number }> => {
        const devices = (await end.q.call('query-devices')) as Array<{ id: string; loaded: number; transferred: number }>;
        return devices.find((d) => d.id === 'kv0')!;
      };
      const [dstAtPause, receivedAtPause] = await Promise.all([kvOf(e.dst), e.dst.q.call('query-migrate').then((i) => i['bytes-received'] as number)]);
      expect(dstAtPause.loaded).toBeGreaterThan(0);
      expect(dstAtPause.loaded).toBeLessThan(KEYS);
      const m = marks(e);
      await e.src.q.call('migrate', { uri: e.dstUri, resume: true });
      await expectCompletedVerified(e, 1, m);
      expect(await e.dst.q.call('query-digests')).toEqual(expected);
      // A record is its 17-byte meta, the key (≤ 9 bytes) and the 512-byte value. Received after
      // the resume (the destination's count, whatever the source's counters do on a set-up-again):
      // the keys it had not loaded, the cpu state and framing, not the whole key space.
      const record = 17 + 9 + 512;
      const sentAfter = ((await e.dst.q.call('query-migrate'))['bytes-received'] as number) - receivedAtPause;
      expect(sentAfter).toBeLessThanOrEqual((KEYS - dstAtPause.loaded) * record + 64 * 1024);
      expect(sentAfter).toBeLessThan(KEYS * record * 0.9);
      // kv was not set up again (no new START): it reported what it holds.
      expect(e.dst.d.stderrText).toMatch(/"restarted":\[\],"msg":"incoming migration resumed: held state reported"/);
    }));
});
