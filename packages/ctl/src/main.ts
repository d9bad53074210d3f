/**
 * livemig-ctl: one QMP command to a livemig daemon, or `watch` to follow a
 * migration with a live progress bar (SPEC §2).
 *
 *   livemig-ctl --connect ADDR COMMAND [JSON-ARGS]   prints the reply; exit 1 with the desc on an error reply
 *   livemig-ctl --connect ADDR watch                 streams events and progress until the migration ends
 *
 * Exit codes: 0 success (watch: migration completed), 1 error reply, failed
 * migration or lost connection, 2 bad usage.
 */
import { MigError, QmpReplyError, UsageError } from '@livemig/common/errors';
import {
  EXIT_MIGRATION_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  HELP_OPTIONS,
  LIVEMIG_VERSION,
  formatHelp,
  formatTermList,
  parseCliWithPositionals,
  type OptionTable,
} from '@livemig/common/cli';
import { readControlToken } from '@livemig/common/control';
import { parseConnectAddress, type ConnectAddress } from './connect-address';
import { ProgressRenderer } from './progress';
import { QmpClient } from './qmp-client';
import { watchMigration } from './watch';

const COMMAND = 'livemig-ctl';
const USAGE = `usage: ${COMMAND} --connect ADDR COMMAND [JSON-ARGS]
       ${COMMAND} --connect ADDR watch [--interval MS]`;

/** Every option livemig-ctl accepts: the parser and --help both come from this table. */
export const CTL_OPTIONS: OptionTable = [
  { name: 'connect', short: 'c', type: 'string', arg: 'ADDR', help: 'the daemon: HOST:PORT for its --control WebSocket, tcp:HOST:PORT or unix:PATH for its --qmp socket', default: '$LIVEMIG_CONNECT' },
  { name: 'token-file', type: 'string', arg: 'FILE', help: "the daemon's control token (its --control-token-file); needed when its control API is not on loopback" },
  { name: 'interval', type: 'string', arg: 'MS', help: 'watch: ms between two query-migrate polls (10-60000)', default: '200' },
  ...HELP_OPTIONS,
];

export function ctlHelp(): string {
  return formatHelp({
    command: COMMAND,
    usage: [`${COMMAND} --connect ADDR COMMAND [JSON-ARGS]`, `${COMMAND} --connect ADDR watch [--interval MS]`],
    summary:
      'Sends one QMP command to a livemig daemon and prints the reply (exit 1 with the error desc on an error reply), or, with watch, follows a migration with a live progress line until it ends (exit 0 when it completed). Options may come before or after COMMAND.',
    options: CTL_OPTIONS,
    sections: [
      {
        title: 'Addresses (--connect)',
        lines: formatTermList([
          ['HOST:PORT', "the daemon's WebSocket control API (--control); also ws://HOST:PORT/"],
          ['tcp:HOST:PORT', "the daemon's plain QMP socket (--qmp) over TCP"],
          ['unix:PATH', "the daemon's plain QMP socket (--qmp) on a Unix path"],
        ]),
      },
      {
        title: 'Commands',
        lines: [
          '  query-migrate, query-status, query-devices, query-migrate-capabilities, query-migrate-parameters,',
          '  migrate {"uri":"tcp:HOST:PORT"} (source), migrate-incoming {"uri":...} (destination),',
          '  migrate_cancel, migrate-set-capabilities, migrate-set-parameters, stop, cont, quit;',
          '  watch (this tool\'s own)',
        ],
      },
    ],
    exitCodes: [
      '0  the command succeeded (watch: the migration completed)',
      '1  an error reply, a failed or cancelled migration, or a connection that failed or was refused',
      '2  bad usage (the message names the option)',
    ],
    examples: [
      'npx livemig-ctl --connect 127.0.0.1:4446 query-migrate',
      "npx livemig-ctl --connect unix:/tmp/src.qmp migrate '{\"uri\":\"tcp:127.0.0.1:4444\"}'",
      'npx livemig-ctl --connect 127.0.0.1:4446 --token-file token watch',
    ],
  });
}

interface Invocation {
  address: ConnectAddress;
  command: string;
  args: Record<string, unknown> | undefined;
  intervalMs: number;
  token: string | null;
}

/** Parses argv into what to do; throws UsageError naming the problem. */
export function parseInvocation(argv: string[], env: NodeJS.ProcessEnv = process.env): Invocation | 'help' | 'version' {
  // Options may come before or after COMMAND; `--` ends them.
  const { values, positionals } = parseCliWithPositionals(argv, CTL_OPTIONS, USAGE);
  if (values.help) return 'help';
  if (values.version) return 'version';
  const connect = (values.connect as string | undefined) ?? env.LIVEMIG_CONNECT;
  if (!connect) throw new UsageError(`--connect ADDR is required\n${USAGE}`);
  const address = parseConnectAddress(connect);
  const [command, json, ...extra] = positionals;
  if (!command) throw new UsageError(`a COMMAND is required\n${USAGE}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}': the arguments are one JSON object`);
  let args: Record<string, unknown> | undefined;
  if (json !== undefined) {
    if (command === 'watch') throw new UsageError('watch takes no JSON arguments');
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (err) {
      throw new UsageError(`JSON-ARGS for ${command} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`JSON-ARGS for ${command} must be a JSON object, e.g. '{"uri":"tcp:127.0.0.1:4445"}'`);
    args = parsed as Record<string, unknown>;
  }
  const intervalText = values.interval as string | undefined;
  const intervalMs = intervalText === undefined ? 200 : Number(intervalText);
  if (!Number.isInteger(intervalMs) || intervalMs < 10 || intervalMs > 60_000) throw new UsageError(`--interval '${intervalText}': expected ms between 10 and 60000`);
  const tokenFile = values['token-file'] as string | undefined;
  const token = tokenFile === undefined ? null : readControlToken(tokenFile, '--token-file');
  return { address, command, args, intervalMs, token };
}

async function runCommand(inv: Invocation): Promise<number> {
  const client = await QmpClient.connect(inv.address, { token: inv.token });
  try {
    const reply = await client.execute(inv.command, inv.args);
    if ('error' in reply) {
      process.stderr.write(`error: ${reply.error.desc} (${reply.error.class})\n`);
      return EXIT_MIGRATION_FAILED;
    }
    process.stdout.write(`${JSON.stringify({ return: reply.return }, null, 2)}\n`);
    return EXIT_OK;
  } finally {
    client.close();
  }
}

async function runWatch(inv: Invocation): Promise<number> {
  const client = await QmpClient.connect(inv.address, { token: inv.token });
  const renderer = new ProgressRenderer({ stream: process.stdout });
  renderer.log(`watching ${client.product || 'a QMP daemon'} at ${inv.address.text}`);
  const stop = (): void => {
    renderer.finish();
    client.close();
    process.exit(EXIT_MIGRATION_FAILED);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const result = await watchMigration(client, renderer, { intervalMs: inv.intervalMs });
    return result.status === 'completed' ? EXIT_OK : EXIT_MIGRATION_FAILED;
  } finally {
    client.close();
  }
}

function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  // stdout may be a pipe: let it drain, then leave even if a socket lingers.
  process.stdout.write('', () => process.exit(code));
}

export async function main(argv: string[]): Promise<void> {
  let inv: Invocation | 'help' | 'version';
  try {
    inv = parseInvocation(argv);
  } catch (err) {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return exitWhenFlushed(EXIT_USAGE);
  }
  if (inv === 'help' || inv === 'version') {
    process.stdout.write(inv === 'help' ? ctlHelp() : `${COMMAND} ${LIVEMIG_VERSION}\n`);
    return exitWhenFlushed(EXIT_OK);
  }
  try {
    exitWhenFlushed(inv.command === 'watch' ? await runWatch(inv) : await runCommand(inv));
  } catch (err) {
    const message = err instanceof QmpReplyError ? `${err.desc} (${err.errorClass})` : err instanceof MigError || err instanceof Error ? err.message : String(err);
    process.stderr.write(`error: ${message}\n`);
    exitWhenFlushed(err instanceof UsageError ? EXIT_USAGE : EXIT_MIGRATION_FAILED);
  }
}
