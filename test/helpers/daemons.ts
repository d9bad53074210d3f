/**
 * Runs the real daemons as child processes for end-to-end tests: port 0,
 * logs parsed from stderr (started with --json, so stdout carries only the
 * summary line), waits on log lines and exits, never on fixed sleeps. Every
 * process started here is killed by `killAll()` (register it in afterEach; a
 * file whose tests run concurrently kills each test's own with `killEach()`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
export const BIN = {
  source: join(ROOT, 'node_modules', '.bin', 'livemig-source'),
  destination: join(ROOT, 'node_modules', '.bin', 'livemig-destination'),
};

export interface LogLine {
  level: number;
  msg: string;
  time: number;
  [key: string]: unknown;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const live = new Set<DaemonProcess>();

export class DaemonProcess {
  readonly proc: ChildProcess;
  readonly logs: LogLine[] = [];
  stdout = '';
  stderrText = '';
  readonly exited: Promise<ExitInfo>;
  private waiters: Array<{ pred: (l: LogLine) => boolean; resolve: (l: LogLine) => void }> = [];

  /** `prefix`: a command the daemon runs under, e.g. `ip netns exec NS` (it execs, so the pid stays the daemon's). */
  constructor(bin: string, args: string[], env?: NodeJS.ProcessEnv, prefix: string[] = []) {
    const [cmd, ...pre] = prefix.length > 0 ? [...prefix, process.execPath] : [process.execPath];
    this.proc = spawn(cmd!, [...pre, bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: env ? { ...process.env, ...env } : process.env });
    live.add(this);
    let partial = '';
    this.proc.stdout!.setEncoding('utf8').on('data', (t: string) => (this.stdout += t));
    this.proc.stderr!.setEncoding('utf8').on('data', (t: string) => {
      this.stderrText += t;
      partial += t;
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        try {
          const parsed = JSON.parse(line) as LogLine;
          this.logs.push(parsed);
          this.waiters = this.waiters.filter((w) => {
            if (!w.pred(parsed)) return true;
            w.resolve(parsed);
            return false;
          });
        } catch {
          // a non-JSON line on stderr (e.g. a usage error) stays in stderrText
        }
      }
    });
    // 'close', not 'exit': it comes after stdout/stderr are drained, so a usage
    // error's message is in stderrText when `exited` resolves.
    this.exited = once(this.proc, 'close').then(([code, signal]) => {
      live.delete(this);
      return { code: code as number | null, signal: signal as NodeJS.Signals | null };
    });
  }

  /**
   * `exited`, bounded: rejects after `ms` with the tail of this process's stderr and of
   * `others`' (their logs), so a migration that stalls fails naming where it stopped
   * rather than as the test's bare timeout. A bound, not a wait: it resolves on the exit.
   */
  exitedWithin(ms: number, ...others: DaemonProcess[]): Promise<ExitInfo> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const tails = [this, ...others].map((d) => `--- pid ${d.proc.pid} (${d.proc.spawnargs.slice(1, 2).join(' ')}) stderr:\n${d.stderrText.slice(-3000)}`);
        reject(new Error(`process ${this.proc.pid} did not exit within ${ms} ms\n${tails.join('\n')}`));
      }, ms);
    });
    return Promise.race([this.exited, bound]).finally(() => clearTimeout(timer));
  }

  /** Resolves with the first log line (past or future) matching `pred`; rejects if the process exits first. */
  waitLog(pred: (l: LogLine) => boolean, what = 'log line'): Promise<LogLine> {
    const seen = this.logs.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      this.waiters.push({ pred, resolve });
      void this.exited.then((e) => reject(new Error(`process exited (${e.code ?? e.signal}) before ${what}\n${this.stderrText.slice(-2000)}`)));
    });
  }

  waitMsg(msg: string): Promise<LogLine> {
    return this.waitLog((l) => l.msg === msg, `'${msg}'`);
  }

  /** The --json summary line (last line of stdout). */
  summary(): Record<string, unknown> {
    const lines = this.stdout.trim().split('\n');
    return JSON.parse(lines[lines.length - 1] ?? '{}') as Record<string, unknown>;
  }

  /** Peak resident set size (VmHWM) in bytes, from /proc, while the process runs. */
  peakRss(): number {
    const status = readFileSync(`/proc/${this.proc.pid}/status`, 'utf8');
    const m = /^VmHWM:\s+(\d+) kB/m.exec(status);
    if (!m) throw new Error(`no VmHWM in /proc/${this.proc.pid}/status`);
    return Number(m[1]) * 1024;
  }

  /**
   * Resolves once the process is stopped (state T in /proc): a test that will
   * SIGCONT a self-stopping daemon must not send it before the stop happened.
   */
  async waitStopped(timeoutMs = 10_000): Promise<void> {
    const pid = this.proc.pid;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (/^\d+ \(.*\) T /.test(stat)) return;
      if (performance.now() > deadline) throw new Error(`process ${pid} did not stop within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
  }
}

export async function killAll(): Promise<void> {
  const all = [...live];
  for (const d of all) d.kill();
  await Promise.all(all.map((d) => d.exited));
}

/**
 * Kills just these daemons and waits for them: what a test that runs concurrently
 * with others (`describe.concurrent`) does with its own, since `killAll()` would end
 * its neighbours' too (such a file calls `killAll()` in afterAll, as a backstop).
 */
export async function killEach(...daemons: Array<DaemonProcess | undefined>): Promise<void> {
  const own = daemons.filter((d): d is DaemonProcess => d !== undefined);
  for (const d of own) d.kill();
  await Promise.all(own.map((d) => d.exited));
}

/** A destination listening on a free loopback port; resolves once it accepts connections. */
export async function startDestination(args: string[], env?: NodeJS.ProcessEnv): Promise<{ d: DaemonProcess; port: number; uri: string }> {
  const d = new DaemonProcess(BIN.destination, ['--listen', '127.0.0.1:0', '--json', ...args], env);
  const line = await d.waitMsg('listening for incoming migration');
  const port = line.port as number;
  return { d, port, uri: `tcp:127.0.0.1:${port}` };
}

export function startSource(args: string[], env?: NodeJS.ProcessEnv): DaemonProcess {
  return new DaemonProcess(BIN.source, ['--json', ...args], env);
}

/** Address of a daemon's WebSocket control API (started with --control 127.0.0.1:0). */
export async function controlAddress(d: DaemonProcess): Promise<string> {
  const line = await d.waitMsg('control API (WebSocket) listening');
  return line.address as string;
}

/** A small test machine: fast to build, still exercising every device kind. */
export const SMALL_MACHINE = [
  '--device', 'ram,id=ram0,size=64M',
  '--device', 'accel,id=accel0,resources=2,resource-size=8M,alloc-ms=50,initial-size=64K,state-size=1M',
  '--device', 'cpu,id=cpu0,vcpus=2',
];

/** Address of a daemon's plain QMP socket (started with --qmp): `HOST:PORT` or `unix:PATH`. */
export async function qmpSocketAddress(d: DaemonProcess): Promise<string> {
  const line = await d.waitMsg('QMP socket listening');
  return line.address as string;
}
