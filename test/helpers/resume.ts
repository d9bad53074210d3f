/**
 * What the precopy-resume tests share (test/precopy-resume*.test.ts): a
 * source and a destination with the capability on at both ends and their
 * control APIs, waits on `MIGRATION` events (never sleeps, and never past
 * the daemon's exit), and the checks of a resumed migration's end: completed,
 * verified, and the destination holding exactly the source's final state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type ExpectStatic, type TestContext } from 'vitest';
import { RAM_FRAME_BYTES } from '@livemig/common/wire';
import { controlAddress, killEach, startDestination, startSource, type DaemonProcess } from './daemons';
import { migrationEnded, pollUntil } from './poll';
import { QmpWsClient, type QmpEventMsg } from './qmp-client';
import { startProxy, type TcpProxy } from './tcp-proxy';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** The engine's largest RAM frame (a frame torn by the break is at most this much of what the destination counted). */
export const MAX_RAM_FRAME = RAM_FRAME_BYTES;

export const RESUME_CAPS = 'return-path,verify,precopy-resume';
export const ENDED = ['completed', 'failed', 'cancelled'];

export interface End {
  d: DaemonProcess;
  q: QmpWsClient;
}

export interface Ends {
  src: End;
  dst: End;
  /** The destination's own listen address (`tcp:127.0.0.1:PORT`). */
  dstUri: string;
  close(): void;
}

export interface EndsOptions {
  /** `--device` specs, the same on both ends. */
  devices: string[];
  caps?: string;
  /** `--param K=V` for both ends. */
  params?: string[];
  /** The source's workload (default: an idle machine). */
  workload?: string;
  srcArgs?: string[];
  dstArgs?: string[];
  dstEnv?: NodeJS.ProcessEnv;
}

function common(o: EndsOptions): string[] {
  return [...o.devices.flatMap((d) => ['--device', d]), '--caps', o.caps ?? RESUME_CAPS, ...(o.params ?? []).flatMap((p) => ['--param', p]), '--control', '127.0.0.1:0'];
}

/**
 * A destination and a source (machine running, not migrating yet), both with their control API connected.
 * `own`: called with each daemon as soon as it exists (a test's cleanup kills it even if the start fails later).
 */
export async function startEnds(o: EndsOptions, own?: (d: DaemonProcess) => void): Promise<Ends> {
  const { d: dd, uri } = await startDestination([...common(o), ...(o.dstArgs ?? [])], o.dstEnv);
  own?.(dd);
  const sd = startSource([...common(o), '--workload', o.workload ?? 'dirty-rate=0', ...(o.srcArgs ?? [])]);
  own?.(sd);
  const [sa, da] = await Promise.all([controlAddress(sd), controlAddress(dd), sd.waitMsg('machine running')]);
  const [sq, dq] = await Promise.all([QmpWsClient.connect(sa), QmpWsClient.connect(da)]);
  return {
    src: { d: sd, q: sq },
    dst: { d: dd, q: dq },
    dstUri: uri,
    close: () => {
      sq.close();
      dq.close();
    },
  };
}

/** The next `MIGRATION` event (from the `from`-th event on) whose status is one of `statuses`; rejects if the daemon exits first. */
export function waitStatus(end: End, statuses: string | string[], from = 0): Promise<QmpEventMsg> {
  const want = Array.isArray(statuses) ? statuses : [statuses];
  const wait = end.q.waitEvent((e) => end.q.events.indexOf(e) >= from && e.event === 'MIGRATION' && want.includes(e.data?.status as string));
  const died = end.d.exited.then((x) => {
    throw new Error(`daemon exited (${x.code ?? x.signal}) before MIGRATION ${want.join('|')}\n${end.d.stderrText.slice(-2000)}`);
  });
  // Waiting for a pause (or a resume) fails as soon as the migration ended instead.
  const ended = want.some((w) => ENDED.includes(w))
    ? new Promise<never>(() => undefined)
    : end.q
        .waitEvent((e) => end.q.events.indexOf(e) >= from && e.event === 'MIGRATION' && ENDED.includes(e.data?.status as string))
        .then(async (e) => {
          const info = await end.q.call('query-migrate').catch(() => ({}));
          throw new Error(`migration ${String(e.data?.status)} (${String(info['error-desc'] ?? '')}) before MIGRATION ${want.join('|')}`);
        });
  return Promise.race([wait, died, ended]);
}

/** Waits until this end's migration ended; returns its status event. */
export function waitEnd(end: End, from = 0): Promise<QmpEventMsg> {
  return waitStatus(end, ENDED, from);
}

/** The statuses this end announced, in order, from event index `from` on (a marks() index: it counts every event, not only MIGRATION). */
export function statuses(end: End, from = 0): string[] {
  return end.q.events.slice(from).filter((e) => e.event === 'MIGRATION').map((e) => e.data?.status as string);
}

/** query-migrate until `pred` holds (progress has no event); fails if the migration ends first. */
export function waitInfo(end: End, pred: (info: any) => boolean, what: string, timeoutMs = 30_000): Promise<any> {
  return pollUntil(() => end.q.call('query-migrate'), pred, what, { timeoutMs, ended: migrationEnded(ENDED), describe: (info) => JSON.stringify(info).slice(0, 400) });
}

/** Both ends paused (each announced precopy-paused from its `from` index on). */
export async function waitBothPaused(e: Ends, from = { src: 0, dst: 0 }): Promise<void> {
  await Promise.all([waitStatus(e.src, 'precopy-paused', from.src), waitStatus(e.dst, 'precopy-paused', from.dst)]);
}

/** Index marks for event waits "from now on". */
export function marks(e: Ends): { src: number; dst: number } {
  return { src: e.src.q.events.length, dst: e.dst.q.events.length };
}

/**
 * The end of a resumed migration: both ends completed, verified, the
 * destination running the source's final state (the source stays stopped after
 * a completed migration, so its digests are that state), each end counting
 * `resumes` resumes. Returns the source's query-migrate.
 */
export async function expectCompletedVerified(e: Ends, resumes: number, from = { src: 0, dst: 0 }): Promise<any> {
  const [s, d] = await Promise.all([waitEnd(e.src, from.src), waitEnd(e.dst, from.dst)]);
  const info = await e.src.q.call('query-migrate');
  const dinfo = await e.dst.q.call('query-migrate');
  expect(s.data?.status, String(info['error-desc'])).toBe('completed');
  expect(d.data?.status, String(dinfo['error-desc'])).toBe('completed');
  expect(info.verified).toBe(true);
  expect(dinfo.verified).toBe(true);
  expect(info.resumes).toBe(resumes);
  expect(dinfo.resumes).toBe(resumes);
  expect((await e.src.q.call('query-status')).status).toBe('postmigrate');
  expect((await e.dst.q.call('query-status')).status).toBe('running');
  expect(await e.dst.q.call('query-digests')).toEqual(await e.src.q.call('query-digests'));
  return info;
}

/** The source after a migration that did not complete: running, its state exactly `expected`. */
export async function expectSourceIntact(e: Ends, expected: Record<string, string>): Promise<void> {
  expect((await e.src.q.call('query-status')).status).toBe('running');
  expect(await e.src.q.call('query-digests')).toEqual(expected);
}

/** The destination after it discarded a migration: waiting again, its pre-allocations freed. */
export async function expectDestinationWaiting(e: Ends): Promise<void> {
  expect((await e.dst.q.call('query-status')).status).toBe('inmigrate');
  const devices = (await e.dst.q.call('query-devices')) as Array<Record<string, unknown>>;
  for (const dev of devices.filter((x) => 'allocated-resources' in x)) expect(dev['allocated-resources'], String(dev.id)).toBe(0);
}

/** With the log tails of both daemons appended to a failure's message (call in a catch). */
export function withLogs(err: unknown, e: Ends | null): unknown {
  if (e && err instanceof Error) err.message += `\n--- source log ---\n${e.src.d.stderrText.slice(-3000)}\n--- destination log ---\n${e.dst.d.stderrText.slice(-3000)}`;
  return err;
}

/**
 * One test's own ends, proxies, daemons and temp dirs, for files whose cases
 * run concurrently (no state shared between cases): everything started
 * through it is closed, destroyed, killed and removed in that test's
 * onTestFinished, also when it fails. The members are closures (destructure them).
 */
export interface ResumeTest {
  /** The test context's expect. */
  readonly expect: ExpectStatic;
  /** startEnds with the file's defaults under `o`. */
  ends(o?: Partial<EndsOptions>): Promise<Ends>;
  proxy(...args: Parameters<typeof startProxy>): Promise<TcpProxy>;
  /** A daemon the test started itself (startSource/startDestination): killed when it finishes. */
  daemon<T extends DaemonProcess>(d: T): T;
  /** A fresh temp dir, removed when the test finishes. */
  tempDir(prefix: string): string;
}

/**
 * A test function (`it(name, resumeCase(defaults, async ({ expect, ends }) => ...))`)
 * whose body gets its own ResumeTest; a failure carries the logs of the test's first ends.
 */
export function resumeCase(defaults: EndsOptions, body: (t: ResumeTest) => Promise<void>): (ctx: TestContext) => Promise<void> {
  return async (ctx) => {
    const ends: Ends[] = [];
    const proxies: TcpProxy[] = [];
    const daemons: DaemonProcess[] = [];
    const dirs: string[] = [];
    ctx.onTestFinished(async () => {
      for (const e of ends) e.close();
      await Promise.all(proxies.map((p) => p.destroy()));
      await killEach(...daemons);
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });
    const t: ResumeTest = {
      expect: ctx.expect,
      ends: async (o = {}) => {
        const e = await startEnds({ ...defaults, ...o }, (d) => daemons.push(d));
        ends.push(e);
        return e;
      },
      proxy: async (...args) => {
        const p = await startProxy(...args);
        proxies.push(p);
        return p;
      },
      daemon: (d) => {
        daemons.push(d);
        return d;
      },
      tempDir: (prefix) => {
        const d = mkdtempSync(join(tmpdir(), prefix));
        dirs.push(d);
        return d;
      },
    };
    try {
      await body(t);
    } catch (err) {
      throw withLogs(err, ends[0] ?? null);
    }
  };
}
