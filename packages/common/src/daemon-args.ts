/**
 * The command-line options both daemons share (SPEC §2, §3, §6, §7), parsed and
 * validated once at the edge into a frozen object: devices, workload, control
 * endpoints (with their exposure check), capabilities, parameters, security,
 * logging. Each daemon adds its own options (--migrate-to, --listen, …).
 */
import type { CliValues } from './cli';
import { parseDeviceList, parseWorkloadSpec, type DeviceSpec, type WorkloadSpec } from './device-spec';
import { UsageError } from './errors';
import { LOG_LEVELS } from './logger';
import { applyCapabilities, applyParameters, defaultCapabilities, defaultParameters, parseCapsList, parseParameterAssignment, type CapabilityChange } from './migration-config';
import type { MigrationSettings } from './migration-settings';
import { parseListenAddress, type ListenAddress } from './qmp/servers';
import { SECURITY_CLI_OPTIONS, SECURITY_USAGE, checkControlExposure, parseSecurityOptions, type SecurityOptions } from './security/index';

export const DAEMON_CLI_OPTIONS = {
  device: { type: 'string', multiple: true },
  workload: { type: 'string' },
  control: { type: 'string' },
  qmp: { type: 'string' },
  caps: { type: 'string' },
  param: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  'log-level': { type: 'string' },
  'log-pretty': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...SECURITY_CLI_OPTIONS,
} as const;

export const DAEMON_USAGE = `[--device SPEC]... [--workload SPEC] [--control ADDR] [--qmp ADDR] [--caps LIST] [--param K=V]...
       [--json] [--log-level LEVEL] [--log-pretty]
       ${SECURITY_USAGE}`;

export interface DaemonArgs {
  readonly json: boolean;
  readonly logLevel: string;
  /** true: pretty; undefined: pretty only when stdout is a TTY (SPEC §7). */
  readonly logPretty: true | undefined;
  readonly devices: readonly DeviceSpec[];
  readonly workload: WorkloadSpec;
  readonly control: ListenAddress | null;
  readonly qmp: ListenAddress | null;
  readonly security: SecurityOptions;
  readonly capabilities: readonly CapabilityChange[];
  readonly parameters: Readonly<Record<string, string>>;
}

/** Validates the shared options; every problem is a UsageError naming the option and value (exit 2). */
export function parseDaemonArgs(v: CliValues): DaemonArgs {
  const logLevel = (v['log-level'] as string | undefined) ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new UsageError(`--log-level '${logLevel}': expected one of ${LOG_LEVELS.join(', ')}`);
  const control = v.control ? parseListenAddress(v.control as string, '--control') : null;
  const qmp = v.qmp ? parseListenAddress(v.qmp as string, '--qmp') : null;
  const security = parseSecurityOptions(v);
  if (control) checkControlExposure(control, security.controlToken, '--control');
  if (qmp) checkControlExposure(qmp, security.controlToken, '--qmp');
  const capabilities = v.caps ? parseCapsList(v.caps as string) : [];
  const parameters: Record<string, string> = {};
  for (const p of (v.param as string[] | undefined) ?? []) {
    const [k, val] = parseParameterAssignment(p);
    parameters[k] = val;
  }
  // Validated here, so a bad value fails before any daemon starts.
  applyCapabilities(defaultCapabilities(), capabilities);
  applyParameters(defaultParameters(), parameters);
  return Object.freeze({
    json: v.json === true,
    logLevel,
    logPretty: v['log-pretty'] === true ? true : undefined,
    devices: parseDeviceList((v.device as string[] | undefined) ?? []),
    workload: parseWorkloadSpec(v.workload as string | undefined),
    control,
    qmp,
    security,
    capabilities,
    parameters: Object.freeze(parameters),
  });
}

/** Puts the command line's capabilities and parameters into a daemon's settings. */
export function applyDaemonSettings(settings: MigrationSettings, args: DaemonArgs): void {
  settings.setCapabilities(args.capabilities);
  settings.setParameters(args.parameters);
}
