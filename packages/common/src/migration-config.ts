/**
 * Migration capabilities and parameters (SPEC §3): their defaults, and the one
 * place where user input for them is validated. Results are frozen; inside the
 * daemons they are trusted.
 */
import { CapabilityError, ParameterError } from './errors';
import { canonicalSize, parseCount, parseSize } from './sizes';

export const CAPABILITY_NAMES = ['return-path', 'switchover-ack', 'multifd', 'auto-converge', 'verify', 'precopy-resume'] as const;
export type CapabilityName = (typeof CAPABILITY_NAMES)[number];
export type Capabilities = Readonly<Record<CapabilityName, boolean>>;

/** What each capability does, for --help (a Record, so a new capability cannot lack one). */
export const CAPABILITY_HELP: Readonly<Record<CapabilityName, string>> = {
  'return-path': 'destination-to-source messages on the migration connection (acks, the commit, the true downtime)',
  'switchover-ack': "the source switches over only after the destination said every device finished pre-allocating (QEMU's switchover-ack); needs return-path",
  multifd: 'RAM pages over multifd-channels extra connections',
  'auto-converge': 'throttle the workload when it dirties memory faster than the link sends it',
  verify: 'per-device digests compared before the destination resumes; a mismatch fails the migration and the source resumes',
  'precopy-resume': "beyond QEMU: a precopy whose connection breaks is paused on both ends, not failed, and continues where it stopped (migrate with resume=true, migrate-recover); both ends must agree",
};

export function defaultCapabilities(): Capabilities {
  return Object.freeze({ 'return-path': false, 'switchover-ack': false, multifd: false, 'auto-converge': false, verify: false, 'precopy-resume': false });
}

export interface CapabilityChange {
  capability: string;
  state: boolean;
}

function isCapabilityName(name: string): name is CapabilityName {
  return (CAPABILITY_NAMES as readonly string[]).includes(name);
}

/** Applies `migrate-set-capabilities` changes; validates names and dependencies on the result. */
export function applyCapabilities(current: Capabilities, changes: readonly CapabilityChange[]): Capabilities {
  const next: Record<CapabilityName, boolean> = { ...current };
  for (const change of changes) {
    if (!isCapabilityName(change.capability)) {
      throw new CapabilityError(`Invalid parameter '${change.capability}': unknown capability (known: ${CAPABILITY_NAMES.join(', ')})`);
    }
    if (typeof change.state !== 'boolean') {
      throw new CapabilityError(`Invalid parameter type for 'state' of capability '${change.capability}', expected: boolean`);
    }
    next[change.capability] = change.state;
  }
  if (next['switchover-ack'] && !next['return-path']) {
    throw new CapabilityError("Capability 'switchover-ack' requires capability 'return-path'");
  }
  return Object.freeze(next);
}

/** `--caps return-path,switchover-ack` → changes turning each on. */
export function parseCapsList(list: string): CapabilityChange[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((capability) => ({ capability, state: true }));
}

/** QEMU's MultiFDCompression values (`multifd-compression`). */
export const MULTIFD_COMPRESSION_METHODS = ['none', 'zlib', 'zstd'] as const;
export type MultifdCompression = (typeof MULTIFD_COMPRESSION_METHODS)[number];

export interface Parameters {
  'downtime-limit': number;
  'max-bandwidth': number;
  'multifd-channels': number;
  /** RAM pages compressed per packet on the multifd channels (only with the multifd capability, as in QEMU). */
  'multifd-compression': MultifdCompression;
  'multifd-zlib-level': number;
  'multifd-zstd-level': number;
  'avail-switchover-bandwidth': number;
  'switchover-ack-timeout': number;
  timeout: number;
  'stall-timeout': number;
  'cpu-throttle-initial': number;
  'cpu-throttle-increment': number;
  'max-cpu-throttle': number;
  'precopy-resume-timeout': number;
}
export type ParameterName = keyof Parameters;
/** The parameters whose value is one of a set of names rather than a number. */
type EnumParameterName = 'multifd-compression';
type NumericParameterName = Exclude<ParameterName, EnumParameterName>;

type Kind = 'bytes' | 'ms' | 'count' | 'percent';
/** The unit --help shows for each kind ('bytes' values are sizes or rates with K/M/G suffixes). */
export const PARAMETER_UNITS: Readonly<Record<Kind, string>> = { bytes: 'bytes/s', ms: 'ms', count: 'count', percent: '%' };

export interface ParameterSpec {
  readonly kind: Kind;
  readonly min: number;
  readonly max: number;
  readonly def: number;
  /** Values in (0, minNonZero) are rejected (0 stays "off"). */
  readonly minNonZero?: number;
  /** What it does, for --help; say what 0 means where it means off. */
  readonly help: string;
}

/** Every parameter, its range, default and meaning: validation and --help both read this table. */
export const PARAMETER_SPECS: Readonly<Record<NumericParameterName, ParameterSpec>> = {
  'downtime-limit': { kind: 'ms', min: 0, max: 2_000_000, def: 300, help: 'switch over once the remaining bytes can be sent in this long (and the ack came, with switchover-ack)' },
  'max-bandwidth': { kind: 'bytes', min: 0, max: Number.MAX_SAFE_INTEGER, def: 0, help: 'cap on the migration stream; 0 = unlimited' },
  'multifd-channels': { kind: 'count', min: 1, max: 255, def: 2, help: 'extra connections for RAM pages with multifd' },
  // QEMU's ranges and defaults.
  'multifd-zlib-level': { kind: 'count', min: 0, max: 9, def: 1, help: 'zlib level with multifd-compression=zlib (0-9)' },
  'multifd-zstd-level': { kind: 'count', min: 0, max: 20, def: 1, help: 'zstd level with multifd-compression=zstd (0-20)' },
  'avail-switchover-bandwidth': { kind: 'bytes', min: 0, max: Number.MAX_SAFE_INTEGER, def: 0, help: 'bandwidth the convergence test assumes for the final transfer; 0 = the measured one' },
  'switchover-ack-timeout': { kind: 'ms', min: 0, max: 86_400_000, def: 0, help: 'fail the migration (source keeps running) if the ack has not come by then; 0 = wait forever' },
  timeout: { kind: 'ms', min: 0, max: 86_400_000, def: 0, help: 'fail a migration not converged after this long (source keeps running); 0 = none' },
  // Beyond QEMU: a peer alive but silent for this long fails the migration (0 = off).
  'stall-timeout': { kind: 'ms', min: 0, max: 86_400_000, def: 10_000, minNonZero: 100, help: 'a peer alive but silent this long fails the migration; 0 = off, else at least 100' },
  'cpu-throttle-initial': { kind: 'percent', min: 1, max: 99, def: 20, help: 'auto-converge: first throttle step' },
  'cpu-throttle-increment': { kind: 'percent', min: 1, max: 99, def: 10, help: 'auto-converge: each further step' },
  'max-cpu-throttle': { kind: 'percent', min: 1, max: 99, def: 99, help: 'auto-converge: the most the workload is held back' },
  // Beyond QEMU: a paused precopy (precopy-resume) is bounded; there is no "wait forever".
  'precopy-resume-timeout': { kind: 'ms', min: 100, max: 86_400_000, def: 60_000, help: 'precopy-resume: a paused migration not resumed within this long fails (source running, destination discards)' },
};
const ENUM_PARAMETER_SPECS: Readonly<Record<EnumParameterName, { values: readonly string[]; def: string; help: string }>> = {
  'multifd-compression': {
    values: MULTIFD_COMPRESSION_METHODS,
    def: 'none',
    help: 'RAM pages compressed per packet on the multifd channels (needs multifd; both ends must agree)',
  },
};

/** One parameter's --help text: meaning, unit (or values) and default. */
export function parameterHelp(name: ParameterName): string {
  if (isEnumParameter(name)) {
    const e = ENUM_PARAMETER_SPECS[name];
    return `${e.help} [${e.values.join('|')}, default ${e.def}]`;
  }
  const p = PARAMETER_SPECS[name];
  return `${p.help} [${PARAMETER_UNITS[p.kind]}, default ${p.kind === 'bytes' && p.def > 0 ? canonicalSize(p.def) : p.def}]`;
}
export const PARAMETER_NAMES: readonly ParameterName[] = [
  'downtime-limit',
  'max-bandwidth',
  'multifd-channels',
  'multifd-compression',
  'multifd-zlib-level',
  'multifd-zstd-level',
  'avail-switchover-bandwidth',
  'switchover-ack-timeout',
  'timeout',
  'stall-timeout',
  'cpu-throttle-initial',
  'cpu-throttle-increment',
  'max-cpu-throttle',
  'precopy-resume-timeout',
];

/** How QMP takes a parameter: a name (string) or a number/size. */
export function parameterArgType(name: ParameterName): 'string' | 'size' {
  return isEnumParameter(name) ? 'string' : 'size';
}

export function defaultParameters(): Readonly<Parameters> {
  const out: Record<string, number | string> = {};
  for (const name of PARAMETER_NAMES) out[name] = isEnumParameter(name) ? ENUM_PARAMETER_SPECS[name].def : PARAMETER_SPECS[name].def;
  return Object.freeze(out as unknown as Parameters);
}

function isParameterName(name: string): name is ParameterName {
  return (PARAMETER_NAMES as readonly string[]).includes(name);
}

function isEnumParameter(name: ParameterName): name is EnumParameterName {
  return Object.prototype.hasOwnProperty.call(ENUM_PARAMETER_SPECS, name);
}

/** One parameter value from QMP (number or name) or the CLI (string with suffix) → validated value. */
export function parseParameterValue(name: string, value: unknown): number | string {
  if (!isParameterName(name)) {
    throw new ParameterError(`Invalid parameter '${name}' (known: ${PARAMETER_NAMES.join(', ')})`);
  }
  if (isEnumParameter(name)) {
    const values = ENUM_PARAMETER_SPECS[name].values;
    if (typeof value !== 'string') throw new ParameterError(`Invalid parameter type for '${name}', expected: string (${values.join(', ')})`);
    if (!values.includes(value)) throw new ParameterError(`Parameter '${name}' expects one of ${values.join(', ')}, got '${value}'`);
    return value;
  }
  const spec = PARAMETER_SPECS[name];
  let n: number;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new ParameterError(`Parameter '${name}' expects an integer, got ${value}`);
    n = value;
  } else if (typeof value === 'string') {
    n = spec.kind === 'bytes' ? parseSize(value, `Parameter '${name}'`) : parseCount(value, `Parameter '${name}'`);
  } else {
    throw new ParameterError(`Invalid parameter type for '${name}', expected: ${spec.kind === 'bytes' ? 'size' : 'integer'}`);
  }
  if (n < spec.min || n > spec.max) {
    throw new ParameterError(`Parameter '${name}' expects a value between ${spec.min} and ${spec.max}, got ${n}`);
  }
  if (spec.minNonZero !== undefined && n > 0 && n < spec.minNonZero) {
    throw new ParameterError(`Parameter '${name}' expects 0 (off) or at least ${spec.minNonZero}, got ${n}`);
  }
  return n;
}

/** Applies `migrate-set-parameters` arguments (all validated before any is applied). */
export function applyParameters(current: Readonly<Parameters>, changes: Readonly<Record<string, unknown>>): Readonly<Parameters> {
  const next: Record<string, number | string> = { ...current };
  for (const [name, value] of Object.entries(changes)) {
    next[name] = parseParameterValue(name, value);
  }
  return Object.freeze(next as unknown as Parameters);
}

/** `--param downtime-limit=200` → [name, value text]. */
export function parseParameterAssignment(text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new ParameterError(`--param '${text}': expected NAME=VALUE`);
  return [text.slice(0, eq).trim(), text.slice(eq + 1).trim()];
}
