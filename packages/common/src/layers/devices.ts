/**
 * The device layer, `@livemig/common/devices`: the public device-type contract
 * (docs/DEVICES.md), the registry it is registered in, the built-in types
 * (ram, accel, cpu: registered on load), `--device` spec parsing, the Machine
 * that holds the devices, and `--device-module` loading. This is what a device
 * module and an embedder import (the package root re-exports it). It may use
 * the wire layer, never QMP or the daemon kit (test/layers.test.ts).
 */
import '../devices/builtins';

export type {
  SectionKind,
  DeviceRole,
  DeviceSpec,
  DeviceKeyInfo,
  SpecReader,
  DeviceCommand,
  DeviceType,
  SectionWriter,
  SaveContext,
  SaveHandlers,
  LoadContext,
  IncomingSection,
  LoadHandlers,
  MigrationOutcome,
  DeviceLogger,
  DeviceStartContext,
  QuiesceContext,
  MemoryCounters,
  DeviceStatus,
  Device,
} from '../devices/device';
export { registerDeviceType, findDeviceType, deviceTypes, deviceConfig, oldestVersion, type AnyDeviceType } from '../devices/registry';
export { parseDeviceSpec, parseDeviceList, parseWorkloadSpec, type WorkloadSpec, type RamSpec, type AccelSpec, type CpuSpec } from '../device-spec';
export { Machine, type MachineOptions, type MachineEvents, type RunState } from '../machine';
export { loadDeviceModules } from '../device-modules';
export { RamDevice, encodeRamHeader } from '../devices/ram';
export { AccelDevice, encodeAccelHeader } from '../devices/accel';
export { CpuDevice } from '../devices/cpu';
export { Rng } from '../prng';
/** What a device's codec and handlers need from the layers below. */
export { SectionType } from '../wire/messages';
export { MigError, ProtocolError, DeviceError, DeviceSpecError } from '../errors';
