/**
 * livemig-destination: waits for an incoming migration on --listen, loads it
 * and resumes the machine. With --exit-on-complete it exits 0 after a completed
 * load and 1 after a failed migration; connections that never became a
 * migration (bad header, refused configuration) do not end it.
 */
import {
  EXIT_MIGRATION_FAILED,
  EXIT_OK,
  UsageError,
  LOG_LEVELS,
  createLogger,
  exitOnStartupError,
  parseCapsList,
  parseCli,
  parseDeviceList,
  parseListenAddress,
  parseParameterAssignment,
  parseWorkloadSpec,
  parseSecurityOptions,
  checkControlExposure,
  SECURITY_CLI_OPTIONS,
  SECURITY_USAGE,
  type Logger,
} from '@livemig/common';
import { DestinationDaemon } from './destination-daemon';
import { faultHooksFromEnv } from './test-faults';

const USAGE = `usage: livemig-destination --listen HOST:PORT [--device SPEC]... [--caps LIST] [--param K=V]...
                           [--control ADDR] [--qmp ADDR] [--exit-on-complete] [--json]
                           [--workload SPEC] [--log-level LEVEL] [--log-pretty]
                           ${SECURITY_USAGE}`;

const OPTIONS = {
  listen: { type: 'string' },
  device: { type: 'string', multiple: true },
  workload: { type: 'string' },
  caps: { type: 'string' },
  param: { type: 'string', multiple: true },
  control: { type: 'string' },
  qmp: { type: 'string' },
  'exit-on-complete': { type: 'boolean' },
  json: { type: 'boolean' },
  'log-level': { type: 'string' },
  'log-pretty': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...SECURITY_CLI_OPTIONS,
} as const;

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
    json = v.json === true;
    exitOnComplete = v['exit-on-complete'] === true;
    const level = (v['log-level'] as string | undefined) ?? 'info';
    if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new UsageError(`--log-level '${level}': expected one of ${LOG_LEVELS.join(', ')}`);
    const devices = parseDeviceList((v.device as string[] | undefined) ?? []);
    const workload = parseWorkloadSpec(v.workload as string | undefined);
    const control = v.control ? parseListenAddress(v.control as string, '--control') : null;
    const qmpAddr = v.qmp ? parseListenAddress(v.qmp as string, '--qmp') : null;
    const security = parseSecurityOptions(v);
    if (control) checkControlExposure(control, security.controlToken, '--control');
    if (qmpAddr) checkControlExposure(qmpAddr, security.controlToken, '--qmp');
    log = createLogger({ name: 'livemig-destination', level, pretty: v['log-pretty'] === true ? true : undefined, toStderr: json });
    daemon = new DestinationDaemon({ devices, workload, log, security, faults: faultHooksFromEnv(process.env, log) });
    if (v.caps) daemon.settings.setCapabilities(parseCapsList(v.caps as string));
    const params: Record<string, string> = {};
    for (const p of (v.param as string[] | undefined) ?? []) {
      const [k, val] = parseParameterAssignment(p);
      params[k] = val;
    }
    daemon.settings.setParameters(params);
    if (control) await daemon.listenControl(control);
    if (qmpAddr) await daemon.listenQmp(qmpAddr);
    await daemon.listen(listen.host, listen.port);
  } catch (err) {
    exitOnStartupError(err);
  }

  const finish = async (code: number): Promise<void> => {
    if (json) process.stdout.write(`${JSON.stringify(daemon.queryMigrate())}\n`);
    await daemon.close();
    log.flush();
    process.exit(code);
  };
  process.on('SIGTERM', () => void finish(EXIT_OK));
  process.on('SIGINT', () => void finish(EXIT_OK));
  daemon.on('quit', () => void finish(EXIT_OK));
  daemon.on('finished', (m) => {
    if (exitOnComplete) void finish(m.status === 'completed' ? EXIT_OK : EXIT_MIGRATION_FAILED);
  });
}
