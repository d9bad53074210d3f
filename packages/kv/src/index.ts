/**
 * @livemig/kv: the `kv` device type. Importing this module registers it (as
 * the daemons do, like a built-in); it also works as a `--device-module`
 * (it exports `deviceTypes`).
 */
import { findDeviceType, registerDeviceType } from '@livemig/common/devices';
import { kvType } from './kv-device';

export { kvType, KvDevice, type KvSpec } from './kv-device';
export const deviceTypes = [kvType];

if (!findDeviceType(kvType.name)) registerDeviceType(kvType);
