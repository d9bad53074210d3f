/**
 * precopy-resume, part 1: a precopy whose connection breaks is paused on both
 * ends and resumed where it stopped. The break is real: the migration runs
 * through a TCP proxy in this process (helpers/tcp-proxy.ts) that is killed
 * or reset (RST both ways) at an exact byte of the stream, or black-holes it
 * (silence past stall-timeout). Cases: 50% of 1 GiB, three breaks, the
 * switchover-ack wait, after the approval, a re-arm while paused, multifd,
 * the black hole. The source then resumes
 * with `migrate {"uri", "resume": true}`; the destination has kept what it
 * received, reports it, and the source sends only the rest plus what the
 * machine dirtied: the resumed migration completes, verified, and moves
 * no more than that (plus 1%).
 *
 * The destination's `bytes-received` at the pause bounds what it holds: a
 * frame torn by the break is counted there but not held, so at most one
 * frame (MAX_RAM_FRAME) more is missing than `ram.total − bytes-received`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { killAll } from './helpers/daemons';
import { eventMs } from './helpers/qmp-client';
import { GiB, MAX_RAM_FRAME, MiB, expectCompletedVerified, marks, startEnds, statuses, waitBothPaused, waitInfo, waitStatus, withLogs, type Ends } from './helpers/resume';
import { closeProxies, startProxy } from './helpers/tcp-proxy';

let ends: Ends | null = null;
afterEach(async () => {
  ends?.close();
  ends = null;
  await closeProxies();
  await killAll();
});

/** One seeded RAM block of random pages (no zero page: every page unreceived is bytes to resend). */
const BIG = ['ram,id=ram0,size=1G,fill=random,seed=41', 'cpu,id=cpu0,vcpus=2,seed=42'];
const DIRTY_RATE = 16 * MiB;
/** Three breaks need no gigabyte: half of one keeps the file quick. */
const HALF = ['ram,id=ram0,size=512M,fill=random,seed=43', 'cpu,id=cpu0,vcpus=2,seed=44'];

/** The paused ends' figures: what the destination received, what the source had sent. */
async function pausedFigures(e: Ends): Promise<{ received: number; transferred: number }> {
  const [s, d] = await Promise.all([e.src.q.call('query-migrate'), e.dst.q.call('query-migrate')]);
  expect(s.status).toBe('precopy-paused');
  expect(d.status).toBe('precopy-paused');
  return { received: d['bytes-received'] as number, transferred: s.ram.transferred as number };
}

/** Bytes the workload can have dirtied while the machine ran during the migration (dirty-rate × time until STOP). */
function dirtiedBound(e: Ends, rate: number): number {
  const ev = e.src.q.events;
  const start = ev.find((x) => x.event === 'MIGRATION' && x.data?.status === 'setup');
  const stop = ev.find((x) => x.event === 'STOP');
  expect(start && stop, 'setup and STOP events').toBeTruthy();
  return (rate * (eventMs(stop!) - eventMs(start!))) / 1000;
}

describe('precopy-resume through a TCP proxy', () => {
  it('proxy killed at 50% of 1 GiB: both ends pause, the machine runs, the resume completes verified and resends only the rest plus the dirtied', async () => {
    try {
      ends = await startEnds({ devices: BIG, workload: `dirty-rate=${DIRTY_RATE}` });
      const e = ends;
      const proxy = await startProxy(e.dstUri);
      const killed = proxy.killAt(GiB / 2);
      await e.src.q.call('migrate', { uri: proxy.uri });
      await killed;
      await waitBothPaused(e);
      const paused = await pausedFigures(e);
      // The break cut the stream at 512 MiB: the destination has at most that, and most of it.
      expect(paused.received).toBeLessThanOrEqual(GiB / 2);
      expect(paused.received).toBeGreaterThan(GiB / 4);
      // Paused, not failed: the machine runs (and dirties), nothing counted as resent yet.
      expect((await e.src.q.call('query-status')).status).toBe('running');
      const before = await e.src.q.call('query-migrate');
      expect(before.resumes).toBe(0);
      expect(before.ram['resent-after-resume']).toBe(0);
      expect(before['error-desc'] ?? null).toBeNull();

      // The proxy is gone: resume straight to the destination's own listen address.
      const m = marks(e);
      await e.src.q.call('migrate', { uri: e.dstUri, resume: true });
      const info = await expectCompletedVerified(e, 1, m);
      expect(statuses(e.src)).toEqual(expect.arrayContaining(['setup', 'active', 'precopy-paused', 'precopy-recover', 'device', 'completed']));
      const seq = statuses(e.src);
      expect(seq.slice(seq.indexOf('precopy-paused'), seq.indexOf('precopy-paused') + 3)).toEqual(['precopy-paused', 'precopy-recover', 'active']);
      // The destination too: paused, recovering (the resume's handshake), active again.
      expect(statuses(e.dst)).toEqual(['active', 'precopy-paused', 'precopy-recover', 'active', 'completed']);

      const total = info.ram.total as number;
      const resent = info.ram['resent-after-resume'] as number;
      const unreceived = total - paused.received + MAX_RAM_FRAME;
      const dirtied = dirtiedBound(e, DIRTY_RATE);
      // What the destination reported it lacked agrees with what it had received.
      expect(info.ram['unreceived-at-resume']).toBeGreaterThanOrEqual(total - paused.received);
      expect(info.ram['unreceived-at-resume']).toBeLessThanOrEqual(unreceived);
      // Every page the destination never got had to come after the resume...
      expect(resent).toBeGreaterThanOrEqual(total - paused.received);
      // ...and nothing else but what the machine dirtied (a restart would be 1 GiB more).
      expect(resent, `resent ${resent}, unreceived ≤ ${unreceived}, dirtied ≤ ${Math.round(dirtied)}`).toBeLessThanOrEqual(unreceived + dirtied + 0.01 * total);
    } catch (err) {
      throw withLogs(err, ends);
    }
  });

  it('three breaks in one migration (proxy reset each time, resumed through it): completes verified, nothing received twice', async () => {
    try {
      ends = await startEnds({ devices: HALF });
      const e = ends;
      const proxy = await startProxy(e.dstUri);
      const quarter = GiB / 8;
      const figures: Array<{ received: number; transferred: number }> = [];
      let broke = proxy.resetAt(quarter);
      await e.src.q.call('migrate', { uri: proxy.uri });
      for (let k = 1; k <= 3; k++) {
        const m = marks(e);
        await broke;
        await waitBothPaused(e, k === 1 ? { src: 0, dst: 0 } : m);
        figures.push(await pausedFigures(e));
        expect((await e.src.q.call('query-migrate')).resumes).toBe(k - 1);
        // Each resume goes through the same proxy, which breaks it again a quarter further on.
        if (k < 3) broke = proxy.resetAt(proxy.bytesUp + quarter);
        await e.src.q.call('migrate', { uri: proxy.uri, resume: true });
        if (k < 3) await waitStatus(e.src, 'active', m.src);
      }
      const info = await expectCompletedVerified(e, 3);
      expect(proxy.accepted).toBe(4);
      expect(statuses(e.src).filter((s) => s === 'precopy-paused'), statuses(e.src).join(' ')).toHaveLength(3);
      expect(statuses(e.dst).filter((s) => s === 'precopy-paused'), statuses(e.dst).join(' ')).toHaveLength(3);

      // After the first resume the source sends what the destination lacked then, plus what
      // each later break lost in flight (sent, never received), plus the torn frames: an idle
      // machine dirties nothing.
      const total = info.ram.total as number;
      const resent = info.ram['resent-after-resume'] as number;
      let lost = 0;
      for (let k = 1; k < figures.length; k++) {
        lost += figures[k]!.transferred - figures[k - 1]!.transferred - (figures[k]!.received - figures[k - 1]!.received) + MAX_RAM_FRAME;
      }
      const unreceived = total - figures[0]!.received + MAX_RAM_FRAME;
      expect(resent).toBeGreaterThanOrEqual(total - figures[0]!.received);
      expect(resent, `resent ${resent}, unreceived at the first break ≤ ${unreceived}, lost in flight later ≤ ${lost}`).toBeLessThanOrEqual(unreceived + lost + 0.01 * total);
    } catch (err) {
      throw withLogs(err, ends);
    }
  });

  it('a break during the switchover-ack wait: the destination keeps its allocation and owes the ack; one ack, one allocation, then the stop', async () => {
    // Allocation (2 × 1.5 s) far outlasts moving 32 MiB: the break lands while only the ack is missing.
    const devices = ['ram,id=ram0,size=32M,seed=51', 'accel,id=accel0,resources=2,resource-size=1M,alloc-ms=1500,initial-size=64K,state-size=256K,seed=52', 'cpu,id=cpu0,vcpus=2,seed=53'];
    try {
      ends = await startEnds({ devices, caps: 'return-path,switchover-ack,verify,precopy-resume' });
      const e = ends;
      const proxy = await startProxy(e.dstUri);
      await e.src.q.call('migrate', { uri: proxy.uri });
      await waitInfo(e.dst, (i) => i['bytes-received'] >= 34 * MiB && i['switchover-acked'] === false, 'the switchover-ack wait');
      const s = await e.src.q.call('query-migrate');
      expect(s.status).toBe('active');
      expect(s['switchover-acked']).toBe(false);
      await proxy.kill();
      await waitBothPaused(e);
      expect(e.src.q.events.some((x) => x.event === 'STOP')).toBe(false);
      const m = marks(e);
      await e.src.q.call('migrate', { uri: e.dstUri, resume: true });
      await expectCompletedVerified(e, 1, m);
      // The allocation survived the break (it never started over: its progress only grew) and so
      // did the approval: allocated once, acked once, the machine stopped after it.
      const progress = e.dst.q.events.filter((x) => x.event === 'DEVICE_PREALLOCATION_PROGRESS' && x.data?.device === 'accel0').map((x) => x.data?.done as number);
      expect(progress.length).toBeGreaterThan(0);
      for (let i = 1; i < progress.length; i++) expect(progress[i]!, progress.join(',')).toBeGreaterThan(progress[i - 1]!);
      expect(e.dst.q.events.filter((x) => x.event === 'DEVICE_PREALLOCATED' && x.data?.device === 'accel0')).toHaveLength(1);
      const acks = e.src.q.events.filter((x) => x.event === 'MIGRATION_SWITCHOVER_ACK');
      expect(acks).toHaveLength(1);
      const stop = e.src.q.events.find((x) => x.event === 'STOP')!;
      expect(eventMs(stop)).toBeGreaterThanOrEqual(eventMs(acks[0]!));
      const info = await e.src.q.call('query-migrate');
      expect(info['switchover-acked']).toBe(true);
      expect(info.devices.find((x: { id: string }) => x.id === 'accel0')['switchover-ack']).toBe('approved');
    } catch (err) {
      throw withLogs(err, ends);
    }
  });
  it('a break after the device approved (the ack already in): the resume completes verified, the ack given again', async () => {
    // 32 MiB/s: the 64 MiB take 2 s, the allocation (2 × 200 ms) is long done by the break.
    const devices = ['ram,id=ram0,size=64M,fill=random,seed=55', 'accel,id=accel0,resources=2,resource-size=1M,alloc-ms=200,initial-size=64K,state-size=256K,seed=56', 'cpu,id=cpu0,vcpus=2,seed=57'];
    try {
      ends = await startEnds({ devices, caps: 'return-path,switchover-ack,verify,precopy-resume', srcArgs: ['--param', 'max-bandwidth=32M'] });
      const e = ends;
      const proxy = await startProxy(e.dstUri);
      await e.src.q.call('migrate', { uri: proxy.uri });
      await waitInfo(e.src, (i) => i['switchover-acked'] === true && i.status === 'active' && i.ram.transferred < 48 * MiB, 'the ack, with precopy still under way');
      await proxy.kill();
      await waitBothPaused(e);
      const m = marks(e);
      await e.src.q.call('migrate', { uri: e.dstUri, resume: true });
      const info = await expectCompletedVerified(e, 1, m);
      expect(info['switchover-acked']).toBe(true);
      const stop = e.src.q.events.find((x) => x.event === 'STOP')!;
      const lastAck = e.src.q.events.filter((x) => x.event === 'MIGRATION_SWITCHOVER_ACK').at(-1)!;
      expect(eventMs(stop)).toBeGreaterThanOrEqual(eventMs(lastAck));
    } catch (err) {
      throw withLogs(err, ends);
    }
  });
  it('silence past stall-timeout (the proxy black-holes both ways): both ends pause on their own; the stale connection released later harms nothing', async () => {
    const devices = ['ram,id=ram0,size=64M,fill=random,seed=58', 'cpu,id=cpu0,vcpus=2,seed=59'];
    try {
      ends = await startEnds({ devices, params: ['stall-timeout=600'] });
      const e = ends;
      const expected = await e.src.q.call('query-digests');
      const proxy = await startProxy(e.dstUri);
      const held = proxy.pauseAt(24 * MiB);
      await e.src.q.call('migrate', { uri: proxy.uri });
      await held;
      // No RST, no FIN: each end's watchdog ends its wait.
      await waitBothPaused(e);
      const reasons = await Promise.all([e.src.q.call('query-migrate'), e.dst.q.call('query-migrate')]);
      for (const r of reasons) expect(r['pause-reason']).toMatch(/stall/i);
      expect(proxy.paused).toBe(true);
      const m = marks(e);
      await e.src.q.call('migrate', { uri: e.dstUri, resume: true });
      await waitStatus(e.src, 'active', m.src);
      // The old connection's bytes, held in the proxy and the kernel, now reach a closed socket.
      proxy.resume();
      const info = await expectCompletedVerified(e, 1, m);
      expect(info.ram['resent-after-resume']).toBeLessThan(64 * MiB);
      expect(await e.dst.q.call('query-digests')).toEqual(expected);
    } catch (err) {
      throw withLogs(err, ends);
    }
  });
  it('with multifd (2 channels through the proxy, all reset at once): the resume reopens them and completes verified', async () => {
    const devices = ['ram,id=ram0,size=256M,fill=random,seed=60', 'cpu,id=cpu0,vcpus=2,seed=61'];
    try {
      ends = await startEnds({ devices, caps: 'return-path,verify,multifd,precopy-resume', params: ['multifd-channels=2'], workload: `dirty-rate=${DIRTY_RATE}` });
      const e = ends;
      const proxy = await startProxy(e.dstUri);
      const reset = proxy.resetAt(128 * MiB);
      await e.src.q.call('migrate', { uri: proxy.uri });
      await reset;
      await waitBothPaused(e);
      // The main connection and both channels went through the proxy, and all broke.
      expect(proxy.accepted).toBe(3);
      const paused = await pausedFigures(e);
      const m = marks(e);
      await e.src.q.call('migrate', { uri: proxy.uri, resume: true });
      const info = await expectCompletedVerified(e, 1, m);
      expect(proxy.accepted).toBe(6);
      const total = info.ram.total as number;
      const resent = info.ram['resent-after-resume'] as number;
      const unreceived = total - paused.received + 3 * MAX_RAM_FRAME; // a torn frame on each connection
      expect(resent).toBeGreaterThanOrEqual(total - paused.received);
      expect(resent, `resent ${resent}, unreceived ≤ ${unreceived}`).toBeLessThanOrEqual(unreceived + dirtiedBound(e, DIRTY_RATE) + 0.01 * total);
    } catch (err) {
      throw withLogs(err, ends);
    }
  });
  it('a re-arm while paused (x-accel-resize on the running source): after the resume the switchover waits for the new approval', async () => {
    // 32 MiB/s: 64 MiB take 2 s; the first allocation (2 × 100 ms) is done by the break, the
    // one after the resize (4 × 400 ms) comes after the resume.
    const devices = ['ram,id=ram0,size=64M,fill=random,seed=62', 'accel,id=accel0,resources=2,resource-size=1M,alloc-ms=400,initial-size=64K,state-size=64K,seed=63', 'cpu,id=cpu0,vcpus=1,seed=64'];
    try {
      ends = await startEnds({ devices, caps: 'return-path,switchover-ack,verify,precopy-resume', srcArgs: ['--param', 'max-bandwidth=32M'] });
      const e = ends;
      const proxy = await startProxy(e.dstUri);
      await e.src.q.call('migrate', { uri: proxy.uri });
      const first = await e.src.q.waitEvent((x) => x.event === 'MIGRATION_SWITCHOVER_ACK');
      await proxy.kill();
      await waitBothPaused(e);
      // The machine runs while paused: the accel grows, so its initial data (and approval) start over.
      expect(await e.src.q.call('x-accel-resize', { id: 'accel0', resources: 4 })).toEqual({});
      const m = marks(e);
      await e.src.q.call('migrate', { uri: e.dstUri, resume: true });
      await expectCompletedVerified(e, 1, m);
      const acks = e.src.q.events.filter((x) => x.event === 'MIGRATION_SWITCHOVER_ACK');
      const stop = e.src.q.events.find((x) => x.event === 'STOP')!;
      // A new ack after the resume, and the stop only after it.
      const resumed = e.src.q.events.slice(m.src).find((x) => x.event === 'MIGRATION' && x.data?.status === 'active')!;
      const after = acks.filter((a) => eventMs(a) >= eventMs(resumed) && a !== first);
      expect(after.length, JSON.stringify(acks)).toBeGreaterThanOrEqual(1);
      // ...that had to wait for the new allocation (at least one more 400 ms resource): not the
      // old ack re-stated at the resume.
      expect(eventMs(after.at(-1)!) - eventMs(resumed)).toBeGreaterThanOrEqual(400);
      expect(eventMs(stop)).toBeGreaterThanOrEqual(eventMs(after.at(-1)!));
      const devs = (await e.dst.q.call('query-devices')) as Array<Record<string, unknown>>;
      expect(devs.find((x) => x.id === 'accel0')?.resources).toBe(4);
    } catch (err) {
      throw withLogs(err, ends);
    }
  });
});
