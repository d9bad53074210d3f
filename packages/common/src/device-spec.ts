/**
 * `--device` and `--workload` specs (SPEC §2): parsed and validated once, at the edge.
 * Errors name the device and the bad field.
 */
import { DeviceSpecError } from './errors';
import { parseCount, parseSize } from './sizes';
import './devices/builtins';
import type { DeviceKeyInfo, DeviceSpec } from './devices/device';

export type { DeviceKeyInfo, DeviceSpec };
export type { RamSpec, RamFill } from './devices/ram';
export type { AccelSpec } from './devices/accel';
export type { CpuSpec } from './devices/cpu';
export { deviceShape } from './devices/registry';
import { deviceTypes, findDeviceType, specReader } from './devices/registry';


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

/** Every key a type's spec takes, as --help lists them: id first, seed last (unless the type lists them itself). */
export function specKeys(keys: Readonly<Record<string, DeviceKeyInfo>>): string[] {
  const own = Object.keys(keys).filter((k) => k !== 'id' && k !== 'seed');
  return ['id', ...own, 'seed'];
}

/** Parses one `--device TYPE,id=…,k=v` spec with its registered type's parse(). */
export function parseDeviceSpec(text: string): DeviceSpec {
  const comma = text.indexOf(',');
  const name = (comma < 0 ? text : text.slice(0, comma)).trim();
  const type = findDeviceType(name);
  if (!type) throw new DeviceSpecError(`device '${text}': unknown type '${name}' (expected ${deviceTypes().map((t) => t.name).join(', ')})`);
  const kv = splitKv(comma < 0 ? '' : text.slice(comma + 1), `device '${text}'`);
  const id = kv.get('id');
  if (!id) throw new DeviceSpecError(`device '${text}': missing id=`);
  if (!/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(id)) throw new DeviceSpecError(`device '${text}': id '${id}' must start with a letter and use [A-Za-z0-9_.-] (max 64)`);
  const what = `device '${id}'`;
  for (const key of kv.keys()) {
    if (key !== 'id' && key !== 'seed' && !Object.hasOwn(type.keys, key)) {
      throw new DeviceSpecError(`${what}: unknown parameter '${key}' for ${name} (known: ${specKeys(type.keys).join(', ')})`);
    }
  }
  const seedText = kv.get('seed');
  const seed = seedText === undefined ? hashId(id) : parseCount(seedText, `${what} seed`);
  const spec = type.parse(specReader(type, id, kv, seed)) as DeviceSpec;
  if (spec.type !== name || spec.id !== id) throw new DeviceSpecError(`${what}: type '${name}' returned a spec without its base (spread reader.base)`);
  return Object.freeze(spec);
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

/** A stable default seed per device id, so two runs of the same machine match. */
function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
