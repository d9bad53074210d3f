/**
 * Test hosts on a real (shaped) link: two network namespaces joined by a veth
 * pair, each end shaped by a `tbf` qdisc, so the daemons run as two hosts that
 * talk over TCP/IP through an Ethernet-like device at a chosen line rate.
 * Used by the CLI (scripts/netns.mjs), the bench (`--links`) and the tests
 * (test/helpers/netns.ts). Needs root and iproute2 (`ip`, `tc`); the packet
 * faults need nftables (`nft`).
 *
 * Names: `lmig-<pid>-<hex>-a|b`, the pid being the process that created them,
 * so a crashed run's namespaces are found (and only ours) by sweepStale().
 * Addresses exist only inside the two namespaces (a private /30), nothing is
 * added to the host's own network. Every link is torn down by destroy(),
 * and also at process exit and on SIGINT/SIGTERM/SIGHUP (processes still
 * running inside the namespaces are killed by pid first, or the namespace,
 * and its veth end, would outlive `ip netns del`).
 *
 * Shaper (tbf, on each end's egress): `burst` is what the bucket holds, the
 * most that may leave back to back. veth hands tbf GSO packets of up to
 * ~64 KiB, so the bucket must hold at least a few of those or TCP cannot
 * reach the rate (tbf would split or delay every packet); and it must be
 * about a timer tick's worth of the rate so refills never starve the link:
 * burst = max(128 KiB, rate × 1 ms) (125 KB at 1 Gbit/s, 1.25 MB at 10).
 * `limit` (the queue behind the bucket) = max(512 KiB, rate × 4 ms): TCP
 * Small Queues keeps a socket's bytes in the qdisc to a few packets, so a
 * transfer never fills it (no drops, measured 0), while a short queue keeps
 * the link's latency low (a full one would add ≤ 4 ms, not the 50 ms of
 * `tbf latency 50ms`). Measured on this machine with a plain Node TCP
 * pump: 0.956 Gbit/s of payload on 1 Gbit/s, which is the Ethernet+IP+TCP
 * header overhead (1448 payload bytes per 1514 on the wire), the real limit.
 *
 * Sync and async: every operation has a synchronous form (`new Link()`,
 * shape, setLink, setDrop, destroy: the CLI and the bench) and an
 * asynchronous one (`Link.open()`, shapeAsync, setLinkAsync, setDropAsync,
 * destroyAsync: the same commands through execFile) for a process that does
 * something else meanwhile, e.g. tests running concurrently in one process,
 * where a spawnSync of one (an `ip`, `nft` or `tc` call takes a few ms, more
 * on a busy machine) would hold up every other's reaction to its events.
 * The exit and signal teardown stays synchronous (an exiting process cannot
 * wait): it removes every link not yet fully removed, also one whose
 * destroyAsync() is still under way.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PREFIX = 'lmig';
const NAME_RE = new RegExp(`^${PREFIX}-(\\d+)-([0-9a-f]+)-([ab])$`);
/** The veth end's name inside each namespace (interface names are per namespace). */
export const DEV = 'veth0';
/** The /30 used inside every pair (each pair has its own routing tables, so all may share it). */
export const ADDR = { a: '10.231.0.1', b: '10.231.0.2' };
const NFT_TABLE = 'lmig_fault';

/** Bits per second from "1gbit", "10gbit", "500mbit", or a number. */
export function parseRate(rate) {
  if (typeof rate === 'number') return rate;
  const m = /^(\d+(?:\.\d+)?)\s*(k|m|g)?bit$/i.exec(String(rate).trim());
  if (!m) throw new Error(`rate '${rate}': expected e.g. 1gbit, 10gbit, 200mbit`);
  const mult = { k: 1e3, m: 1e6, g: 1e9 }[(m[2] ?? '').toLowerCase()] ?? 1;
  return Math.round(Number(m[1]) * mult);
}

/** The tbf parameters for a rate (bits/s); see the header. */
export function shaperFor(rateBits) {
  const bytesPerMs = rateBits / 8 / 1000;
  return { rateBits, burstBytes: Math.max(128 * 1024, Math.round(bytesPerMs)), limitBytes: Math.max(512 * 1024, Math.round(bytesPerMs * 4)) };
}

/** Runs a command synchronously: { status, stdout, stderr }; throws on a non-zero exit unless opts.allowFail. */
function run(cmd, args, opts = {}) {
  const { input, allowFail } = opts;
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], input });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0 && !allowFail) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim()}`);
  return r;
}

/** run(), without blocking the event loop (execFile): resolves with { status, stdout, stderr }. */
function runAsync(cmd, args, opts = {}) {
  const { input, allowFail } = opts;
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { encoding: 'utf8' }, (err, stdout, stderr) => {
      // A non-zero exit has a numeric code; anything else (ENOENT, a signal) did not run to its end.
      const status = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      if (err && status === null) return reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}`));
      if (status !== 0 && !allowFail) return reject(new Error(`${cmd} ${args.join(' ')} exited ${status}: ${(stderr || stdout).trim()}`));
      resolve({ status, stdout, stderr });
    });
    child.stdin.on('error', () => {}); // a command that exits without reading its input: its exit says what happened
    child.stdin.end(input ?? '');
  });
}

function which(tool) {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin'])) {
    if (!dir) continue;
    try {
      accessSync(`${dir}/${tool}`, constants.X_OK);
      return `${dir}/${tool}`;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * Whether namespaces can be made here: { ok: true } or { ok: false, reason }.
 * `tools` lists what the caller needs besides `ip` and `tc` (e.g. ['nft']).
 */
export function netnsSupport(tools = []) {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return { ok: false, reason: 'network namespaces need root (run as root, or CI=true, which runs as root)' };
  for (const t of ['ip', 'tc', ...tools]) if (!which(t)) return { ok: false, reason: `'${t}' is not installed (Debian: ${t === 'nft' ? 'nftables' : 'iproute2'})` };
  return { ok: true };
}

function namespacesIn(stdout) {
  return stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0])
    .filter(Boolean);
}

export function listNamespaces() {
  return namespacesIn(run('ip', ['netns', 'list'], { allowFail: true }).stdout);
}

/** listNamespaces(), without blocking. */
export async function listNamespacesAsync() {
  return namespacesIn((await runAsync('ip', ['netns', 'list'], { allowFail: true })).stdout);
}

/** Whether `pid` still runs (a zombie does not: its namespaces are orphans). */
function alive(pid) {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function checkOurs(ns) {
  if (!NAME_RE.test(ns)) throw new Error(`refusing to remove '${ns}': not a ${PREFIX} namespace`);
}

/** SIGKILLs, by pid, the processes `ip netns pids` listed (never this one). */
function killPids(stdout) {
  const pids = stdout
    .split('\n')
    .map(Number)
    .filter((p) => p > 0 && p !== process.pid);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Kills (SIGKILL, by pid) whatever still runs inside a namespace of ours, then deletes it. */
function removeNamespace(ns) {
  checkOurs(ns);
  killPids(run('ip', ['netns', 'pids', ns], { allowFail: true }).stdout);
  run('ip', ['netns', 'del', ns], { allowFail: true });
}

/** removeNamespace(), without blocking. */
async function removeNamespaceAsync(ns) {
  checkOurs(ns);
  killPids((await runAsync('ip', ['netns', 'pids', ns], { allowFail: true })).stdout);
  await runAsync('ip', ['netns', 'del', ns], { allowFail: true });
}

/** The names among `names` that a run which no longer runs left behind. */
function staleOf(names) {
  return names.filter((ns) => {
    const m = NAME_RE.exec(ns);
    return m !== null && !alive(Number(m[1]));
  });
}

/**
 * Removes namespaces left by an earlier run that crashed (name carries a pid
 * that no longer runs). Never touches a live run's namespaces, nor any name
 * without our prefix. Returns the names removed.
 */
export function sweepStale() {
  const removed = staleOf(listNamespaces());
  for (const ns of removed) removeNamespace(ns);
  sweepStaleDirs();
  return removed;
}

/** sweepStale(), without blocking. */
export async function sweepStaleAsync() {
  const removed = staleOf(await listNamespacesAsync());
  await Promise.all(removed.map(removeNamespaceAsync));
  sweepStaleDirs();
  return removed;
}

/** Link temp dirs (tempDir(): named by the owner's pid) whose owner is gone (killed outright). */
const DIR_RE = /^livemig-netns-(\d+)-[A-Za-z0-9]{6}$/;

function sweepStaleDirs() {
  let names;
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const m = DIR_RE.exec(name);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** Owner pids of this prefix's namespaces that still run. */
export function liveOwners() {
  const pids = new Set();
  for (const ns of listNamespaces()) {
    const m = NAME_RE.exec(ns);
    if (m && alive(Number(m[1]))) pids.add(Number(m[1]));
  }
  return [...pids];
}

const live = new Set();
let hooked = false;

/** Every link not yet fully removed (one whose destroyAsync() is under way too): synchronously. */
function destroyAll() {
  for (const link of [...live]) link.destroy();
}

/** Teardown at exit and on the usual signals; a signal is re-raised once the namespaces are gone. */
function hookExit() {
  if (hooked) return;
  hooked = true;
  process.on('exit', destroyAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    const onSignal = () => {
      destroyAll();
      process.off(sig, onSignal);
      // Someone else handles it (e.g. the bench kills its daemons, then exits): let them.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

/** The constructor's token for Link.open(): register the link, run no command yet. */
const DEFERRED = Symbol('deferred setup');

function assertSupport() {
  const support = netnsSupport();
  if (!support.ok) throw new Error(`cannot create a namespace link: ${support.reason}`);
}

/**
 * Two namespaces (a, b) joined by a veth pair, addresses inside only, each
 * end shaped at `rate` (bits/s or "1gbit"; null = unshaped). `new Link()`
 * builds it synchronously, `await Link.open()` without blocking.
 */
export class Link {
  /** Both namespaces deleted (or being deleted synchronously): nothing left to remove. */
  #removed = false;
  /** destroyAsync()'s removal, once begun. */
  #removing = null;
  /** Temp dirs made by tempDir(), removed with the link (also at exit or on a signal). */
  #dirs = new Set();

  constructor({ rate = null } = {}, setup = undefined) {
    const deferred = setup === DEFERRED;
    if (!deferred) {
      assertSupport();
      sweepStale();
    }
    const id = `${PREFIX}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.ns = { a: `${id}-a`, b: `${id}-b` };
    this.addr = { ...ADDR };
    this.dev = DEV;
    this.shaper = null;
    this.destroyed = false;
    // Registered before the first command: a link half made is removed at exit too.
    hookExit();
    live.add(this);
    if (deferred) return;
    try {
      for (const [cmd, args] of this.#setupCommands()) run(cmd, args);
      if (rate !== null) this.shape(rate);
    } catch (err) {
      this.destroy();
      throw err;
    }
  }

  /** `new Link(opts)` without blocking: the sweep and every command through execFile. */
  static async open({ rate = null } = {}) {
    assertSupport();
    await sweepStaleAsync();
    const link = new Link({ rate }, DEFERRED);
    try {
      for (const [cmd, args] of link.#setupCommands()) await runAsync(cmd, args);
      if (rate !== null) await link.shapeAsync(rate);
    } catch (err) {
      await link.destroyAsync();
      throw err;
    }
    return link;
  }

  #setupCommands() {
    const cmds = [
      ['ip', ['netns', 'add', this.ns.a]],
      ['ip', ['netns', 'add', this.ns.b]],
      // Created straight inside the namespaces: the host's interface list never sees them.
      ['ip', ['link', 'add', DEV, 'netns', this.ns.a, 'type', 'veth', 'peer', 'name', DEV, 'netns', this.ns.b]],
    ];
    for (const side of ['a', 'b']) {
      const ns = this.ns[side];
      cmds.push(['ip', ['-n', ns, 'link', 'set', 'lo', 'up']], ['ip', ['-n', ns, 'addr', 'add', `${this.addr[side]}/30`, 'dev', DEV]], ['ip', ['-n', ns, 'link', 'set', DEV, 'up']]);
    }
    return cmds;
  }

  #shapeCommands(s) {
    return ['a', 'b'].map((side) => ['tc', ['-n', this.ns[side], 'qdisc', 'replace', 'dev', DEV, 'root', 'tbf', 'rate', `${s.rateBits}bit`, 'burst', String(s.burstBytes), 'limit', String(s.limitBytes)]]);
  }

  /** (Re)shapes both ends at `rate` (bits/s or "1gbit"). */
  shape(rate) {
    const s = shaperFor(parseRate(rate));
    for (const [cmd, args] of this.#shapeCommands(s)) run(cmd, args);
    this.shaper = s;
    return s;
  }

  /** shape(), without blocking (both ends at once). */
  async shapeAsync(rate) {
    const s = shaperFor(parseRate(rate));
    await Promise.all(this.#shapeCommands(s).map(([cmd, args]) => runAsync(cmd, args)));
    this.shaper = s;
    return s;
  }

  /**
   * A fresh temp dir (e.g. for the Unix sockets of the daemons run inside) that goes
   * with the link: destroy(), destroyAsync(), the exit and signal teardown remove it,
   * and the next run's sweep when its process was killed outright.
   */
  tempDir() {
    // Named by this process's pid, so the sweep can tell a killed owner's dirs (DIR_RE).
    const dir = mkdtempSync(join(tmpdir(), `livemig-netns-${process.pid}-`));
    this.#dirs.add(dir);
    return dir;
  }

  /** The command prefix that runs a program inside side's namespace (the program keeps its pid). */
  prefix(side) {
    return ['ip', 'netns', 'exec', this.ns[side]];
  }

  /** Runs a command inside side's namespace, synchronously; returns stdout. */
  exec(side, cmd, args = []) {
    return run('ip', ['netns', 'exec', this.ns[side], cmd, ...args]).stdout;
  }

  #linkCommand(side, up) {
    return ['ip', ['-n', this.ns[side], 'link', 'set', DEV, up ? 'up' : 'down']];
  }

  /** Takes side's veth end down (the peer sees carrier loss) or up again. */
  setLink(side, up) {
    run(...this.#linkCommand(side, up));
  }

  /** setLink(), without blocking. */
  async setLinkAsync(side, up) {
    await runAsync(...this.#linkCommand(side, up));
  }

  #dropCommand(side, drop) {
    if (drop) {
      const rules = [`table inet ${NFT_TABLE} {`, '  chain in { type filter hook input priority 0; policy drop; }', '  chain out { type filter hook output priority 0; policy drop; }', '}', ''].join('\n');
      return ['ip', ['netns', 'exec', this.ns[side], 'nft', '-f', '-'], { input: rules }];
    }
    return ['ip', ['netns', 'exec', this.ns[side], 'nft', 'delete', 'table', 'inet', NFT_TABLE]];
  }

  /** Silently drops every packet in and out of side's namespace (nftables), or stops dropping. */
  setDrop(side, drop) {
    run(...this.#dropCommand(side, drop));
  }

  /** setDrop(), without blocking. */
  async setDropAsync(side, drop) {
    await runAsync(...this.#dropCommand(side, drop));
  }

  /** The qdisc's counters on side's end (sent bytes, drops), for reports. */
  stats(side) {
    return run('tc', ['-n', this.ns[side], '-s', 'qdisc', 'show', 'dev', DEV]).stdout.trim();
  }

  /**
   * Kills what still runs inside, deletes both namespaces (the veth pair goes with them),
   * synchronously, also while a destroyAsync() is under way (the exit teardown). Idempotent.
   */
  destroy() {
    if (this.#removed) return;
    this.destroyed = true;
    this.#done();
    for (const ns of [this.ns.a, this.ns.b]) removeNamespace(ns);
  }

  /**
   * destroy(), without blocking (both namespaces at once); resolves once both
   * are gone. Idempotent: a second call waits for the same removal. The link
   * stays registered until then (also if a command fails), so an exit or a
   * destroy() meanwhile still removes it, synchronously.
   */
  destroyAsync() {
    if (this.#removed) return Promise.resolve();
    this.destroyed = true;
    this.#removing ??= Promise.all([this.ns.a, this.ns.b].map(removeNamespaceAsync)).then(() => this.#done());
    return this.#removing;
  }

  #done() {
    this.#removed = true;
    live.delete(this);
    for (const d of this.#dirs) rmSync(d, { recursive: true, force: true });
    this.#dirs.clear();
  }
}

/** Shorthand for `new Link(opts)`. */
export function createLink(opts) {
  return new Link(opts);
}
