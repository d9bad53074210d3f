/**
 * Shared command-line plumbing. Each bin describes its options ONCE, in an
 * option table (`CliOption[]`); the parser configuration, the `--help` text
 * and the help test all come from that table, so an option cannot be accepted
 * without being documented (or documented without being accepted). Adding an
 * option is one entry in a table.
 *
 * Why node:util parseArgs and not commander/yargs: parseArgs is strict (an
 * unknown flag is an error naming it), has no dependency, and leaves
 * validation and help to us. The help livemig needs is mostly not about flags
 * (device types and their keys, capabilities, parameters with units, size
 * suffixes, address forms, exit codes), and those sections come from the
 * engine's own tables (device-spec.ts, migration-config.ts); commander's or
 * yargs' help formatters would render only the flag list, and both call
 * process.exit / print on their own on an error, where we want one UsageError
 * path (exit 2, message naming the flag). So the library would buy nothing but
 * a dependency.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MigError, UsageError } from './errors';

export const EXIT_OK = 0;
export const EXIT_MIGRATION_FAILED = 1;
export const EXIT_USAGE = 2;

/** The three exit codes, in words, for every bin's --help. */
export const EXIT_CODE_HELP: readonly string[] = [
  '0  success (a daemon: the migration completed, and verified when verify is on)',
  '1  the migration failed or was cancelled (the source machine keeps running, state intact)',
  '2  bad usage or configuration: the message names the flag and the cause',
];

/** The version every bin prints for --version (and the QMP greeting carries). */
export const LIVEMIG_VERSION: string = (() => {
  try {
    // Through the package name, not __dirname: a bundled bin runs this from its own dist/bundle/.
    return (JSON.parse(readFileSync(require.resolve('@livemig/common/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

export type ArgOptions = NonNullable<ParseArgsConfig['options']>;

export type CliValues = Record<string, string | boolean | Array<string | boolean> | undefined>;

/** One command-line option: how it parses and what --help says about it. */
export interface CliOption {
  /** Long name without the dashes. */
  readonly name: string;
  readonly type: 'string' | 'boolean';
  /** The value's placeholder in --help, e.g. 'HOST:PORT' (string options). */
  readonly arg?: string;
  readonly multiple?: boolean;
  readonly short?: string;
  /** What it does, in one or two sentences. */
  readonly help: string;
  /** The default in words ('127.0.0.1 only', 'off'), shown after the meaning. */
  readonly default?: string;
}

export type OptionTable = readonly CliOption[];

/** The options every bin has. */
export const HELP_OPTIONS: OptionTable = [
  { name: 'help', short: 'h', type: 'boolean', help: 'print this help and exit' },
  { name: 'version', short: 'V', type: 'boolean', help: 'print the version and exit' },
];

/** The node:util parseArgs configuration of a table. */
export function argsConfig(table: OptionTable): ArgOptions {
  const out: ArgOptions = {};
  for (const o of table) {
    if (out[o.name]) throw new Error(`option --${o.name} is in the table twice`);
    out[o.name] = { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.short ? { short: o.short } : {}) };
  }
  return out;
}

export function parseCli(argv: string[], table: OptionTable, usage: string): CliValues {
  return parseCliWithPositionals(argv, table, usage, false).values;
}

export function parseCliWithPositionals(argv: string[], table: OptionTable, usage: string, allowPositionals = true): { values: CliValues; positionals: string[] } {
  try {
    const r = parseArgs({ args: argv, options: argsConfig(table), strict: true, allowPositionals });
    return { values: r.values as CliValues, positionals: r.positionals };
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n${usage}\n(--help lists every option)`);
  }
}

export interface HelpSection {
  readonly title: string;
  readonly lines: readonly string[];
}

export interface HelpText {
  /** 'livemig-source' */
  readonly command: string;
  /** Usage lines, without the leading 'usage: '. */
  readonly usage: readonly string[];
  /** A paragraph saying what the command does. */
  readonly summary: string;
  readonly options: OptionTable;
  /** Sections after the options (device types, capabilities, …). */
  readonly sections: readonly HelpSection[];
  readonly examples: readonly string[];
  /** Default: EXIT_CODE_HELP (the daemons'). */
  readonly exitCodes?: readonly string[];
}

const WIDTH = 100;

/** Words wrapped to `width`, every line after the first indented by `indent`. */
export function wrap(text: string, width: number, indent: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = ' '.repeat(indent) + word;
    } else {
      line = line.length === 0 || line.trim().length === 0 ? line + word : `${line} ${word}`;
    }
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

/** `--listen HOST:PORT` (with its short form when it has one). */
export function optionSignature(o: CliOption): string {
  const long = `--${o.name}${o.type === 'string' ? ` ${o.arg ?? 'VALUE'}` : ''}`;
  return o.short ? `-${o.short}, ${long}` : `    ${long}`;
}

/** A two-column list: a term and its meaning, the meaning wrapped under itself. */
export function formatTermList(rows: ReadonlyArray<readonly [string, string]>, termWidth = 30): string[] {
  const out: string[] = [];
  for (const [term, meaning] of rows) {
    const pad = Math.max(termWidth, term.length + 2);
    const [first = '', ...rest] = wrap(meaning, WIDTH - 2 - pad, 0);
    if (term.length + 2 > termWidth) {
      out.push(`  ${term}`);
      out.push(...wrap(meaning, WIDTH - 2 - termWidth, 0).map((l) => ' '.repeat(2 + termWidth) + l));
      continue;
    }
    out.push(`  ${term.padEnd(pad)}${first}`);
    for (const l of rest) out.push(`  ${' '.repeat(pad)}${l}`);
  }
  return out;
}

/** The full --help text of a bin. */
export function formatHelp(h: HelpText): string {
  const out: string[] = [];
  h.usage.forEach((u, i) => out.push(`${i === 0 ? 'usage: ' : '       '}${u}`));
  out.push('', ...wrap(h.summary, WIDTH, 0), '', 'Options:');
  out.push(...formatTermList(h.options.map((o) => [optionSignature(o).trimStart(), o.default !== undefined ? `${o.help} (default: ${o.default})` : o.help] as const)));
  for (const s of h.sections) out.push('', `${s.title}:`, ...s.lines);
  out.push('', 'Exit codes:', ...(h.exitCodes ?? EXIT_CODE_HELP).map((l) => `  ${l}`));
  if (h.examples.length > 0) out.push('', 'Examples:', ...h.examples.map((e) => `  ${e}`));
  return `${out.join('\n')}\n`;
}

/** --help or --version: prints and exits 0; otherwise returns. */
export function handleHelpAndVersion(v: CliValues, command: string, help: () => string): void {
  if (v.help) {
    process.stdout.write(help());
    process.exit(EXIT_OK);
  }
  if (v.version) {
    process.stdout.write(`${command} ${LIVEMIG_VERSION}\n`);
    process.exit(EXIT_OK);
  }
}

/** Prints a startup error and exits: 2 for bad usage/config, 1 otherwise. Never a stack trace. */
export function exitOnStartupError(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error: ${message}\n`);
  process.exit(err instanceof UsageError ? EXIT_USAGE : err instanceof MigError ? EXIT_MIGRATION_FAILED : EXIT_MIGRATION_FAILED);
}

/**
 * A daemon's way out: with --json the final `query-migrate` object as the
 * last stdout line, then every endpoint closed, the log flushed, and exit.
 * `lingerMs` (after a migration ended): control clients may still ask for the
 * final figures for up to this long; the wait ends as soon as they all hang up.
 */
export async function finishDaemon(daemon: { queryMigrate(): unknown; close(lingerMs?: number): Promise<void> }, log: { flush(): void }, json: boolean, code: number, lingerMs = 0): Promise<never> {
  if (json) process.stdout.write(`${JSON.stringify(daemon.queryMigrate())}\n`);
  await daemon.close(lingerMs);
  log.flush();
  process.exit(code);
}

/** `tcp:HOST:PORT` (the only migration URI scheme). */
/** `listen`: an address to listen on, where port 0 means any free port (migrate-recover). */
export function parseMigrationUri(uri: string, opts: { listen?: boolean } = {}): { host: string; port: number } {
  // HOST is a name or IPv4 address (no colon, no bracket) or a bracketed IPv6 address, brackets balanced.
  const m = /^tcp:(?:\[([^[\]]+)\]|([^[\]:]+)):(\d+)$/.exec(uri);
  if (!m) throw new UsageError(`invalid migration URI '${uri}': expected tcp:HOST:PORT (an IPv6 HOST in brackets: tcp:[::1]:PORT)`);
  const port = Number(m[3]);
  if (port < (opts.listen === true ? 0 : 1) || port > 65535) throw new UsageError(`invalid migration URI '${uri}': port ${port} is out of range`);
  return { host: (m[1] ?? m[2])!, port };
}
