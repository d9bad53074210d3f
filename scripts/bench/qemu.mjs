/**
 * QEMU side by side on the links bench (`npm run bench -- --links`): on the same
 * shaped link as livemig's rows, QEMU's own migration and livemig's, one after the
 * other, with the same RAM size (1 GiB), the same memory contents and the same
 * parameters (downtime-limit, multifd-channels, no bandwidth cap):
 *   - plain: one connection, random RAM;
 *   - multifd: random RAM over multifd-channels connections;
 *   - multifd, fill=file: (no compression) and multifd zstd, fill=file:
 *     (a real file repeated to size, as livemig's compression rows).
 * Each row gives total time, downtime, throughput, bytes on the link (tbf's
 * counter), CPU and run-queue wait of both ends, and the ratio of livemig's
 * total time to QEMU's (< 1: livemig ahead).
 *
 * The guest, without an OS: QEMU's RAM is a memory-backend-file on an image
 * holding exactly the bytes livemig's RAM holds (written by livemig's own ram
 * device from the same spec, so the same seed and the same file repetition),
 * mapped private (share=off: the image is never written) and preallocated, so
 * the pages are resident anonymous copies like livemig's source buffer. The
 * destination's RAM is preallocated too (QEMU's -mem-prealloc, as livemig's
 * destination pre-faults before the bench starts it). The vCPU runs a 64 KiB
 * firmware whose reset vector is `cli; hlt`: the machine is running (so the
 * switchover really stops it and QEMU measures its downtime) but idle, its
 * RAM never written, as livemig's source with dirty-rate=0. TCG (no KVM here):
 * a halted vCPU costs nothing, and migration does not go through the CPU
 * emulation at all. -nodefaults keeps the other RAM blocks (VGA, option ROMs)
 * out, leaving the 1 GiB block plus 328 KiB of firmware ROMs and ACPI blobs.
 *
 * After each row's first QEMU run the destination's guest-physical memory is dumped
 * (`pmemsave`) and compared with the image, outside the timing: the bytes
 * really crossed (the 640 KiB–1 MiB window is skipped: firmware and VGA sit
 * in front of RAM there). QEMU's ram.normal / ram.duplicate show what its
 * zero-page detection made of it.
 *
 * QEMU is not part of CI: where `qemu-system-x86_64` is missing the section is
 * skipped and says so. Every QEMU started here is killed by pid (also on exit
 * and when a step fails); images and sockets live in one temp dir, removed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrateOnce } from './daemons.mjs';
import { GiB, MiB, median, ratio, round } from './stats.mjs';

const QEMU = 'qemu-system-x86_64';
/** The port QEMU's destination listens on, inside the link's own namespace (nothing else runs there). */
const QEMU_PORT = 4444;
/** "No cap": QEMU's max-bandwidth default is 128 MiB/s (a cap), so it is set far above any link. */
const NO_CAP = 1e12;
const DOWNTIME_LIMIT_MS = 300;
/** zstd level on both (QEMU's multifd-zstd-level and livemig's default: 1). */
const ZSTD_LEVEL = 1;
/** What QEMU's firmware window covers in guest-physical space (not RAM when read through the bus). */
const HOLE = { start: 0xa0000, end: 0x100000 };
/** How long a QEMU may take to start and answer QMP. */
const START_TIMEOUT_MS = 60000;

/** Whether QEMU can run here: { ok, path, version } or { ok: false, skipped }. */
export function qemuInstalled() {
  const r = spawnSync('sh', ['-c', `command -v ${QEMU}`], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, skipped: `skipped: ${QEMU} not installed (Debian: apt-get install qemu-system-x86)` };
  const v = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
  const version = /version (\S+)/.exec(v.stdout ?? '')?.[1] ?? null;
  return { ok: true, path: r.stdout.trim(), version };
}

// --- QEMU processes -------------------------------------------------------------

const running = new Set();
let clockTicks = null;

function killProcess(child) {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

process.on('exit', () => {
  for (const c of running) killProcess(c);
});

/** CPU ms (user + system) the process has used so far, from /proc/PID/stat. */
function cpuMsOf(pid) {
  clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks; // utime, stime
  } catch {
    return null;
  }
}

/**
 * Run-queue wait of processes over a window: ms their threads were runnable but
 * waiting for a CPU (/proc/PID/task/TID/schedstat, 2nd field), i.e. wall time
 * lost to sharing the machine's two cores rather than to the link or the work.
 * Sampled every 100 ms while the window is open, because a thread's counters
 * go with it when it ends (QEMU's migration and multifd threads end with the
 * migration): a thread's last < 100 ms may be missed.
 */
class RunQueueWait {
  constructor(pids) {
    this.pids = pids; // { source, destination }
    this.base = new Map();
    this.last = new Map();
    this.sample(this.base);
    this.timer = setInterval(() => this.sample(this.last), 100);
  }

  sample(into) {
    for (const [side, pid] of Object.entries(this.pids)) {
      let tasks = [];
      try {
        tasks = readdirSync(`/proc/${pid}/task`);
      } catch {
        continue;
      }
      for (const tid of tasks) {
        try {
          into.set(`${side}:${tid}`, Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]));
        } catch {
          // the thread ended meanwhile
        }
      }
    }
  }

  /** { source, destination }: ms waited in the window. */
  stop() {
    clearInterval(this.timer);
    this.sample(this.last);
    const out = { source: 0, destination: 0 };
    for (const [key, ns] of this.last) out[key.split(':')[0]] += (ns - (this.base.get(key) ?? 0)) / 1e6;
    return { source: Math.round(out.source), destination: Math.round(out.destination) };
  }
}

/**
 * A minimal QMP client on one connection: commands in order, each answered by
 * `return` or `error`; events are kept (not needed by the bench, but they must
 * not be taken for answers).
 */
class Qmp {
  constructor(socket) {
    this.socket = socket;
    this.pending = [];
    this.events = [];
    this.closed = false;
    let partial = '';
    socket.setEncoding('utf8');
    socket.on('data', (text) => {
      partial += text;
      let nl;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl).trim();
        partial = partial.slice(nl + 1);
        if (line) this.onMessage(JSON.parse(line));
      }
    });
    socket.on('close', () => {
      this.closed = true;
      for (const p of this.pending.splice(0)) p.reject(new Error(`QMP connection closed before '${p.cmd}' was answered`));
    });
    socket.on('error', () => {});
  }

  onMessage(msg) {
    if (msg.QMP) return; // the greeting
    if (msg.event) {
      this.events.push(msg);
      return;
    }
    const p = this.pending.shift();
    if (!p) return;
    if (msg.error) p.reject(new Error(`QMP ${p.cmd}: ${msg.error.desc}`));
    else p.resolve(msg.return);
  }

  call(cmd, args) {
    if (this.closed) return Promise.reject(new Error(`QMP connection closed ('${cmd}')`));
    return new Promise((resolve, reject) => {
      this.pending.push({ cmd, resolve, reject });
      this.socket.write(`${JSON.stringify(args ? { execute: cmd, arguments: args } : { execute: cmd })}\n`);
    });
  }

  close() {
    this.socket.destroy();
  }
}

/**
 * One QEMU in a namespace. Its QMP monitor is a client of a Unix socket we
 * listen on before starting it (`-qmp unix:PATH`): QEMU connects while it
 * starts, and its first answer comes only once the machine (preallocated RAM
 * included) is built, so nothing is polled for.
 */
async function startQemu({ name, dir, prefix, args }) {
  const path = join(dir, `${name}.qmp`);
  const server = createServer();
  server.listen(path);
  await once(server, 'listening');
  const child = spawn(prefix[0], [...prefix.slice(1), QEMU, ...args, '-qmp', `unix:${path}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (t) => (stderr = (stderr + t).slice(-4000)));
  const exited = once(child, 'exit').then(([code, signal]) => {
    running.delete(child);
    return { code, signal };
  });
  // A QEMU that neither connects nor exits (it should take a few seconds: 1 GiB preallocated) is given up on.
  let timer;
  const stuck = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${QEMU} (${name}) did not answer QMP within ${START_TIMEOUT_MS / 1000} s: ${stderr.trim()}`)), START_TIMEOUT_MS);
  });
  try {
    const socket = await Promise.race([
      once(server, 'connection').then(([s]) => s),
      exited.then(({ code, signal }) => Promise.reject(new Error(`${QEMU} (${name}) exited (${code ?? signal}) before QMP: ${stderr.trim()}`))),
      stuck,
    ]);
    const qmp = new Qmp(socket);
    await Promise.race([qmp.call('qmp_capabilities'), stuck]);
    return { name, child, qmp, exited, stderr: () => stderr };
  } catch (err) {
    killProcess(child);
    await exited;
    throw err;
  } finally {
    clearTimeout(timer);
    server.close();
  }
}

async function stopQemu(vm) {
  if (!vm) return;
  await vm.qmp.call('quit').catch(() => {});
  vm.qmp.close();
  const timer = setTimeout(() => killProcess(vm.child), 3000);
  await vm.exited;
  clearTimeout(timer);
}

/** The machine both ends run: same firmware, same RAM block ("m0", 1 GiB), nothing else. */
function machineArgs(ramBytes, backend, firmware) {
  return ['-nodefaults', '-display', 'none', '-no-user-config', '-machine', 'pc,accel=tcg,memory-backend=m0', '-m', `${ramBytes / MiB}M`, '-object', backend, '-bios', firmware];
}

async function until(qmp, pred, timeoutMs, pollMs = 50) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const info = await qmp.call('query-migrate');
    if (pred(info) || performance.now() > deadline) return info;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Bytes the source's end of the link sent (tbf's counter: Ethernet frames,
 * headers included). QEMU 7.2 counts multifd pages at their raw size in
 * ram.transferred even when they go compressed, so this is the one measure of
 * what crossed that means the same for both.
 */
export function linkSentBytes(link) {
  const m = /Sent (\d+) bytes/.exec(link.stats('a'));
  return m ? Number(m[1]) : null;
}

/** Compares the destination's guest-physical dump with the image, the firmware window excepted. */
export function sameMemory(dumpPath, imagePath, bytes) {
  const chunk = 64 * MiB;
  const a = Buffer.allocUnsafe(chunk);
  const b = Buffer.allocUnsafe(chunk);
  const fa = openSync(dumpPath, 'r');
  const fb = openSync(imagePath, 'r');
  try {
    for (let off = 0; off < bytes; off += chunk) {
      const n = Math.min(chunk, bytes - off);
      if (readSync(fa, a, 0, n, off) !== n || readSync(fb, b, 0, n, off) !== n) return { same: false, at: off, why: 'short read' };
      const from = off < HOLE.end ? Math.max(0, HOLE.end - off) : 0;
      const head = off < HOLE.start ? Math.min(n, HOLE.start - off) : 0;
      if (head > 0 && a.compare(b, 0, head, 0, head) !== 0) return { same: false, at: off };
      if (from < n && a.compare(b, from, n, from, n) !== 0) return { same: false, at: off + from };
    }
    return { same: true };
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}

/**
 * One QEMU migration across `link` (source in namespace a, destination in b):
 * capabilities and parameters on both ends, `migrate-incoming` (deferred, so the
 * multifd settings are in place first), `migrate`, query-migrate until the end.
 */
async function qemuMigrateOnce({ link, dir, image, firmware, ramBytes, multifd, compression, channels, timeoutMs, check }) {
  let src = null;
  let dst = null;
  let waits = null;
  try {
    dst = await startQemu({ name: 'dst', dir, prefix: link.prefix('b'), args: [...machineArgs(ramBytes, `memory-backend-ram,id=m0,size=${ramBytes},prealloc=on`, firmware), '-incoming', 'defer'] });
    src = await startQemu({ name: 'src', dir, prefix: link.prefix('a'), args: machineArgs(ramBytes, `memory-backend-file,id=m0,size=${ramBytes},mem-path=${image},share=off,prealloc=on`, firmware) });
    const caps = { capabilities: [{ capability: 'multifd', state: multifd }] };
    const params = multifd ? { 'multifd-channels': channels, 'multifd-compression': compression, 'multifd-zstd-level': ZSTD_LEVEL } : {};
    for (const vm of [dst, src]) await vm.qmp.call('migrate-set-capabilities', caps);
    await dst.qmp.call('migrate-set-parameters', params);
    await src.qmp.call('migrate-set-parameters', { ...params, 'downtime-limit': DOWNTIME_LIMIT_MS, 'max-bandwidth': NO_CAP });
    const uri = `tcp:${link.addr.b}:${QEMU_PORT}`;
    await dst.qmp.call('migrate-incoming', { uri });
    const status = await src.qmp.call('query-status');
    const cpu0 = { source: cpuMsOf(src.child.pid), destination: cpuMsOf(dst.child.pid) };
    waits = new RunQueueWait({ source: src.child.pid, destination: dst.child.pid });
    const sent0 = linkSentBytes(link);
    const startedAt = Date.now(); // QMP event timestamps are the same (realtime) clock
    await src.qmp.call('migrate', { uri });
    // 7.2 sets 'completed' a moment before it computes total-time and downtime: a
    // query-migrate in between reads both as 0, so completed counts once they are set.
    const done = (i) => (i.status === 'completed' && i['total-time'] > 0) || ['failed', 'cancelled'].includes(i.status);
    let source = await until(src.qmp, done, timeoutMs);
    if (!done(source)) {
      await src.qmp.call('migrate_cancel').catch(() => {});
      source = await until(src.qmp, done, 5000);
    }
    const destination = await until(dst.qmp, (i) => ['completed', 'failed'].includes(i.status), 10000);
    const cpuMs = { source: cpuMsOf(src.child.pid) - cpu0.source, destination: cpuMsOf(dst.child.pid) - cpu0.destination };
    const linkBytes = linkSentBytes(link) - sent0;
    const runQueueWaitMs = waits.stop();
    const dstStatus = await dst.qmp.call('query-status');
    // When the guest ran again on the destination (its RESUME event): livemig's total-time
    // ends there (at RESUMED), QEMU's own ends on the source once the last bytes are written.
    const resume = dst.qmp.events.find((e) => e.event === 'RESUME');
    const resumedAfterMs = resume ? Math.round(resume.timestamp.seconds * 1000 + resume.timestamp.microseconds / 1000 - startedAt) : null;
    let memory = null;
    if (check && source.status === 'completed') {
      const dump = join(dir, 'dst-memory.bin');
      await dst.qmp.call('pmemsave', { val: 0, size: ramBytes, filename: dump });
      memory = sameMemory(dump, image, ramBytes);
      rmSync(dump, { force: true });
    }
    return { source, linkBytes, resumedAfterMs, runQueueWaitMs, destination: destination.status, guestWasRunning: status.running, guestStatus: status.status, destinationGuestStatus: dstStatus.status, cpuMs, memory };
  } finally {
    waits?.stop();
    await stopQemu(src);
    await stopQemu(dst);
  }
}

// --- memory images and firmware ------------------------------------------------

/** Writes the bytes livemig's ram device holds for `spec` (source side) to `path`, in a child process (1 GiB stays out of the bench's heap). */
export function writeImage(spec, path) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--write-image', spec, path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`writing the memory image for '${spec}' failed: ${(r.stderr || r.stdout).trim()}`);
}

/** 64 KiB of firmware whose reset vector (at 0xfff0) is `cli; hlt; jmp hlt`: the vCPU halts at once, for good. */
export function writeFirmware(path) {
  const rom = Buffer.alloc(64 * 1024);
  Buffer.from([0xfa, 0xf4, 0xeb, 0xfd]).copy(rom, 0xfff0);
  writeFileSync(path, rom);
}

// --- the rows -------------------------------------------------------------------

/** The rows: [name, fill, multifd, compression]. */
const ROWS = [
  ['plain', 'random', false, 'none'],
  ['multifd', 'random', true, 'none'],
  ['multifd, fill=file:', 'file', true, 'none'],
  ['multifd zstd, fill=file:', 'file', true, 'zstd'],
];

function qemuFigures(q, ramBytes) {
  const s = q.source;
  const t = s['total-time'];
  return {
    status: s.status,
    totalTimeMs: t ?? null,
    downtimeMs: s.downtime ?? null,
    resumedOnDestinationMs: q.resumedAfterMs,
    setupTimeMs: s['setup-time'] ?? null,
    // ram.transferred: page bytes at their raw size (7.2 counts multifd pages so even when compressed).
    ramTransferredBytes: s.ram?.transferred ?? null,
    linkBytes: q.linkBytes,
    linkBytesPerSecond: t > 0 ? round((q.linkBytes * 1000) / t) : null,
    effectiveBytesPerSecond: t > 0 ? round((ramBytes * 1000) / t) : null,
    mbps: round(s.ram?.mbps ?? null, 1),
    normalPages: s.ram?.normal ?? null,
    duplicatePages: s.ram?.duplicate ?? null,
    passes: s.ram?.['dirty-sync-count'] ?? null,
    sourceCpuMsPerGiB: round((q.cpuMs.source * GiB) / ramBytes),
    destinationCpuMsPerGiB: round((q.cpuMs.destination * GiB) / ramBytes),
    runQueueWaitMs: q.runQueueWaitMs,
    guest: q.guestStatus,
    destinationGuest: q.destinationGuestStatus,
    memoryMatches: q.memory ? q.memory.same : null,
    ...(q.memory && !q.memory.same ? { memoryDiffersAt: q.memory.at } : {}),
    ...(s['error-desc'] ? { error: s['error-desc'] } : {}),
  };
}

function livemigFigures(r, linkBytes, ramBytes) {
  const s = r.source;
  const t = s['total-time'];
  return {
    status: s.status,
    totalTimeMs: t ?? null,
    downtimeMs: s.downtime ?? null,
    setupTimeMs: s['setup-time'] ?? null,
    ramTransferredBytes: s.ram?.transferred ?? null,
    linkBytes,
    linkBytesPerSecond: t > 0 ? round((linkBytes * 1000) / t) : null,
    effectiveBytesPerSecond: t > 0 ? round((ramBytes * 1000) / t) : null,
    normalPages: s.ram?.normal ?? null,
    duplicatePages: s.ram?.duplicate ?? null,
    passes: s['dirty-sync-count'] ?? null,
    sourceCpuMsPerGiB: typeof r.cpuMs.source === 'number' ? round((r.cpuMs.source * GiB) / ramBytes) : null,
    destinationCpuMsPerGiB: typeof r.cpuMs.destination === 'number' ? round((r.cpuMs.destination * GiB) / ramBytes) : null,
    ...(s['error-desc'] ? { error: s['error-desc'] } : {}),
  };
}

/** Repetitions folded into one: medians of the completed runs' figures; the status and memory check of all. */
export function fold(runs) {
  const ok = runs.filter((r) => r.status === 'completed');
  const out = { status: ok.length === runs.length ? 'completed' : runs.find((r) => r.status !== 'completed').status, runs: runs.length };
  const isCounts = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'number' || x === null);
  for (const key of Object.keys(runs[0])) {
    if (key === 'status' || key === 'memoryMatches') continue;
    const values = ok.map((r) => r[key]);
    if (values.length > 0 && values.every((v) => typeof v === 'number')) out[key] = median(values);
    else if (values.length > 0 && values.every(isCounts)) out[key] = Object.fromEntries(Object.keys(values[0]).map((k) => [k, median(values.map((v) => v[k]))]));
    else out[key] = values[0] ?? runs[0][key];
  }
  // Checked on the first repetition only: any false is a failure, any true a pass.
  if ('memoryMatches' in runs[0]) out.memoryMatches = runs.some((r) => r.memoryMatches === false) ? false : runs.some((r) => r.memoryMatches === true) ? true : null;
  out.totalTimesMs = runs.map((r) => r.totalTimeMs ?? null);
  return out;
}

/**
 * The QEMU comparison for a whole links run: memory images made once (lazily,
 * on the first link), then `onLink()` per shaped link, `dispose()` at the end.
 */
export class QemuComparison {
  constructor(cfg) {
    this.cfg = cfg;
    this.installed = qemuInstalled();
    this.ramBytes = cfg.qemuRamBytes ?? GiB;
    this.channels = cfg.multifdChannels;
    this.reps = cfg.qemuReps ?? cfg.linkReps ?? 1;
    this.file = cfg.realFile;
    this.dir = null;
    this.images = null;
  }

  /** What the links section reports about QEMU as a whole. */
  summary() {
    if (!this.installed.ok) return { skipped: this.installed.skipped };
    return {
      qemu: `${QEMU} ${this.installed.version} (${this.installed.path}), accel=tcg`,
      ramBytes: this.ramBytes,
      reps: this.reps,
      guest: 'idle: no OS, the vCPU halted by a 64 KiB cli;hlt firmware, RAM never written; livemig with dirty-rate=0',
      memory: `the bytes of livemig's ram device (fill=random, seed from id ram0; fill=file:${this.file}), as a memory-backend-file image mapped share=off, prealloc=on; destination memory-backend-ram prealloc=on`,
      parameters: { 'downtime-limit': DOWNTIME_LIMIT_MS, 'multifd-channels': this.channels, 'multifd-zstd-level': ZSTD_LEVEL, 'max-bandwidth': `QEMU ${NO_CAP} (no cap; its default is 128 MiB/s), livemig 0 (unlimited)` },
    };
  }

  prepare(progress) {
    if (this.images) return;
    this.dir = mkdtempSync(join(tmpdir(), 'livemig-qemu-'));
    process.on('exit', () => this.dispose());
    const size = `${this.ramBytes / MiB}M`;
    this.specs = { random: `ram,id=ram0,size=${size}`, file: `ram,id=ram0,size=${size},fill=file:${this.file}` };
    this.images = {};
    for (const [fill, spec] of Object.entries(this.specs)) {
      this.images[fill] = join(this.dir, `${fill}.img`);
      writeImage(spec, this.images[fill]);
    }
    this.firmware = join(this.dir, 'halt.rom');
    writeFirmware(this.firmware);
    progress(`  QEMU: memory images (livemig's own fill) and a halting firmware in ${this.dir}`);
  }

  /** `check`: dump the destination's memory afterwards and compare it with the image (first repetition of a row). */
  async qemuRun(link, fill, multifd, compression, check) {
    try {
      const q = await qemuMigrateOnce({ link, dir: this.dir, image: this.images[fill], firmware: this.firmware, ramBytes: this.ramBytes, multifd, compression, channels: this.channels, timeoutMs: 300000, check });
      return qemuFigures(q, this.ramBytes);
    } catch (err) {
      return { status: 'error', error: err.message.slice(0, 300) };
    }
  }

  async livemigRun(link, fill, multifd, compression) {
    const caps = multifd ? 'return-path,multifd' : 'return-path';
    const params = [`downtime-limit=${DOWNTIME_LIMIT_MS}`, 'max-bandwidth=0', ...(multifd ? [`multifd-channels=${this.channels}`, `multifd-compression=${compression}`, `multifd-zstd-level=${ZSTD_LEVEL}`] : [])];
    const sent0 = linkSentBytes(link);
    let waits = null;
    let runQueueWaitMs = null;
    const r = await migrateOnce({
      link,
      devices: [this.specs[fill]],
      workload: 'dirty-rate=0',
      caps,
      params,
      timeoutMs: 300000,
      onStart: (pids) => (waits = new RunQueueWait(pids)),
      onEnded: () => (runQueueWaitMs = waits.stop()),
    });
    waits?.stop(); // stops the sampling if the run ended before onEnded (a second stop only re-reads)
    return { ...livemigFigures(r, linkSentBytes(link) - sent0, this.ramBytes), runQueueWaitMs };
  }

  /** All rows on one link: QEMU then livemig for each repetition (never both at once: 1 GiB each side). */
  async onLink(link, rateText, progress) {
    if (!this.installed.ok) return { skipped: this.installed.skipped };
    try {
      this.prepare(progress);
    } catch (err) {
      // e.g. no room for the images in the temp dir: the rest of the links bench goes on
      this.dispose();
      return { skipped: `skipped: could not prepare the QEMU runs (${err.message.slice(0, 200)})` };
    }
    const rows = [];
    for (const [name, fill, multifd, compression] of ROWS.filter(([name]) => !this.cfg.rows || this.cfg.rows.includes(name))) {
      const qemuRuns = [];
      const livemigRuns = [];
      const pairRatios = [];
      for (let i = 0; i < this.reps; i++) {
        const q = await this.qemuRun(link, fill, multifd, compression, i === 0);
        const l = await this.livemigRun(link, fill, multifd, compression);
        qemuRuns.push(q);
        livemigRuns.push(l);
        const both = q.status === 'completed' && l.status === 'completed';
        pairRatios.push(both ? round(l.totalTimeMs / q.totalTimeMs, 3) : null);
        const f = (x) => (x.status === 'completed' ? `${x.totalTimeMs} ms, downtime ${x.downtimeMs} ms, ${((x.linkBytes ?? 0) / 1e6).toFixed(0)} MB on the link` : `${x.status}${x.error ? `: ${x.error}` : ''}`);
        progress(`  ${rateText}: ${name}: QEMU ${f(q)}${q.memoryMatches === false ? ' (MEMORY DIFFERS)' : ''}; livemig ${f(l)}; livemig/QEMU total ${pairRatios[i] ?? '-'}×`);
      }
      const row = { name, fill, multifd, compression, qemu: fold(qemuRuns), livemig: fold(livemigRuns), pairRatios };
      const both = row.qemu.status === 'completed' && row.livemig.status === 'completed';
      row.totalTimeRatio = both ? round(ratio(row.livemig.totalTimeMs, row.qemu.totalTimeMs), 3) : null;
      row.ahead = both ? row.livemig.totalTimeMs < row.qemu.totalTimeMs : null;
      rows.push(row);
    }
    return { ramBytes: this.ramBytes, reps: this.reps, rows, target: 'livemig ahead of QEMU in total time in every row', met: rows.every((r) => r.ahead === true) };
  }

  dispose() {
    for (const c of running) killProcess(c);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
    this.images = null;
  }
}

/** The bench table's rows for one link's comparison (bench.mjs). */
export function qemuTableRows(q, rateText) {
  const mb = (x) => (typeof x === 'number' ? `${(x / 1e6).toFixed(1)} MB/s` : 'n/a');
  const one = (x) => (x?.status === 'completed' ? `${x.totalTimeMs} ms, dt ${x.downtimeMs} ms, ${mb(x.effectiveBytesPerSecond)} guest / ${mb(x.linkBytesPerSecond)} link, CPU/GiB ${x.sourceCpuMsPerGiB}/${x.destinationCpuMsPerGiB} ms, run-queue wait ${x.runQueueWaitMs?.source ?? '-'}/${x.runQueueWaitMs?.destination ?? '-'} ms` : (x?.status ?? 'n/a'));
  if (!q || q.skipped) return []; // said once for the whole section
  void rateText;
  return q.rows.map((r) => [`  vs QEMU: ${r.name}`, `livemig ${one(r.livemig)}`, `QEMU ${one(r.qemu)}${r.qemu.memoryMatches === false ? ' (memory differs!)' : ''}`, r.totalTimeRatio === null ? '-' : `${r.totalTimeRatio}×`, '< 1× (ahead)', r.ahead === null ? '-' : r.ahead ? 'yes' : 'NO']);
}

// Child process: write livemig's RAM contents for a spec into a file (see writeImage).
const isMain = process.argv[1] === fileURLToPath(import.meta.url);
if (isMain && process.argv[2] === '--write-image') {
  const { RamDevice, parseDeviceSpec } = createRequire(import.meta.url)('@livemig/common/devices');
  const device = new RamDevice(parseDeviceSpec(process.argv[3]), 'source');
  const fd = openSync(process.argv[4], 'w');
  try {
    for (const block of device.memory.blocks) for (let at = 0; at < block.length; ) at += writeSync(fd, block, at, block.length - at);
  } finally {
    closeSync(fd);
  }
}

