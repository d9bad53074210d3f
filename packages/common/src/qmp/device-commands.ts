/**
 * The QMP commands device types bring (DeviceType.commands, e.g. accel's
 * `x-accel-resize {"id", "resources"}`): `id` names the device, which must be
 * of the type that declared the command. The daemons register them generically.
 */
import { DeviceError } from '../errors';
import type { DeviceRole } from '../devices/device';
import { deviceTypes } from '../devices/registry';
import type { Machine } from '../machine';
import type { QmpDispatcher } from './dispatcher';
import { argString } from './dispatcher';

export function registerDeviceCommands(qmp: QmpDispatcher, machine: Machine, role: DeviceRole): void {
  for (const type of deviceTypes()) {
    for (const cmd of type.commands ?? []) {
      if (cmd.role !== role) continue;
      qmp.register(
        cmd.name,
        (args) => {
          const id = argString(args, 'id');
          const device = machine.device(id);
          if (!device) throw new DeviceError(`${cmd.name}: no device '${id}'`);
          if (device.type.name !== type.name) throw new DeviceError(`${cmd.name}: '${id}' is a ${device.type.name} device, not ${type.name}`);
          return cmd.run(device, args) ?? {};
        },
        { id: { type: 'string', required: true }, ...(cmd.args ?? {}) },
      );
    }
  }
}
