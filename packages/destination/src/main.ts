/**
 * livemig-destination: waits for an incoming migration on --listen, loads it
 * and resumes the machine. With --exit-on-complete it exits 0 after a completed
 * load and 1 after a failed migration; connections that never became a
 * migration (bad header, refused configuration) do not end it.
 */
import {
  DAEMON_CLI_OPTIONS,
  DAEMON_USAGE,
  EXIT_MIGRATION_FAILED,
  EXIT_OK,
  UsageError,
  applyDaemonSettings,
  createLogger,
  exitOnStartupError,
  finishDaemon,
  parseCli,
  parseDaemonArgs,
  parseListenAddress,
  type Logger,
} from '@livemig/common';
import { DestinationDaemon } from './destination-daemon';
import { installFaultsFromEnv } from './test-faults';

const USAGE = `usage: livemig-destination --listen HOST:PORT [--exit-on-complete]
       ${DAEMON_USAGE}`;

const OPTIONS = { ...DAEMON_CLI_OPTIONS, listen: { type: 'string' }, 'exit-on-complete': { type: 'boolean' } } as const;

export async function main(argv: string[]): Promise<void> {
  let daemon: DestinationDaemon;
  let log: Logger;
  let json = false;
  let exitOnComplete = false;
  try {
    const v = parseCli(argv, OPTIONS, USAGE);
    if (v.help) {
      process.stdout.write(`${USAGE}\n`);
      process.exit(EXIT_OK);
    }
    if (!v.listen) throw new UsageError(`--listen HOST:PORT is required\n${USAGE}`);
    const listen = parseListenAddress(v.listen as string, '--listen');
    if (listen.kind !== 'tcp') throw new UsageError('--listen: the migration listens on TCP HOST:PORT');
    const args = parseDaemonArgs(v);
    json = args.json;
    exitOnComplete = v['exit-on-complete'] === true;
    log = createLogger({ name: 'livemig-destination', level: args.logLevel, pretty: args.logPretty, toStderr: json });
    installFaultsFromEnv(process.env, log);
    daemon = new DestinationDaemon({ devices: args.devices, workload: args.workload, log, security: args.security });
    applyDaemonSettings(daemon.settings, args);
    if (args.control) await daemon.listenControl(args.control);
    if (args.qmp) await daemon.listenQmp(args.qmp);
    await daemon.listen(listen.host, listen.port);
  } catch (err) {
    exitOnStartupError(err);
  }

  const finish = (code: number): Promise<never> => finishDaemon(daemon, log, json, code);
  process.on('SIGTERM', () => void finish(EXIT_OK));
  process.on('SIGINT', () => void finish(EXIT_OK));
  daemon.on('quit', () => void finish(EXIT_OK));
  daemon.on('finished', (m) => {
    if (exitOnComplete) void finish(m.status === 'completed' ? EXIT_OK : EXIT_MIGRATION_FAILED);
  });
}
