/**
 * The built-in device types, registered through the public contract exactly
 * as an application's own (registerDeviceType): the engine has no other list.
 */
import { accelType } from './accel';
import { cpuType } from './cpu';
import { ramType } from './ram';
import { findDeviceType, registerDeviceType } from './registry';

if (!findDeviceType(ramType.name)) registerDeviceType(ramType);
if (!findDeviceType(accelType.name)) registerDeviceType(accelType);
if (!findDeviceType(cpuType.name)) registerDeviceType(cpuType);
