/**
 * Tests on a real link: the daemons run in two network namespaces joined by a
 * tbf-shaped veth pair (scripts/lib/netns.mjs builds and removes them). The
 * source runs in side `a`, the destination in side `b` and listens on b's
 * address; each daemon's QMP is a Unix socket in a temp dir (paths are not
 * namespaced, so the test process reaches both without any route into them).
 *
 * Gate: as root the tests run. Under CI=true (root there) a missing tool or
 * privilege is a failure, never a skip; elsewhere (not root, not CI) the
 * tests are skipped with the reason.
 *
 * Teardown: `closeLinks()` (call in afterEach) kills the daemons and deletes
 * the namespaces; netns.mjs also does it at process exit and on signals, and
 * sweeps namespaces left by a crashed earlier run before creating new ones.
 * A file whose cases run concurrently closes each case's own link with
 * `await closeLink(link)` (in onTestFinished, after killing the case's
 * daemons) and calls `closeLinks()` in afterAll as a backstop. openLink and
 * closeLink never block the event loop (Link.open / destroyAsync: execFile,
 * not spawnSync), so one case's link commands do not delay another's
 * reaction to its events; a case that breaks its link uses the async
 * operations too (setLinkAsync, setDropAsync, shapeAsync).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { QmpClient } from '@livemig/ctl';
import { BIN, DaemonProcess } from './daemons';
import type { QmpEventMsg } from './qmp-client';
import type { Link, Side } from '../../scripts/lib/netns.mjs' with { 'resolution-mode': 'import' };

type NetnsModule = typeof import('../../scripts/lib/netns.mjs', { with: { 'resolution-mode': 'import' } });
let mod: NetnsModule | null = null;
/** The ESM library, loaded once (the tests are CommonJS). */
export async function netnsLib(): Promise<NetnsModule> {
  mod ??= await import('../../scripts/lib/netns.mjs');
  return mod;
}

export interface NetnsGate {
  /** Run the namespace tests. */
  run: boolean;
  /** Why not (skip message), or why they must fail (CI without support). */
  reason: string;
  /** CI=true but namespaces cannot be made: a failing test, not a skip. */
  mustFail: boolean;
}

/** Whether namespace tests run here (synchronous: decided when the test file is collected). */
export function netnsGate(tools: string[] = []): NetnsGate {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const ci = process.env.CI === 'true';
  const missing = ['ip', 'tc', ...tools].filter((t) => !hasTool(t));
  if (isRoot && missing.length === 0) return { run: true, reason: '', mustFail: false };
  const reason = !isRoot ? 'network namespaces need root' : `missing tool(s): ${missing.join(', ')} (Debian: iproute2, nftables; .ci/run installs them)`;
  if (ci) return { run: false, reason: `CI=true but ${reason}`, mustFail: true };
  return { run: false, reason: `skipped: ${reason} (run as root, or with CI=true)`, mustFail: false };
}

function hasTool(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool} || test -x /sbin/${tool}`], { stdio: 'ignore' }).status === 0;
}

const links = new Set<Link>();

/** A fresh pair of namespaces, shaped at `rate` ("1gbit", bits/s, or null), removed by closeLink() or closeLinks(). */
export async function openLink(rate: string | number | null): Promise<Link> {
  const { Link } = await netnsLib();
  const link = await Link.open({ rate });
  links.add(link);
  return link;
}

/**
 * Removes one link (a concurrent case's own): kills what still runs inside,
 * deletes its namespaces and its daemons' socket dirs. Without blocking.
 */
export async function closeLink(link: Link): Promise<void> {
  links.delete(link);
  await link.destroyAsync();
}

/** Kills the daemons inside and removes every link this file opened (afterEach; afterAll where cases use closeLink). */
export function closeLinks(): void {
  for (const l of links) l.destroy();
  links.clear();
}

/** A QMP client over a daemon's Unix socket that remembers every event (the shape QmpWsClient has). */
export class NsQmp {
  readonly events: QmpEventMsg[] = [];
  private waiters: Array<{ pred: (e: QmpEventMsg) => boolean; resolve: (e: QmpEventMsg) => void; reject: (e: Error) => void }> = [];
  /** Set once the connection closed: a wait begun after that must not wait for ever. */
  private closedBy: Error | null = null;
  private constructor(private readonly client: QmpClient) {
    client.on('event', (e) => {
      const ev = e as unknown as QmpEventMsg;
      this.events.push(ev);
      this.waiters = this.waiters.filter((w) => (w.pred(ev) ? (w.resolve(ev), false) : true));
    });
    client.on('close', (err) => {
      this.closedBy = err ?? new Error('QMP connection closed');
      for (const w of this.waiters) w.reject(this.closedBy);
      this.waiters = [];
    });
  }

  static async connect(path: string): Promise<NsQmp> {
    return new NsQmp(await QmpClient.connect(`unix:${path}`));
  }

  call(command: string, args?: Record<string, unknown>): Promise<any> {
    return this.client.call(command, args);
  }

  waitEvent(pred: (e: QmpEventMsg) => boolean): Promise<QmpEventMsg> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    if (this.closedBy) return Promise.reject(this.closedBy);
    return new Promise((resolve, reject) => this.waiters.push({ pred, resolve, reject }));
  }

  close(): void {
    this.client.close();
  }
}

export interface NsDaemon {
  d: DaemonProcess;
  qmpPath: string;
}

function qmpPathFor(link: Link, name: string): string {
  // The link removes the dir with itself, also when the run is interrupted (SIGINT).
  return join(link.tempDir(), `${name}.qmp`);
}

/** A destination in side `b`, listening on b's address; resolves once it accepts connections. */
export async function startDestinationIn(link: Link, args: string[], side: Side = 'b'): Promise<NsDaemon & { uri: string }> {
  const qmpPath = qmpPathFor(link, 'destination');
  const d = new DaemonProcess(BIN.destination, ['--listen', `${link.addr[side]}:0`, '--qmp', `unix:${qmpPath}`, '--json', ...args], undefined, link.prefix(side));
  const [line] = await Promise.all([d.waitMsg('listening for incoming migration'), d.waitMsg('QMP socket listening')]);
  return { d, qmpPath, uri: `tcp:${link.addr[side]}:${line.port as number}` };
}

/** A source in side `a`; resolves once its machine runs and QMP listens. */
export async function startSourceIn(link: Link, args: string[], side: Side = 'a'): Promise<NsDaemon> {
  const qmpPath = qmpPathFor(link, 'source');
  const d = new DaemonProcess(BIN.source, ['--qmp', `unix:${qmpPath}`, '--json', ...args], undefined, link.prefix(side));
  await Promise.all([d.waitMsg('machine running'), d.waitMsg('QMP socket listening')]);
  return { d, qmpPath };
}
