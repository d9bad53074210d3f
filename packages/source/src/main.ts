/**
 * livemig-source: runs the machine and serves the control API; with
 * --migrate-to it migrates at once and exits 0 on a completed (and, with
 * verify, verified) migration, 1 on failure (machine state intact), 2 on bad usage.
 */
import {
  DAEMON_CLI_OPTIONS,
  DAEMON_USAGE,
  EXIT_MIGRATION_FAILED,
  EXIT_OK,
  applyDaemonSettings,
  createLogger,
  exitOnStartupError,
  finishDaemon,
  parseCli,
  parseDaemonArgs,
  parseMigrationUri,
  type Logger,
} from '@livemig/common';
import { SourceDaemon } from './source-daemon';

const USAGE = `usage: livemig-source [--migrate-to tcp:HOST:PORT]
       ${DAEMON_USAGE}`;

const OPTIONS = { ...DAEMON_CLI_OPTIONS, 'migrate-to': { type: 'string' } } as const;

export async function main(argv: string[]): Promise<void> {
  let daemon: SourceDaemon;
  let log: Logger;
  let json = false;
  let migrateTo: string | undefined;
  try {
    const v = parseCli(argv, OPTIONS, USAGE);
    if (v.help) {
      process.stdout.write(`${USAGE}\n`);
      process.exit(EXIT_OK);
    }
    const args = parseDaemonArgs(v);
    json = args.json;
    migrateTo = v['migrate-to'] as string | undefined;
    if (migrateTo) parseMigrationUri(migrateTo);
    log = createLogger({ name: 'livemig-source', level: args.logLevel, pretty: args.logPretty, toStderr: json });
    daemon = new SourceDaemon({ devices: args.devices, workload: args.workload, log, security: args.security });
    applyDaemonSettings(daemon.settings, args);
    daemon.start();
    if (args.control) await daemon.listenControl(args.control);
    if (args.qmp) await daemon.listenQmp(args.qmp);
  } catch (err) {
    exitOnStartupError(err);
  }

  let finishing: Promise<never> | null = null;
  const finish = (code: number): Promise<never> => (finishing ??= finishDaemon(daemon, log, json, code));
  // SIGTERM, SIGINT and QMP `quit` alike: mid-migration the migration is
  // cancelled (the machine's state is intact) and the exit code says so (1), as
  // for any cancelled migration; otherwise 0.
  const shutdown = (): void => void daemon.cancelForShutdown().then((cut) => finish(cut ? EXIT_MIGRATION_FAILED : EXIT_OK));
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  daemon.on('quit', shutdown);

  if (migrateTo) {
    daemon.on('finished', (m) => {
      const ok = m.status === 'completed' && (!m.caps.verify || m.verified !== false);
      void finish(ok ? EXIT_OK : EXIT_MIGRATION_FAILED);
    });
    daemon.migrate(migrateTo);
  }
}
