/**
 * livemig-source: runs the machine and serves the control API; with
 * --migrate-to it migrates at once and exits 0 on a completed (and, with
 * verify, verified) migration, 1 on failure (machine state intact), 2 on bad usage.
 *
 * Start-up order: every option is parsed and every file, address and port
 * checked (TLS material loaded and matched, control ports bound) before the
 * machine starts, so a configuration error exits 2 before "machine running".
 */
import { lookup } from 'node:dns/promises';
import { UsageError } from '@livemig/common/errors';
import {
  EXIT_MIGRATION_FAILED,
  EXIT_OK,
  exitOnStartupError,
  finishDaemon,
  formatHelp,
  handleHelpAndVersion,
  parseCli,
  parseMigrationUri,
  type OptionTable,
} from '@livemig/common/cli';
import { loadDeviceModules } from '@livemig/common/devices';
import {
  DAEMON_OPTIONS,
  WORKLOAD_OPTION,
  applyDaemonSettings,
  createLogger,
  daemonHelpSections,
  parseDaemonArgs,
  warmDaemonCompression,
  type Logger,
} from '@livemig/common/daemon';
// The built-in kv type lives in its own package, registered like any other type.
import '@livemig/kv';
import { SourceDaemon } from './source-daemon';

const COMMAND = 'livemig-source';
const USAGE = `usage: ${COMMAND} [--migrate-to tcp:HOST:PORT] [--control ADDR] [--qmp ADDR] [--device SPEC]... [--workload SPEC] [OPTIONS]`;

/** Every option livemig-source accepts: the parser and --help both come from this table. */
export const SOURCE_OPTIONS: OptionTable = [
  { name: 'migrate-to', type: 'string', arg: 'tcp:HOST:PORT', help: 'migrate to this destination at once; exit when the migration ends (0 completed, 1 failed)' },
  WORKLOAD_OPTION,
  ...DAEMON_OPTIONS,
];

/** How long a failed --migrate-to run waits for its abandon notice before it exits (the notice is best effort). */
const NOTICE_EXIT_WAIT_MS = 2000;

function noticeOrTimeout(notice: Promise<boolean> | null): Promise<unknown> {
  if (!notice) return Promise.resolve();
  return Promise.race([notice, new Promise((resolve) => setTimeout(resolve, NOTICE_EXIT_WAIT_MS).unref())]);
}

/** How long, after the migration ended, control clients may still fetch the final figures before the process exits. */
const FINAL_FIGURES_LINGER_MS = 500;

export function sourceHelp(): string {
  return formatHelp({
    command: COMMAND,
    usage: [`${COMMAND} --migrate-to tcp:HOST:PORT [OPTIONS]`, `${COMMAND} --control HOST:PORT | --qmp ADDR [OPTIONS]`],
    summary:
      'Runs the machine (its workload keeps changing device state) and migrates it to a livemig-destination: at once with --migrate-to, or when a control client sends migrate. Give the destination the same --device list and stream capabilities (return-path, switchover-ack, multifd, precopy-resume).',
    options: SOURCE_OPTIONS,
    sections: daemonHelpSections({ workload: true }),
    examples: [
      '# migrate the default machine with switchover-ack and verification, then exit:',
      'npx livemig-source --migrate-to tcp:127.0.0.1:4444 --caps return-path,switchover-ack,verify',
      '# TLS and a shared secret, control on a QMP socket, migrate later with livemig-ctl:',
      'npx livemig-source --qmp unix:/tmp/src.qmp --tls-cert src.crt --tls-key src.key --tls-ca ca.crt \\',
      '    --auth-secret-file secret --caps return-path,switchover-ack',
      "npx livemig-ctl --connect unix:/tmp/src.qmp migrate '{\"uri\":\"tcp:127.0.0.1:4444\"}'",
    ],
  });
}

/** The destination need not be up yet, but its name must resolve: a typo is a configuration error (exit 2). */
async function checkResolves(uri: string): Promise<void> {
  const { host } = parseMigrationUri(uri);
  try {
    await lookup(host);
  } catch (err) {
    throw new UsageError(`--migrate-to ${uri}: the host name '${host}' does not resolve (${(err as NodeJS.ErrnoException).code ?? 'lookup failed'})`);
  }
}

export async function main(argv: string[]): Promise<void> {
  let daemon: SourceDaemon;
  let log: Logger;
  let json = false;
  let migrateTo: string | undefined;
  try {
    const v = parseCli(argv, SOURCE_OPTIONS, USAGE);
    // Device types from --device-module first: --help lists them, --device specs use them.
    await loadDeviceModules(v['device-module'] as string[] | undefined);
    handleHelpAndVersion(v, COMMAND, sourceHelp);
    const args = parseDaemonArgs(v);
    warmDaemonCompression(args, 'source');
    json = args.json;
    migrateTo = v['migrate-to'] as string | undefined;
    if (migrateTo) await checkResolves(migrateTo);
    // Without any of these the process would run a machine nobody can reach or migrate.
    if (!migrateTo && !args.control && !args.qmp) {
      throw new UsageError(`nothing to do: give --migrate-to tcp:HOST:PORT to migrate at once, or --control HOST:PORT / --qmp ADDR to wait for a migrate command\n${USAGE}`);
    }
    log = createLogger({ name: COMMAND, level: args.logLevel, pretty: args.logPretty, toStderr: json });
    daemon = new SourceDaemon({ devices: args.devices, workload: args.workload, log, security: args.security });
    applyDaemonSettings(daemon.settings, args);
    if (args.control) await daemon.listenControl(args.control, '--control');
    if (args.qmp) await daemon.listenQmp(args.qmp, '--qmp');
    await daemon.start();
  } catch (err) {
    exitOnStartupError(err);
  }

  let finishing: Promise<never> | null = null;
  const finish = (code: number, lingerMs = 0): Promise<never> =>
    (finishing ??= finishDaemon(daemon, log, json, code, lingerMs));
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
      // A completed migration: devices may hold the exit a while (kv forwards its
      // clients to the destination until they close, within its forward-timeout).
      // SIGTERM, SIGINT and QMP quit end the wait at once (shutdown above).
      // A failed one (precopy-resume): the notice to the destination that may hold it paused
      // gets a moment to go out (abandon-notice.ts), at most NOTICE_EXIT_WAIT_MS.
      void (ok ? daemon.quiesce() : noticeOrTimeout(daemon.noticeSent)).then(() => finish(ok ? EXIT_OK : EXIT_MIGRATION_FAILED, FINAL_FIGURES_LINGER_MS));
    });
    daemon.migrate(migrateTo);
  }
}
