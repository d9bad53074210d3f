/**
 * `--device` and `--workload` specs (SPEC §2): parsed and validated once, at the edge.
 * Errors name the device and the bad field.
 */
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { DeviceSpecError } from './errors';
import { canonicalSize, parseCount, parseSize } from './sizes';

/** `file:PATH` is kept whole: `{ kind: 'file', path }`. */
export type RamFill = 'random' | 'zero' | 'pattern' | { readonly kind: 'file'; readonly path: string };

export interface RamSpec {
  readonly type: 'ram';
  readonly id: string;
  readonly size: number;
  readonly pageSize: number;
  readonly fill: RamFill;
  readonly seed: number;
  /**
   * Bytes per memory block (ram-blocks.ts; 1 GiB when absent). Local storage
   * only, not part of the shape: no key sets it; tests do (unit tests
   * directly, the daemons through LIVEMIG_TEST_RAM_BLOCK_SIZE).
   */
  readonly blockBytes?: number;
}

export interface AccelSpec {
  readonly type: 'accel';
  readonly id: string;
  readonly resources: number;
  readonly resourceSize: number;
  readonly allocMs: number;
  readonly initialSize: number;
  readonly stateSize: number;
  readonly dirtyRate: number;
  readonly seed: number;
}

export interface CpuSpec {
  readonly type: 'cpu';
  readonly id: string;
  readonly vcpus: number;
  readonly seed: number;
}

export type DeviceSpec = RamSpec | AccelSpec | CpuSpec;
export type DeviceKind = DeviceSpec['type'];

export interface WorkloadSpec {
  /** Bytes of RAM pages dirtied per second. */
  readonly dirtyRate: number;
  /** Share of RAM (percent) that receives 90% of the writes; 100 = uniform. */
  readonly hotPercent: number;
}

export const DEFAULT_DEVICE_SPECS: readonly string[] = [
  'ram,id=ram0,size=512M,fill=random',
  'accel,id=accel0,resources=4,resource-size=32M,alloc-ms=250,initial-size=64K,state-size=8M',
  'cpu,id=cpu0,vcpus=4',
];
export const DEFAULT_WORKLOAD_SPEC = 'dirty-rate=32M,pattern=uniform';

/** One key of a device spec: its default (as the user would write it; absent = required) and meaning. */
export interface DeviceKeyInfo {
  readonly def?: string;
  readonly help: string;
}

/**
 * Every device type's keys, defaults and meaning: the parser accepts exactly
 * these keys and takes its defaults from here, and --help prints this table.
 */
export const DEVICE_TYPES: Readonly<Record<DeviceKind, { readonly help: string; readonly keys: Readonly<Record<string, DeviceKeyInfo>> }>> = {
  ram: {
    help: 'guest memory: pages with dirty tracking, migrated iteratively; zero pages travel as a flag',
    keys: {
      id: { help: 'device id (a letter, then [A-Za-z0-9_.-])' },
      size: { help: 'bytes of memory (a multiple of page-size, up to 64G)' },
      'page-size': { def: '4K', help: 'page size, a power of two from 512 to 64K' },
      fill: { def: 'random', help: 'initial contents: random (seeded), zero, pattern, or file:PATH (a file repeated to the size; PATH without commas)' },
      seed: { def: 'from the id', help: 'seed of the random fill and writes' },
    },
  },
  accel: {
    help: 'VFIO-like accelerator: its precopy initial data tells the destination what to pre-allocate; needs switchover-ack to keep allocation out of the downtime',
    keys: {
      id: { help: 'device id' },
      resources: { def: '1', help: 'resources the destination allocates (1-1024)' },
      'resource-size': { def: '1M', help: 'bytes per resource' },
      'alloc-ms': { def: '0', help: 'extra allocation latency per resource, ms' },
      'initial-size': { def: '64K', help: 'bytes of precopy initial data' },
      'state-size': { def: '0', help: 'bytes of non-iterable state sent at stop' },
      'dirty-rate': { def: '0', help: 'bytes/s of resource contents the device dirties' },
      seed: { def: 'from the id', help: 'seed of its contents' },
    },
  },
  cpu: {
    help: 'vCPU registers: small state sent whole at stop',
    keys: {
      id: { help: 'device id' },
      vcpus: { def: '1', help: 'number of vCPUs (1-1024)' },
      seed: { def: 'from the id', help: 'seed of the register contents' },
    },
  },
};

/** The workload's keys (source only), for the parser and --help. */
export const WORKLOAD_KEYS: Readonly<Record<string, DeviceKeyInfo>> = {
  'dirty-rate': { def: '32M', help: 'bytes/s of RAM pages the running machine dirties; 0 = an idle machine' },
  pattern: { def: 'uniform', help: 'uniform, or hot:PCT (90% of the writes land in the first PCT% of RAM)' },
};

function splitKv(text: string, what: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',').filter((p) => p.length > 0)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new DeviceSpecError(`${what}: '${part}' is not KEY=VALUE`);
    const key = part.slice(0, eq).trim();
    if (out.has(key)) throw new DeviceSpecError(`${what}: '${key}' given twice`);
    out.set(key, part.slice(eq + 1).trim());
  }
  return out;
}

function isKind(t: string): t is DeviceKind {
  return t === 'ram' || t === 'accel' || t === 'cpu';
}

/** Parses one `--device TYPE,id=…,k=v` spec. */
export function parseDeviceSpec(text: string): DeviceSpec {
  const comma = text.indexOf(',');
  const type = (comma < 0 ? text : text.slice(0, comma)).trim();
  if (!isKind(type)) throw new DeviceSpecError(`device '${text}': unknown type '${type}' (expected ram, accel or cpu)`);
  const kv = splitKv(comma < 0 ? '' : text.slice(comma + 1), `device '${text}'`);
  const id = kv.get('id');
  if (!id) throw new DeviceSpecError(`device '${text}': missing id=`);
  if (!/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(id)) throw new DeviceSpecError(`device '${text}': id '${id}' must start with a letter and use [A-Za-z0-9_.-] (max 64)`);
  const what = `device '${id}'`;
  for (const key of kv.keys()) {
    if (!Object.hasOwn(DEVICE_TYPES[type].keys, key)) throw new DeviceSpecError(`${what}: unknown parameter '${key}' for ${type} (known: ${Object.keys(DEVICE_TYPES[type].keys).join(', ')})`);
  }
  // Defaults come from DEVICE_TYPES (the table --help prints); `fallback` only for keys without one there.
  const given = (key: string): string | undefined => kv.get(key) ?? DEVICE_TYPES[type].keys[key]?.def;
  const size = (key: string, fallback = 0): number => {
    const v = given(key);
    return v === undefined ? fallback : parseSize(v, `${what} ${key}`);
  };
  const count = (key: string, fallback = 0): number => {
    const v = given(key);
    return v === undefined ? fallback : parseCount(v, `${what} ${key}`);
  };
  const range = (key: string, n: number, min: number, max: number): number => {
    if (n < min || n > max) throw new DeviceSpecError(`${what}: ${key}=${n} is out of range [${min}, ${max}]`);
    return n;
  };
  const seedText = kv.get('seed');
  const seed = seedText === undefined ? hashId(id) : parseCount(seedText, `${what} seed`);
  switch (type) {
    case 'ram': {
      const pageSize = size('page-size');
      if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
        throw new DeviceSpecError(`${what}: page-size=${pageSize} must be a power of two between 512 and 64K`);
      }
      const ramSize = range('size', size('size'), pageSize, 64 * 1024 ** 3);
      if (ramSize % pageSize !== 0) throw new DeviceSpecError(`${what}: size=${ramSize} is not a multiple of page-size=${pageSize}`);
      const fill = parseRamFill(given('fill') ?? 'random', what);
      return Object.freeze({ type, id, size: ramSize, pageSize, fill, seed });
    }
    case 'accel':
      return Object.freeze({
        type,
        id,
        resources: range('resources', count('resources'), 1, 1024),
        resourceSize: range('resource-size', size('resource-size'), 4096, 16 * 1024 ** 3),
        allocMs: range('alloc-ms', count('alloc-ms'), 0, 3_600_000),
        initialSize: range('initial-size', size('initial-size'), 0, 1024 ** 3),
        stateSize: range('state-size', size('state-size'), 0, 16 * 1024 ** 3),
        dirtyRate: size('dirty-rate'),
        seed,
      });
    case 'cpu':
      return Object.freeze({ type, id, vcpus: range('vcpus', count('vcpus'), 1, 1024), seed });
    default: {
      const never: never = type;
      throw new DeviceSpecError(`unknown device type ${String(never)}`);
    }
  }
}

/**
 * `fill=random|zero|pattern|file:PATH`. The spec is split at ',' and each part at its
 * first '=', so PATH may hold ':' and '=' but not ','. The file is checked here, at the
 * edge (a usage error naming it, exit 2); it is read when the RAM is created.
 */
function parseRamFill(text: string, what: string): RamFill {
  if (text === 'random' || text === 'zero' || text === 'pattern') return text;
  if (!text.startsWith('file:')) throw new DeviceSpecError(`${what}: fill='${text}' must be random, zero, pattern or file:PATH`);
  const path = text.slice('file:'.length);
  if (path.length === 0) throw new DeviceSpecError(`${what}: fill=file: needs a path (fill=file:PATH)`);
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new DeviceSpecError(`${what}: fill=file:${path}: '${path}' is not a regular file`);
    accessSync(path, fsConstants.R_OK);
    size = st.size;
  } catch (err) {
    if (err instanceof DeviceSpecError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new DeviceSpecError(`${what}: fill=file:${path}: cannot read '${path}' (${e.code ?? e.message})`);
  }
  if (size === 0) throw new DeviceSpecError(`${what}: fill=file:${path}: '${path}' is empty`);
  return Object.freeze({ kind: 'file' as const, path });
}

/** Parses a device list; ids must be unique. Empty → the default machine. */
export function parseDeviceList(texts: readonly string[]): DeviceSpec[] {
  const specs = (texts.length > 0 ? texts : DEFAULT_DEVICE_SPECS).map(parseDeviceSpec);
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.id)) throw new DeviceSpecError(`device id '${s.id}' is used twice`);
    seen.add(s.id);
  }
  return specs;
}

export function parseWorkloadSpec(text: string | undefined): WorkloadSpec {
  const kv = splitKv(text ?? DEFAULT_WORKLOAD_SPEC, `workload '${text}'`);
  for (const key of kv.keys()) {
    if (!Object.hasOwn(WORKLOAD_KEYS, key)) throw new DeviceSpecError(`workload: unknown parameter '${key}' (known: ${Object.keys(WORKLOAD_KEYS).join(', ')})`);
  }
  const dirtyRate = parseSize(kv.get('dirty-rate') ?? WORKLOAD_KEYS['dirty-rate']!.def!, 'workload dirty-rate');
  const pattern = kv.get('pattern') ?? WORKLOAD_KEYS.pattern!.def!;
  let hotPercent = 100;
  if (pattern !== 'uniform') {
    const m = /^hot:(\d+)$/.exec(pattern);
    if (!m) throw new DeviceSpecError(`workload: pattern='${pattern}' must be uniform or hot:PCT`);
    hotPercent = Number(m[1]);
    if (hotPercent < 1 || hotPercent > 100) throw new DeviceSpecError(`workload: hot:${hotPercent} must be between 1 and 100`);
  }
  return Object.freeze({ dirtyRate, hotPercent });
}

/**
 * The part of a device that both ends must agree on, in canonical text. Local
 * behaviour (fill, seed, alloc-ms, dirty-rate) is not part of it.
 */
export function deviceShape(spec: DeviceSpec): string {
  switch (spec.type) {
    case 'ram':
      return `size=${canonicalSize(spec.size)},page-size=${canonicalSize(spec.pageSize)}`;
    case 'accel':
      return `resources=${spec.resources},resource-size=${canonicalSize(spec.resourceSize)},initial-size=${canonicalSize(spec.initialSize)},state-size=${canonicalSize(spec.stateSize)}`;
    case 'cpu':
      return `vcpus=${spec.vcpus}`;
    default: {
      const never: never = spec;
      return String(never);
    }
  }
}

/** A stable default seed per device id, so two runs of the same machine match. */
function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
