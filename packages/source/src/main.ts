/**
 * livemig-source: runs the machine and serves the control API; with
 * --migrate-to it migrates at once and exits 0 on a completed (and, with
 * verify, verified) migration, 1 on failure (machine state intact), 2 on bad usage.
 */
import {
  EXIT_MIGRATION_FAILED,
  EXIT_OK,
  UsageError,
  createLogger,
  exitOnStartupError,
  parseCapsList,
  parseCli,
  parseDeviceList,
  parseListenAddress,
  parseMigrationUri,
  parseParameterAssignment,
  parseWorkloadSpec,
  parseSecurityOptions,
  checkControlExposure,
  SECURITY_CLI_OPTIONS,
  SECURITY_USAGE,
  LOG_LEVELS,
  type Logger,
} from '@livemig/common';
import { SourceDaemon } from './source-daemon';

const USAGE = `usage: livemig-source [--device SPEC]... [--workload SPEC] [--control ADDR] [--qmp ADDR]
                      [--migrate-to tcp:HOST:PORT] [--caps LIST] [--param K=V]... [--json]
                      [--log-level LEVEL] [--log-pretty]
                      ${SECURITY_USAGE}`;

const OPTIONS = {
  device: { type: 'string', multiple: true },
  workload: { type: 'string' },
  control: { type: 'string' },
  qmp: { type: 'string' },
  'migrate-to': { type: 'string' },
  caps: { type: 'string' },
  param: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  'log-level': { type: 'string' },
  'log-pretty': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...SECURITY_CLI_OPTIONS,
} as const;

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
    json = v.json === true;
    const level = (v['log-level'] as string | undefined) ?? 'info';
    if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new UsageError(`--log-level '${level}': expected one of ${LOG_LEVELS.join(', ')}`);
    const devices = parseDeviceList((v.device as string[] | undefined) ?? []);
    const workload = parseWorkloadSpec(v.workload as string | undefined);
    const control = v.control ? parseListenAddress(v.control as string, '--control') : null;
    const qmpAddr = v.qmp ? parseListenAddress(v.qmp as string, '--qmp') : null;
    migrateTo = v['migrate-to'] as string | undefined;
    if (migrateTo) parseMigrationUri(migrateTo);
    const security = parseSecurityOptions(v);
    if (control) checkControlExposure(control, security.controlToken, '--control');
    if (qmpAddr) checkControlExposure(qmpAddr, security.controlToken, '--qmp');
    log = createLogger({ name: 'livemig-source', level, pretty: v['log-pretty'] === true ? true : undefined, toStderr: json });
    daemon = new SourceDaemon({ devices, workload, log, security });
    if (v.caps) daemon.settings.setCapabilities(parseCapsList(v.caps as string));
    const params: Record<string, string> = {};
    for (const p of (v.param as string[] | undefined) ?? []) {
      const [k, val] = parseParameterAssignment(p);
      params[k] = val;
    }
    daemon.settings.setParameters(params);
    daemon.start();
    if (control) await daemon.listenControl(control);
    if (qmpAddr) await daemon.listenQmp(qmpAddr);
  } catch (err) {
    exitOnStartupError(err);
  }

  const finish = async (code: number): Promise<void> => {
    if (json) process.stdout.write(`${JSON.stringify(daemon.queryMigrate())}\n`);
    await daemon.close();
    log.flush();
    process.exit(code);
  };
  process.on('SIGTERM', () => void finish(daemon.migrating ? EXIT_MIGRATION_FAILED : EXIT_OK));
  process.on('SIGINT', () => void finish(daemon.migrating ? EXIT_MIGRATION_FAILED : EXIT_OK));
  daemon.on('quit', () => void finish(EXIT_OK));

  if (migrateTo) {
    daemon.on('finished', (m) => {
      const ok = m.status === 'completed' && (!m.caps.verify || m.verified !== false);
      void finish(ok ? EXIT_OK : EXIT_MIGRATION_FAILED);
    });
    daemon.migrate(migrateTo);
  }
}
