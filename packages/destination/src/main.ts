/**
 * livemig-destination: waits for an incoming migration on --listen, loads it
 * and resumes the machine. With --exit-on-complete it exits 0 after a completed
 * load and 1 after a failed migration; connections that never became a
 * migration (bad header, refused configuration) do not end it.
 *
 * Every option is checked before anything listens; TLS material is loaded and
 * matched, and the control ports and the migration port bound, before
 * "listening for incoming migration": a bad one exits 2 naming the flag.
 */
import { UsageError } from '@livemig/common/errors';
import {
  EXIT_MIGRATION_FAILED,
  EXIT_OK,
  exitOnStartupError,
  finishDaemon,
  formatHelp,
  handleHelpAndVersion,
  parseCli,
  type OptionTable,
} from '@livemig/common/cli';
import { bindError, parseListenAddress } from '@livemig/common/control';
import { loadDeviceModules, parseWorkloadSpec } from '@livemig/common/devices';
import {
  DAEMON_OPTIONS,
  applyDaemonSettings,
  createLogger,
  daemonHelpSections,
  parseDaemonArgs,
  warmDaemonCompression,
  type Logger,
} from '@livemig/common/daemon';
// The built-in kv type lives in its own package, registered like any other type.
import '@livemig/kv';
import { DestinationDaemon } from './destination-daemon';
import { installFaultsFromEnv, installMultifdHoldFromEnv } from './test-faults';

const COMMAND = 'livemig-destination';
const USAGE = `usage: ${COMMAND} --listen HOST:PORT [--exit-on-complete] [--device SPEC]... [--caps LIST] [OPTIONS]`;

/** Every option livemig-destination accepts: the parser and --help both come from this table. */
export const DESTINATION_OPTIONS: OptionTable = [
  { name: 'listen', type: 'string', arg: 'HOST:PORT', help: 'wait for the incoming migration on this TCP address (as qemu -incoming tcp:HOST:PORT); port 0 picks a free one (logged)' },
  { name: 'exit-on-complete', type: 'boolean', help: 'exit after the incoming migration: 0 completed (and verified with verify), 1 failed; otherwise keep running the machine' },
  ...DAEMON_OPTIONS,
];

const FINAL_FIGURES_LINGER_MS = 500;
/** What the resumed machine does here (see main). */
const DESTINATION_WORKLOAD = 'dirty-rate=0';

export function destinationHelp(): string {
  return formatHelp({
    command: COMMAND,
    usage: [`${COMMAND} --listen HOST:PORT [OPTIONS]`],
    summary:
      'Waits for one incoming migration from a livemig-source, loads and verifies it, and resumes the machine (which then runs idle: --workload belongs to the source). Start it with the same --device list and the same stream capabilities (return-path, switchover-ack, multifd, precopy-resume) as the source: a difference is refused, naming it, before any state moves.',
    options: DESTINATION_OPTIONS,
    sections: daemonHelpSections({ workload: false }),
    examples: [
      '# wait for one migration of the default machine with switchover-ack, exit when done:',
      'npx livemig-destination --listen 127.0.0.1:4444 --caps return-path,switchover-ack,verify \\',
      '    --exit-on-complete',
      '# TLS and a shared secret, with a control port for livemig-ctl and the live view:',
      'npx livemig-destination --listen 0.0.0.0:4444 --tls-cert dst.crt --tls-key dst.key \\',
      '    --tls-ca ca.crt --auth-secret-file secret --caps return-path,switchover-ack \\',
      '    --control 127.0.0.1:4446',
    ],
  });
}

export async function main(argv: string[]): Promise<void> {
  let daemon: DestinationDaemon;
  let log: Logger;
  let json = false;
  let exitOnComplete = false;
  try {
    if (argv.some((a) => a === '--workload' || a.startsWith('--workload='))) {
      throw new UsageError('--workload is a livemig-source option: the destination runs the machine it receives (idle once it resumes)');
    }
    const v = parseCli(argv, DESTINATION_OPTIONS, USAGE);
    // Device types from --device-module first: --help lists them, --device specs use them.
    await loadDeviceModules(v['device-module'] as string[] | undefined);
    handleHelpAndVersion(v, COMMAND, destinationHelp);
    if (!v.listen) throw new UsageError(`--listen HOST:PORT is required\n${USAGE}`);
    const listen = parseListenAddress(v.listen as string, '--listen');
    if (listen.kind !== 'tcp') throw new UsageError(`--listen '${String(v.listen)}': the migration listens on TCP only: give HOST:PORT (e.g. 127.0.0.1:4444); a Unix path is for --qmp`);
    const args = parseDaemonArgs(v);
    warmDaemonCompression(args, 'destination');
    json = args.json;
    exitOnComplete = v['exit-on-complete'] === true;
    log = createLogger({ name: COMMAND, level: args.logLevel, pretty: args.logPretty, toStderr: json });
    // --workload is the source's. The stream does not carry it (yet), so once resumed here the
    // machine runs idle: its state is exactly what was migrated until a client changes it.
    installFaultsFromEnv(process.env, log);
    installMultifdHoldFromEnv(process.env, log);
    daemon = new DestinationDaemon({ devices: args.devices, workload: parseWorkloadSpec(DESTINATION_WORKLOAD), log, security: args.security });
    applyDaemonSettings(daemon.settings, args);
    if (args.control) await daemon.listenControl(args.control, '--control');
    if (args.qmp) await daemon.listenQmp(args.qmp, '--qmp');
    // Devices first (a kv device binds its client address): their errors name the device.
    await daemon.startDevices();
    await daemon.listen(listen.host, listen.port).catch((err: unknown) => {
      throw bindError('--listen', `${listen.host}:${listen.port}`, err);
    });
  } catch (err) {
    exitOnStartupError(err);
  }

  const finish = (code: number, lingerMs = 0): Promise<never> => finishDaemon(daemon, log, json, code, lingerMs);
  process.on('SIGTERM', () => void finish(EXIT_OK));
  process.on('SIGINT', () => void finish(EXIT_OK));
  daemon.on('quit', () => void finish(EXIT_OK));
  daemon.on('finished', (m) => {
    // A migration discarded for a new one of its source (StreamHeader.abandons) is not the
    // end: that new migration is the one this process exits after.
    if (exitOnComplete && !m.superseded) void finish(m.status === 'completed' ? EXIT_OK : EXIT_MIGRATION_FAILED, FINAL_FIGURES_LINGER_MS);
  });
}
