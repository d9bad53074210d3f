/**
 * A livemig daemon run as a child process by the scripts (demo, bench, live-view
 * screenshot): started with --json so stdout carries only the summary line and
 * the pino log lines come on stderr, parsed as they arrive. Waits are on log
 * lines and on exit, never on sleeps; every started process can be killed with
 * killAll().
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');
/** Extra node flags for the daemons, e.g. LIVEMIG_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile them. */
const NODE_FLAGS = (process.env.LIVEMIG_NODE_FLAGS ?? '').split(' ').filter(Boolean);

export const BIN = {
  source: join(ROOT, 'packages', 'source', 'bin', 'livemig-source.js'),
  destination: join(ROOT, 'packages', 'destination', 'bin', 'livemig-destination.js'),
};

const live = new Set();

export class DaemonProcess {
  /**
   * `which`: 'source' or 'destination'; `args`: after --json; `prefix`: a command the
   * daemon runs under, e.g. `ip netns exec NS` (it execs: the pid stays the daemon's).
   */
  constructor(which, args, prefix = []) {
    this.t0 = performance.now();
    const argv = [...NODE_FLAGS, BIN[which], '--json', ...args];
    this.proc = prefix.length > 0 ? spawn(prefix[0], [...prefix.slice(1), process.execPath, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(this);
    this.logs = [];
    this.stdout = '';
    this.stderr = '';
    this.waiters = [];
    let partial = '';
    this.proc.stdout.setEncoding('utf8').on('data', (t) => (this.stdout += t));
    this.proc.stderr.setEncoding('utf8').on('data', (t) => {
      this.stderr = (this.stderr + t).slice(-20000);
      partial += t;
      let nl;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        let parsed;
        try {
          parsed = JSON.parse(line);
        } catch {
          continue; // a stray non-JSON line stays in this.stderr
        }
        parsed.atMs = performance.now() - this.t0;
        this.logs.push(parsed);
        this.waiters = this.waiters.filter((w) => (w.pred(parsed) ? (w.resolve(parsed), false) : true));
      }
    });
    this.exited = once(this.proc, 'exit').then(([code, signal]) => {
      live.delete(this);
      for (const w of this.waiters) w.reject(new Error(`${which} exited (${code ?? signal}) before '${w.what}'\n${this.stderr.slice(-3000)}`));
      this.waiters = [];
      return { code, signal };
    });
  }

  /** The first log line (past or future) whose msg is `msg`; rejects if the process exits first. */
  waitMsg(msg) {
    const pred = (l) => l.msg === msg;
    const seen = this.logs.find(pred);
    if (seen) return Promise.resolve(seen);
    if (this.proc.exitCode !== null) return Promise.reject(new Error(`daemon exited before '${msg}'\n${this.stderr.slice(-3000)}`));
    return new Promise((resolve, reject) => this.waiters.push({ pred, resolve, reject, what: msg }));
  }

  /** The --json summary: the last line of stdout. */
  summary() {
    const lines = this.stdout.trim().split('\n');
    return JSON.parse(lines[lines.length - 1] || '{}');
  }

  /** Peak resident set (VmHWM) in bytes. */
  peakRss() {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.proc.pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  }

  /** CPU ms between the first and last status log lines named `msg`. */
  cpuMs(msg) {
    const lines = this.logs.filter((l) => l.msg === msg && typeof l.cpuMs === 'number');
    return lines.length >= 2 ? lines[lines.length - 1].cpuMs - lines[0].cpuMs : null;
  }

  kill() {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
  }
}

export async function killAll() {
  const all = [...live];
  for (const d of all) d.kill();
  await Promise.all(all.map((d) => d.exited));
}
