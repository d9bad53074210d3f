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
import { parseArgs } from 'node:util';
import { EXIT_MIGRATION_FAILED, EXIT_OK, EXIT_USAGE, MigError, QmpReplyError, UsageError, readControlToken } from '@livemig/common';
import { parseConnectAddress, type ConnectAddress } from './connect-address';
import { ProgressRenderer } from './progress';
import { QmpClient } from './qmp-client';
import { watchMigration } from './watch';

const USAGE = `usage: livemig-ctl --connect ADDR COMMAND [JSON-ARGS]
       livemig-ctl --connect ADDR watch [--interval MS]
  ADDR: HOST:PORT          the WebSocket control API (--control)
        tcp:HOST:PORT      a plain QMP socket (--qmp) over TCP
        unix:PATH          a plain QMP socket (--qmp) on a Unix path
        (default: $LIVEMIG_CONNECT)
  --token-file FILE        the daemon's control token (needed when its control API is not on loopback)
  examples: livemig-ctl --connect 127.0.0.1:4444 query-migrate
            livemig-ctl --connect unix:/tmp/src.qmp migrate '{"uri":"tcp:127.0.0.1:4445"}'
            livemig-ctl --connect 127.0.0.1:4444 watch`;

const OPTIONS = {
  connect: { type: 'string', short: 'c' },
  interval: { type: 'string' },
  'token-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface Invocation {
  address: ConnectAddress;
  command: string;
  args: Record<string, unknown> | undefined;
  intervalMs: number;
  token: string | null;
}

/** Parses argv into what to do; throws UsageError naming the problem. */
export function parseInvocation(argv: string[], env: NodeJS.ProcessEnv = process.env): Invocation | 'help' {
  const { values, positionals } = parseCliWithPositionals(argv);
  if (values.help) return 'help';
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

function parseCliWithPositionals(argv: string[]): { values: Record<string, unknown>; positionals: string[] } {
  try {
    // Options may come before or after COMMAND; `--` ends them.
    return parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
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
  let inv: Invocation | 'help';
  try {
    inv = parseInvocation(argv);
  } catch (err) {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return exitWhenFlushed(EXIT_USAGE);
  }
  if (inv === 'help') {
    process.stdout.write(`${USAGE}\n`);
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
