/**
 * `--device-module PATH` (repeatable, both daemons): device types from outside
 * the engine. The module (CommonJS or ESM) exports `deviceTypes`, an array of
 * device types (DeviceType, devices/device.ts), or its default export is one
 * type or such an array; each is registered with registerDeviceType, as the
 * built-ins are, before any `--device` spec is parsed. A path that does not
 * load, or a module that defines nothing valid, is a usage error naming the flag.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CliOption } from './cli';
import { UsageError } from './errors';
import { deviceTypeProblem, findDeviceType, registerDeviceType, type AnyDeviceType } from './devices/registry';

export const DEVICE_MODULE_OPTION: CliOption = {
  name: 'device-module',
  type: 'string',
  arg: 'PATH',
  multiple: true,
  help: 'load device types from this JavaScript module (repeatable; it exports deviceTypes, see docs/DEVICES.md); its --device specs then work like the built-in ones. Give both daemons the same modules',
};

/** The device types a loaded module defines (see the header); [] if none. */
function typesOf(mod: unknown): unknown[] {
  if (typeof mod !== 'object' || mod === null) return [];
  const m = mod as { deviceTypes?: unknown; default?: unknown };
  const pick = (v: unknown): unknown[] | null => (Array.isArray(v) ? v : typeof v === 'object' && v !== null && 'name' in v && 'create' in v ? [v] : null);
  return pick(m.deviceTypes) ?? pick(m.default) ?? (typeof m.default === 'object' && m.default !== null ? (pick((m.default as { deviceTypes?: unknown }).deviceTypes) ?? []) : []);
}

/** Loads and registers every module's device types; returns their names. */
export async function loadDeviceModules(paths: readonly string[] | undefined): Promise<string[]> {
  const names: string[] = [];
  for (const path of paths ?? []) {
    const flag = `--device-module '${path}'`;
    const file = resolve(path);
    if (!existsSync(file)) throw new UsageError(`${flag}: no such file`);
    let mod: unknown;
    try {
      mod = await import(pathToFileURL(file).href);
    } catch (err) {
      throw new UsageError(`${flag}: cannot load it (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
    }
    const types = typesOf(mod);
    if (types.length === 0) throw new UsageError(`${flag}: defines no device type (export deviceTypes: an array of device types, see docs/DEVICES.md)`);
    for (const t of types) {
      const problem = deviceTypeProblem(t);
      if (problem) throw new UsageError(`${flag}: not a valid device type: ${problem}`);
      const type = t as AnyDeviceType;
      if (findDeviceType(type.name)) throw new UsageError(`${flag}: device type '${type.name}' is already registered`);
      registerDeviceType(type);
      names.push(type.name);
    }
  }
  return names;
}
