/** Runs the `livemig-ctl` binary the way an operator's shell does, with stdout on a pipe (not a TTY). */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

export const CTL = join(__dirname, '..', '..', 'node_modules', '.bin', 'livemig-ctl');

export interface CtlRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs livemig-ctl to its exit; `onLine` sees stdout lines as they come. LIVEMIG_CONNECT is cleared: only `--connect` counts. */
export function ctl(args: string[], onLine?: (line: string) => void): Promise<CtlRun> {
  const p = spawn(process.execPath, [CTL, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LIVEMIG_CONNECT: '' } });
  let stdout = '';
  let stderr = '';
  let partial = '';
  p.stdout.setEncoding('utf8').on('data', (t: string) => {
    stdout += t;
    partial += t;
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      onLine?.(partial.slice(0, nl));
      partial = partial.slice(nl + 1);
    }
  });
  p.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  return once(p, 'close').then(([code]) => ({ code: code as number | null, stdout, stderr }));
}
