/**
 * precopy-resume, part 2: the bounds of a pause. A pause that is not resumed
 * in time fails like any migration (source running, destination discarding);
 * migrate_cancel ends it on either side; a source without the secret cannot
 * resume someone else's migration; a break after the machine stopped is not
 * resumed (it fails as without the capability); and the capability must be
 * on at both ends. Each case ends with a second migration that completes,
 * verified, with the state the source started with (an idle, seeded machine).
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { AUTH_NONCE_BYTES, STREAM_MAGIC, STREAM_VERSION } from '@livemig/common/wire';
import { killAll, startDestination, startSource } from './helpers/daemons';
import { RawSource, migrationIdOf } from './helpers/raw-source';
import { eventMs } from './helpers/qmp-client';
import { MiB, expectCompletedVerified, expectDestinationWaiting, expectSourceIntact, marks, resumeCase, statuses, waitBothPaused, waitEnd, waitStatus, type Ends, type ResumeTest } from './helpers/resume';
import { closeProxies } from './helpers/tcp-proxy';

// The cases run concurrently (they mostly wait: resume timeouts, alloc-ms): each has its
// own ends, proxies, daemons and temp dirs (resumeCase), cleaned up when it ends;
// closeProxies and killAll are the backstop.
afterAll(async () => {
  await closeProxies();
  await killAll();
});

const DEVICES = ['ram,id=ram0,size=64M,fill=random,seed=61', 'accel,id=accel0,resources=2,resource-size=1M,alloc-ms=50,initial-size=64K,state-size=256K,seed=62', 'cpu,id=cpu0,vcpus=2,seed=63'];
const CAPS = 'return-path,switchover-ack,verify,precopy-resume';

/** A case with its own state (helpers/resume.ts resumeCase), ends defaulting to this file's machine. */
const boundsCase = (body: (t: ResumeTest) => Promise<void>) => resumeCase({ devices: DEVICES, caps: CAPS }, body);

/** A migration through a proxy that is killed `at` bytes in; resolves once both ends are paused. */
async function breakAt(t: ResumeTest, e: Ends, at = 8 * MiB): Promise<void> {
  const proxy = await t.proxy(e.dstUri);
  const killed = proxy.killAt(at);
  await e.src.q.call('migrate', { uri: proxy.uri });
  await killed;
  await waitBothPaused(e);
}

/** A fresh migration (not a resume) that completes verified with the source's original state. */
async function secondMigration({ expect }: ResumeTest, e: Ends, expected: Record<string, string>): Promise<void> {
  const m = marks(e);
  await e.src.q.call('migrate', { uri: e.dstUri });
  await expectCompletedVerified(e, 0, m);
  expect(await e.dst.q.call('query-digests')).toEqual(expected);
}

describe.concurrent('precopy-resume: the bounds of a pause', () => {
  it('precopy-resume-timeout ends a pause as a failure: source running and intact, destination discards, a second migration verifies',
    boundsCase(async (t) => {
      const { expect } = t;
      const e = await t.ends({ params: ['precopy-resume-timeout=1000'] });
      const expected = await e.src.q.call('query-digests');
      await breakAt(t, e);
      const [s, d] = await Promise.all([waitEnd(e.src), waitEnd(e.dst)]);
      expect(s.data?.status).toBe('failed');
      expect(d.data?.status).toBe('failed');
      // Each end waited the timeout out from its own pause. (The timer is armed as the pause
      // begins and the pause announced just after, a log line later: on a loaded machine the
      // event's timestamp trails the timer's start by some ms.)
      for (const end of [e.src, e.dst]) {
        const paused = end.q.events.find((x) => x.event === 'MIGRATION' && x.data?.status === 'precopy-paused')!;
        const failed = end.q.events.find((x) => x.event === 'MIGRATION' && x.data?.status === 'failed')!;
        expect(eventMs(failed) - eventMs(paused)).toBeGreaterThanOrEqual(900);
        expect(eventMs(failed) - eventMs(paused)).toBeLessThan(6000);
      }
      const info = await e.src.q.call('query-migrate');
      expect(info['error-desc']).toMatch(/precopy-resume-timeout/);
      await expectSourceIntact(e, expected);
      await expectDestinationWaiting(e);
      // A resume now has nothing to resume.
      await expect(e.src.q.call('migrate', { uri: e.dstUri, resume: true })).rejects.toThrow(/no paused migration/);
      await secondMigration(t, e, expected);
    }));

  it('migrate_cancel on the source while paused: cancelled, running, intact; the destination discards at its own timeout',
    boundsCase(async (t) => {
      const { expect } = t;
      // The destination cannot hear of the source's cancel (there is no connection): its timeout ends its pause.
      const e = await t.ends({ dstArgs: ['--param', 'precopy-resume-timeout=1500'] });
      const expected = await e.src.q.call('query-digests');
      await breakAt(t, e);
      await e.src.q.call('migrate_cancel');
      const s = await waitEnd(e.src);
      expect(s.data?.status).toBe('cancelled');
      expect(statuses(e.src).slice(-3)).toEqual(['precopy-paused', 'cancelling', 'cancelled']);
      await expectSourceIntact(e, expected);
      const d = await waitEnd(e.dst);
      expect(d.data?.status).toBe('failed');
      await expectDestinationWaiting(e);
      await secondMigration(t, e, expected);
    }));

  it('migrate_cancel on the destination while paused: it discards and waits again; the source cannot resume into it and cancels',
    boundsCase(async (t) => {
      const { expect } = t;
      const e = await t.ends();
      const expected = await e.src.q.call('query-digests');
      await breakAt(t, e);
      await e.dst.q.call('migrate_cancel');
      const d = await waitEnd(e.dst);
      expect(d.data?.status).toBe('failed');
      expect((await e.dst.q.call('query-migrate'))['error-desc']).toMatch(/cancelled on the destination/);
      await expectDestinationWaiting(e);
      await expect(e.dst.q.call('migrate-recover', { uri: 'tcp:127.0.0.1:0' })).rejects.toThrow(/paused/);
      // The source still holds its pause; a resume finds nothing to continue and does not start a migration.
      const m = marks(e);
      await e.src.q.call('migrate', { uri: e.dstUri, resume: true });
      const after = await waitStatus(e.src, ['precopy-paused', 'failed'], m.src);
      expect(statuses(e.src, m.src)).not.toContain('active');
      if (after.data?.status === 'precopy-paused') {
        await e.src.q.call('migrate_cancel');
        expect((await waitStatus(e.src, ['cancelled', 'failed'], m.src)).data?.status).toBe('cancelled');
      }
      await expectSourceIntact(e, expected);
      await expectDestinationWaiting(e);
      await secondMigration(t, e, expected);
    }));

  it('a resume attempt without the secret is refused, even naming the right migration; the paused migration is unharmed and the real source resumes it',
    boundsCase(async (t) => {
      const { expect } = t;
      const dir = t.tempDir('livemig-resume-');
      const secret = join(dir, 'secret');
      writeFileSync(secret, 'precopy-resume test secret\n', { mode: 0o600 });
      const e = await t.ends({ srcArgs: ['--auth-secret-file', secret], dstArgs: ['--auth-secret-file', secret] });
      const expected = await e.src.q.call('query-digests');
      // The proxy keeps the stream's first bytes: its Configuration names the migration (in clear
      // without TLS, so an eavesdropper has it too).
      const proxy = await t.proxy(e.dstUri, { capture: 64 * 1024 });
      const killed = proxy.killAt(8 * MiB);
      await e.src.q.call('migrate', { uri: proxy.uri });
      await killed;
      await waitBothPaused(e);
      const migrationId = migrationIdOf(proxy.captured(0));
      const held = (await e.dst.q.call('query-migrate'))['bytes-received'];
      const dm = marks(e);

      // 1. The right migration id, no secret: refused before anything is read.
      const bare = await RawSource.open(e.dstUri);
      bare.send({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION, resume: { migrationId } } });
      expect(await bare.refused()).toMatch(/authentication required/);
      // 2. The right id and a challenge, but a proof made without the secret: refused.
      const guess = await RawSource.open(e.dstUri);
      guess.send({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION, resume: { migrationId }, authNonce: randomBytes(AUTH_NONCE_BYTES) } });
      await guess.next((m) => m.body === 'authChallenge');
      guess.send({ authResponse: { mac: randomBytes(32) } });
      expect(await guess.refused()).toMatch(/authentication failed/);
      // 3. A real source without the secret, with a paused migration of its own (its own
      //    destination, broken the same way), resuming here: refused (not its migration).
      const imp = await t.ends();
      await breakAt(t, imp);
      const im = marks(imp);
      await imp.src.q.call('migrate', { uri: e.dstUri, resume: true });
      await waitStatus(imp.src, ['precopy-paused', 'failed'], im.src);
      expect((await imp.src.q.call('query-migrate'))['resume-error']).toMatch(/no incoming migration here is the one this connection resumes/);
      // 4. A fresh migration without the secret: refused, no state moved.
      const plain = t.daemon(startSource([...DEVICES.flatMap((x) => ['--device', x]), '--caps', CAPS, '--workload', 'dirty-rate=0', '--migrate-to', e.dstUri]));
      expect((await plain.exited).code).not.toBe(0);
      expect(plain.summary().status).toBe('failed');
      expect((plain.summary().ram as Record<string, number>).transferred).toBe(0);

      // The real migration did not notice: still paused (each refused resume only passed
      // through precopy-recover), holding what it held.
      const d = await e.dst.q.call('query-migrate');
      expect(d.status).toBe('precopy-paused');
      expect(d['bytes-received']).toBe(held);
      expect(d.resumes).toBe(0);
      expect(statuses(e.dst, dm.dst).filter((x) => x !== 'precopy-recover' && x !== 'precopy-paused')).toEqual([]);
      expect((await e.src.q.call('query-migrate')).status).toBe('precopy-paused');

      const rm = marks(e);
      await e.src.q.call('migrate', { uri: e.dstUri, resume: true });
      await expectCompletedVerified(e, 1, rm);
      expect(await e.dst.q.call('query-digests')).toEqual(expected);
    }));

  it('a break after the machine stopped is not resumed: it fails as without the capability, the source runs intact',
    boundsCase(async (t) => {
      const { expect } = t;
      // The destination resets the connection once the switchover started (test fault).
      const e = await t.ends({ dstEnv: { LIVEMIG_TEST_FAULT: 'reset@switchover' } });
      const expected = await e.src.q.call('query-digests');
      await e.src.q.call('migrate', { uri: e.dstUri });
      const [s, d] = await Promise.all([waitEnd(e.src), waitEnd(e.dst)]);
      expect(s.data?.status).toBe('failed');
      expect(d.data?.status).toBe('failed');
      expect(e.src.q.events.some((x) => x.event === 'STOP')).toBe(true);
      expect(statuses(e.src)).not.toContain('precopy-paused');
      expect(statuses(e.dst)).not.toContain('precopy-paused');
      expect((await e.src.q.call('query-migrate'))['error-desc']).toMatch(/during (stop-and-copy|switchover)/);
      await expectSourceIntact(e, expected);
      await expectDestinationWaiting(e);
      await expect(e.src.q.call('migrate', { uri: e.dstUri, resume: true })).rejects.toThrow(/no paused migration/);
      await secondMigration(t, e, expected);
    }));

  for (const [on, off] of [
    ['source', 'destination'],
    ['destination', 'source'],
  ] as const) {
    it(`the capability on at the ${on} only: refused before any state moves`,
      boundsCase(async ({ expect, daemon }) => {
        const one = 'return-path,verify,precopy-resume';
        const other = 'return-path,verify';
        const machine = DEVICES.flatMap((x) => ['--device', x]);
        const { d: dst, uri } = await startDestination([...machine, '--caps', on === 'destination' ? one : other]);
        daemon(dst);
        const src = daemon(startSource([...machine, '--caps', on === 'source' ? one : other, '--workload', 'dirty-rate=0', '--migrate-to', uri]));
        expect((await src.exited).code).not.toBe(0);
        const summary = src.summary();
        expect(summary.status).toBe('failed');
        expect(summary['error-desc']).toContain(`capability 'precopy-resume' is ${on === 'source' ? 'on' : 'off'} at the source but ${on === 'source' ? 'off' : 'on'} at the destination`);
        expect((summary.ram as Record<string, number>).transferred).toBe(0);
        void off;
        dst.kill();
      }));
  }
});

