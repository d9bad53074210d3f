/**
 * The command-line options both daemons share (SPEC §2, §3, §6, §7), parsed and
 * validated once at the edge into a frozen object: devices, workload, control
 * endpoints (with their exposure check), capabilities, parameters, security,
 * logging. Each daemon adds its own options (--migrate-to, --listen, …).
 */
import { HELP_OPTIONS, formatTermList, wrap, type CliOption, type CliValues, type HelpSection, type OptionTable } from './cli';
import { deviceTypes } from './devices/registry';
import { DEFAULT_DEVICE_SPECS, DEFAULT_WORKLOAD_SPEC, WORKLOAD_KEYS, specKeys, parseDeviceList, parseWorkloadSpec, type DeviceKeyInfo, type DeviceSpec, type WorkloadSpec } from './device-spec';
import { DEVICE_MODULE_OPTION } from './device-modules';
import { applyTestRamBlockSize, checkRamFitsHost, hostMemoryBytes } from './devices/ram-limits';
import { UsageError } from './errors';
import { LOG_LEVELS } from './logger';
import { CAPABILITY_HELP, CAPABILITY_NAMES, PARAMETER_NAMES, applyCapabilities, parameterHelp, applyParameters, defaultCapabilities, defaultParameters, parseCapsList, parseParameterAssignment, type CapabilityChange } from './migration-config';
import { canonicalSize } from './sizes';
import type { MigrationSettings } from './migration-settings';
import { compressionThreads, warmCompressionPool } from './compression/compression-pool';
import { zstdCodec } from './compression/zstd-codec';
import { parseListenAddress, type ListenAddress } from './qmp/servers';
import { SECURITY_OPTIONS, checkControlExposure, parseSecurityOptions, type SecurityOptions } from './security/index';

/** The options both daemons take (one entry each: parser, validation and --help read it). */
export const DAEMON_OPTIONS: OptionTable = [
  { name: 'device', type: 'string', arg: 'SPEC', multiple: true, help: 'a device of the machine, TYPE,id=ID,KEY=VALUE,... (repeatable; see Device types). Both daemons need the same list', default: 'the default machine below' },
  DEVICE_MODULE_OPTION,
  { name: 'caps', type: 'string', arg: 'LIST', help: 'capabilities to turn on, comma-separated (see Capabilities); the stream capabilities must match on both ends', default: 'none' },
  { name: 'param', type: 'string', arg: 'NAME=VALUE', multiple: true, help: 'set one migration parameter (repeatable; see Parameters)' },
  { name: 'control', type: 'string', arg: 'ADDR', help: 'serve QMP over WebSocket and the live view (http://ADDR/) on HOST:PORT', default: 'none' },
  { name: 'qmp', type: 'string', arg: 'ADDR', help: "serve a plain QMP socket (QEMU's framing) on HOST:PORT, tcp:HOST:PORT or unix:PATH", default: 'none' },
  { name: 'json', type: 'boolean', help: 'on exit print the final query-migrate object as one JSON line on stdout; logs go to stderr' },
  { name: 'log-level', type: 'string', arg: 'LEVEL', help: `one of ${LOG_LEVELS.join(', ')}`, default: 'info' },
  { name: 'log-pretty', type: 'boolean', help: 'human-readable logs', default: 'when stdout is a terminal' },
  ...SECURITY_OPTIONS,
  ...HELP_OPTIONS,
];

/** --workload (the source's: the destination's machine runs the default workload once it resumes). */
export const WORKLOAD_OPTION: CliOption = {
  name: 'workload',
  type: 'string',
  arg: 'SPEC',
  help: 'what the running machine does: dirty-rate=RATE[,pattern=uniform|hot:PCT] (see Workload)',
  default: DEFAULT_WORKLOAD_SPEC,
};

function keyRows(keys: Readonly<Record<string, DeviceKeyInfo>>): Array<[string, string]> {
  return Object.entries(keys).map(([k, info]) => [k, info.def === undefined ? `${info.help} (required)` : `${info.help} (default ${info.def})`]);
}

/** The help sections both daemons print after their options, from the engine's own tables. */
export function daemonHelpSections(opts: { workload: boolean }): HelpSection[] {
  const devices: string[] = [];
  for (const t of deviceTypes()) {
    devices.push(...wrap(`${t.name}: ${t.help}`, 98, 4).map((l) => `  ${l}`));
    const keys: Record<string, DeviceKeyInfo> = {};
    for (const k of specKeys(t.keys)) keys[k] = t.keys[k] ?? (k === 'id' ? { help: 'device id' } : { def: 'from the id', help: 'seed of its contents' });
    devices.push(...formatTermList(keyRows(keys), 20).map((l) => `  ${l}`));
  }
  devices.push('  Default machine (no --device):', ...DEFAULT_DEVICE_SPECS.map((d) => `  --device ${d}`));
  const sections: HelpSection[] = [{ title: 'Device types (--device TYPE,id=ID,KEY=VALUE,...)', lines: devices }];
  if (opts.workload) sections.push({ title: `Workload (--workload KEY=VALUE,...; default ${DEFAULT_WORKLOAD_SPEC})`, lines: formatTermList(keyRows(WORKLOAD_KEYS), 20) });
  sections.push(
    {
      title: 'Capabilities (--caps NAME,...; all off by default)',
      lines: formatTermList(CAPABILITY_NAMES.map((c) => [c, CAPABILITY_HELP[c]]), 20),
    },
    {
      title: 'Parameters (--param NAME=VALUE)',
      lines: formatTermList(
        PARAMETER_NAMES.map((n) => [n, parameterHelp(n)]),
        28,
      ),
    },
    {
      title: 'Sizes and rates',
      lines: ['  a number with an optional binary suffix: K (1024), M (1024^2), G (1024^3), T; 512M, 4K, 1.5G.', '  Rates are bytes/s: max-bandwidth=32M is 32 MiB/s. Times are ms.'],
    },
    {
      title: 'Addresses',
      lines: [
        '  --control HOST:PORT, e.g. 127.0.0.1:4446 (:PORT alone is 127.0.0.1:PORT; port 0: any free one)',
        '  --qmp HOST:PORT, tcp:HOST:PORT, or unix:PATH for a Unix socket (e.g. unix:/tmp/src.qmp)',
        '  Off loopback, --control and --qmp need --control-token-file. Migration URIs are tcp:HOST:PORT.',
      ],
    },
  );
  return sections;
}

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

/**
 * Validates the shared options; every problem is a UsageError naming the option and value (exit 2).
 * `env` and `hostBytes` are the environment and memory of this process (tests pass their own).
 */
export function parseDaemonArgs(v: CliValues, env: NodeJS.ProcessEnv = process.env, hostBytes: number = hostMemoryBytes()): DaemonArgs {
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
  const devices = applyTestRamBlockSize(parseDeviceList((v.device as string[] | undefined) ?? []), env);
  checkRamFitsHost(devices, hostBytes);
  return Object.freeze({
    json: v.json === true,
    logLevel,
    logPretty: v['log-pretty'] === true ? true : undefined,
    devices,
    workload: parseWorkloadSpec(v.workload as string | undefined),
    control,
    qmp,
    security,
    capabilities,
    parameters: Object.freeze(parameters),
  });
}

/**
 * With multifd-compression on from the command line, starts the compression
 * workers now rather than in the first migration's setup (a worker takes
 * ~50–300 ms to start here; see compression-pool.ts). Called before the machine
 * is built, so the workers start while the source fills its RAM. A destination
 * inflates zstd on its own thread (multifd-receiver.ts): it loads the binding
 * instead, and keeps workers for zlib only.
 */
export function warmDaemonCompression(args: DaemonArgs, role: 'source' | 'destination'): void {
  const caps = applyCapabilities(defaultCapabilities(), args.capabilities);
  const p = applyParameters(defaultParameters(), args.parameters);
  const method = caps.multifd ? p['multifd-compression'] : 'none';
  if (method === 'none') return;
  if (role === 'destination' && method === 'zstd') zstdCodec();
  else warmCompressionPool(compressionThreads(p['multifd-channels']));
}

/** Puts the command line's capabilities and parameters into a daemon's settings. */
export function applyDaemonSettings(settings: MigrationSettings, args: DaemonArgs): void {
  settings.setCapabilities(args.capabilities);
  settings.setParameters(args.parameters);
}
