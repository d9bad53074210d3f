/** The generated protobuf messages (proto/migration.proto), re-exported under short names. */
import { livemig } from '../../generated/messages';

export { livemig };
export type FrameMessage = livemig.Frame.$Properties;
export type RpMessage = livemig.RpMessage.$Properties;
export type ConfigurationMessage = livemig.Configuration.$Properties;
export const SectionType = livemig.SectionType;
export const CommandType = livemig.CommandType;
/** accel's own header kinds (proto/devices.proto). */
export const AccelChunkKind = livemig.devices.AccelChunkKind;
