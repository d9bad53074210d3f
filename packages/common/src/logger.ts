/**
 * One pino logger per daemon (SPEC §7): JSON by default; pretty (pino-pretty)
 * when stdout is a TTY or asked for; with --json, logs go to stderr so stdout
 * carries only the summary line. Writes are synchronous, so the last lines are
 * not lost when the daemon exits. Modules take child loggers ({device},
 * {channel}, {migration}).
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  name: string;
  level?: string;
  /** true: pretty; false: JSON; undefined: pretty when stdout is a TTY (SPEC §7). */
  pretty?: boolean;
  /** Write logs to stderr (when stdout is reserved for --json). */
  toStderr?: boolean;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function createLogger(opts: LoggerOptions): Logger {
  const fd = opts.toStderr ? 2 : 1;
  const pretty = opts.pretty ?? process.stdout.isTTY === true;
  const level = opts.level ?? 'info';
  if (pretty) {
    const tty = fd === 1 ? process.stdout.isTTY : process.stderr.isTTY;
    // Loaded only when pretty: JSON logging (--json, every non-TTY start) skips its ~20 ms of module load.
    const { PinoPretty } = require('pino-pretty') as typeof import('pino-pretty');
    return pino({ name: opts.name, level }, PinoPretty({ destination: fd, sync: true, colorize: tty === true }));
  }
  return pino({ name: opts.name, level }, pino.destination({ fd, sync: true }));
}

/** CPU time (user + system) this process has used so far, in ms: logged with status changes so figures can be per phase. */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return Math.round((u.user + u.system) / 1000);
}
