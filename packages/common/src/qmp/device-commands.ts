/**
 * The QMP commands device types bring (DeviceType.commands, e.g. accel's
 * `x-accel-resize {"id", "resources"}`): `id` names the device, which must be
 * of the type that declared the command. The daemons register them generically,
 * passing the registered types in (deviceTypes()): the control layer knows the
 * device contract only as types, so a QMP client (ctl) loads no device code.
 */
import { DeviceError } from '../errors';
import type { DeviceRole, DeviceType } from '../devices/device';
import type { Machine } from '../machine';
import type { QmpDispatcher } from './dispatcher';
import { argString } from './dispatcher';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function registerDeviceCommands(qmp: QmpDispatcher, machine: Machine, role: DeviceRole, types: Iterable<DeviceType<any>>): void {
  for (const type of types) {
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
