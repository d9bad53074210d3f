/**
 * The device-type registry (QEMU register_savevm_live, at run time): the
 * built-in types register here exactly as an application's or a
 * `--device-module` module's do, and the engine finds every type by name.
 */
import { DeviceSpecError } from '../errors';
import { parseCount, parseSize } from '../sizes';
import type { livemig } from '../wire/messages';
import type { Device, DeviceRole, DeviceSpec, DeviceType, SpecReader } from './device';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDeviceType = DeviceType<any>;

const types = new Map<string, AnyDeviceType>();

const NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/** Checks a type's declaration; returns what is wrong with it, or null. */
export function deviceTypeProblem(t: unknown): string | null {
  if (typeof t !== 'object' || t === null) return 'not an object';
  const d = t as Partial<AnyDeviceType>;
  if (typeof d.name !== 'string' || !NAME.test(d.name)) return `name ${JSON.stringify(d.name)} must match ${NAME.source}`;
  if (typeof d.help !== 'string') return `'${d.name}': help must be a string`;
  if (typeof d.keys !== 'object' || d.keys === null) return `'${d.name}': keys must be an object`;
  if (!Number.isInteger(d.version) || (d.version ?? 0) < 1) return `'${d.name}': version must be an integer ≥ 1`;
  const oldest = d.oldestVersion ?? d.version!;
  if (!Number.isInteger(oldest) || oldest < 1 || oldest > d.version!) return `'${d.name}': oldestVersion must be between 1 and version`;
  if (typeof d.iterable !== 'boolean' || typeof d.multifd !== 'boolean') return `'${d.name}': iterable and multifd must be booleans`;
  for (const f of ['parse', 'shape', 'create'] as const) if (typeof d[f] !== 'function') return `'${d.name}': ${f} must be a function`;
  return null;
}

/** Registers a device type; its name must be new. Throws DeviceSpecError on a bad declaration. */
export function registerDeviceType<S extends DeviceSpec>(type: DeviceType<S>): DeviceType<S> {
  const problem = deviceTypeProblem(type);
  if (problem) throw new DeviceSpecError(`device type: ${problem}`);
  if (types.has(type.name)) throw new DeviceSpecError(`device type '${type.name}' is already registered`);
  types.set(type.name, Object.freeze({ ...type }) as AnyDeviceType);
  return type;
}

export function findDeviceType(name: string): AnyDeviceType | undefined {
  return types.get(name);
}

/** Every registered type, in registration order (built-ins first). */
export function deviceTypes(): readonly AnyDeviceType[] {
  return [...types.values()];
}

/** The spec reader a type's parse() gets (see SpecReader). */
export function specReader(type: AnyDeviceType, id: string, kv: ReadonlyMap<string, string>, seed: number): SpecReader {
  const what = `device '${id}'`;
  const given = (key: string): string | undefined => kv.get(key) ?? type.keys[key]?.def;
  const range = (key: string, n: number, min?: number, max?: number): number => {
    if ((min !== undefined && n < min) || (max !== undefined && n > max)) throw new DeviceSpecError(`${what}: ${key}=${n} is out of range [${min ?? 0}, ${max ?? 'any'}]`);
    return n;
  };
  return {
    base: Object.freeze({ type: type.name, id, seed }),
    text: given,
    size(key, min, max) {
      const v = given(key);
      return range(key, v === undefined ? 0 : parseSize(v, `${what} ${key}`), min, max);
    },
    count(key, min, max) {
      const v = given(key);
      return range(key, v === undefined ? 0 : parseCount(v, `${what} ${key}`), min, max);
    },
    fail(message: string): never {
      throw new DeviceSpecError(`${what}: ${message}`);
    },
  };
}

export function createDevice(spec: DeviceSpec, role: DeviceRole): Device {
  const type = types.get(spec.type);
  if (!type) throw new DeviceSpecError(`device '${spec.id}': unknown type '${spec.type}'`);
  return type.create(spec, role);
}

/** The part of a device that both ends must agree on, in canonical text. */
export function deviceShape(spec: DeviceSpec): string {
  const type = types.get(spec.type);
  if (!type) throw new DeviceSpecError(`device '${spec.id}': unknown type '${spec.type}'`);
  return type.shape(spec);
}

/** The configuration-section entry describing a device. */
export function deviceConfig(device: Device): livemig.DeviceConfig.$Properties {
  return { id: device.id, type: device.type.name, version: device.version, shape: device.type.shape(device.spec) };
}

/** The oldest section version a device loads. */
export function oldestVersion(device: Device): number {
  return device.type.oldestVersion ?? device.type.version;
}
