/** Builds a machine's devices from their specs (the only place that knows every kind). */
import type { DeviceSpec } from '../device-spec';
import { deviceShape } from '../device-spec';
import { livemig } from '../wire/messages';
import { AccelDevice } from './accel';
import { CpuDevice } from './cpu';
import type { Device } from './device';
import { RamDevice } from './ram';

export type DeviceRole = 'source' | 'destination';

export function createDevice(spec: DeviceSpec, role: DeviceRole): Device {
  switch (spec.type) {
    case 'ram':
      return new RamDevice(spec, role);
    case 'accel':
      return new AccelDevice(spec, role);
    case 'cpu':
      return new CpuDevice(spec, role);
    default: {
      const never: never = spec;
      throw new Error(`unknown device ${String(never)}`);
    }
  }
}

const WIRE_TYPES = {
  ram: livemig.DeviceType.DEVICE_TYPE_RAM,
  accel: livemig.DeviceType.DEVICE_TYPE_ACCEL,
  cpu: livemig.DeviceType.DEVICE_TYPE_CPU,
} as const;

export function wireDeviceType(device: Device): livemig.DeviceType {
  return WIRE_TYPES[device.kind];
}

export function wireTypeName(t: number | null | undefined): string {
  const entry = Object.entries(WIRE_TYPES).find(([, v]) => v === t);
  return entry ? entry[0] : `type ${String(t)}`;
}

/** The configuration-section entry describing a device. */
export function deviceConfig(device: Device): livemig.DeviceConfig.$Properties {
  return { id: device.id, type: wireDeviceType(device), version: device.version, shape: deviceShape(device.spec) };
}
