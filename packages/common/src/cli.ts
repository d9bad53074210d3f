/**
 * Shared command-line plumbing: parse with node:util parseArgs (strict, so an
 * unknown flag is an error naming it), turn usage errors into exit code 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MigError, UsageError } from './errors';

export const EXIT_OK = 0;
export const EXIT_MIGRATION_FAILED = 1;
export const EXIT_USAGE = 2;

export type ArgOptions = NonNullable<ParseArgsConfig['options']>;

export type CliValues = Record<string, string | boolean | Array<string | boolean> | undefined>;

export function parseCli(argv: string[], options: ArgOptions, usage: string): CliValues {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as CliValues;
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n${usage}`);
  }
}

/** Prints a startup error and exits: 2 for bad usage/config, 1 otherwise. */
export function exitOnStartupError(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error: ${message}\n`);
  process.exit(err instanceof UsageError ? EXIT_USAGE : err instanceof MigError ? EXIT_MIGRATION_FAILED : EXIT_MIGRATION_FAILED);
}

/**
 * A daemon's way out: with --json the final `query-migrate` object as the
 * last stdout line, then every endpoint closed, the log flushed, and exit.
 */
export async function finishDaemon(daemon: { queryMigrate(): unknown; close(): Promise<void> }, log: { flush(): void }, json: boolean, code: number): Promise<never> {
  if (json) process.stdout.write(`${JSON.stringify(daemon.queryMigrate())}\n`);
  await daemon.close();
  log.flush();
  process.exit(code);
}

/** `tcp:HOST:PORT` (the only migration URI scheme). */
export function parseMigrationUri(uri: string): { host: string; port: number } {
  // HOST is a name or IPv4 address (no colon, no bracket) or a bracketed IPv6 address, brackets balanced.
  const m = /^tcp:(?:\[([^[\]]+)\]|([^[\]:]+)):(\d+)$/.exec(uri);
  if (!m) throw new UsageError(`invalid migration URI '${uri}': expected tcp:HOST:PORT (an IPv6 HOST in brackets: tcp:[::1]:PORT)`);
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw new UsageError(`invalid migration URI '${uri}': port ${port} is out of range`);
  return { host: (m[1] ?? m[2])!, port };
}
