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

const KEYS: Record<DeviceKind, readonly string[]> = {
  ram: ['id', 'size', 'page-size', 'fill', 'seed'],
  accel: ['id', 'resources', 'resource-size', 'alloc-ms', 'initial-size', 'state-size', 'dirty-rate', 'seed'],
  cpu: ['id', 'vcpus', 'seed'],
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
    if (!KEYS[type].includes(key)) throw new DeviceSpecError(`${what}: unknown parameter '${key}' for ${type} (known: ${KEYS[type].join(', ')})`);
  }
  const size = (key: string, def: number): number => {
    const v = kv.get(key);
    return v === undefined ? def : parseSize(v, `${what} ${key}`);
  };
  const count = (key: string, def: number): number => {
    const v = kv.get(key);
    return v === undefined ? def : parseCount(v, `${what} ${key}`);
  };
  const range = (key: string, n: number, min: number, max: number): number => {
    if (n < min || n > max) throw new DeviceSpecError(`${what}: ${key}=${n} is out of range [${min}, ${max}]`);
    return n;
  };
  const seed = count('seed', hashId(id));
  switch (type) {
    case 'ram': {
      const pageSize = size('page-size', 4096);
      if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
        throw new DeviceSpecError(`${what}: page-size=${pageSize} must be a power of two between 512 and 64K`);
      }
      const ramSize = range('size', size('size', 0), pageSize, 64 * 1024 ** 3);
      if (ramSize % pageSize !== 0) throw new DeviceSpecError(`${what}: size=${ramSize} is not a multiple of page-size=${pageSize}`);
      const fill = parseRamFill(kv.get('fill') ?? 'random', what);
      return Object.freeze({ type, id, size: ramSize, pageSize, fill, seed });
    }
    case 'accel':
      return Object.freeze({
        type,
        id,
        resources: range('resources', count('resources', 1), 1, 1024),
        resourceSize: range('resource-size', size('resource-size', 1024 * 1024), 4096, 16 * 1024 ** 3),
        allocMs: range('alloc-ms', count('alloc-ms', 0), 0, 3_600_000),
        initialSize: range('initial-size', size('initial-size', 64 * 1024), 0, 1024 ** 3),
        stateSize: range('state-size', size('state-size', 0), 0, 16 * 1024 ** 3),
        dirtyRate: size('dirty-rate', 0),
        seed,
      });
    case 'cpu':
      return Object.freeze({ type, id, vcpus: range('vcpus', count('vcpus', 1), 1, 1024), seed });
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
    if (key !== 'dirty-rate' && key !== 'pattern') throw new DeviceSpecError(`workload: unknown parameter '${key}' (known: dirty-rate, pattern)`);
  }
  const rateText = kv.get('dirty-rate');
  const dirtyRate = rateText === undefined ? 32 * 1024 * 1024 : parseSize(rateText, 'workload dirty-rate');
  const pattern = kv.get('pattern') ?? 'uniform';
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
