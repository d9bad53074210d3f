/**
 * The control plane, `@livemig/common/control`: the QMP dispatcher, sessions
 * and servers (Unix/TCP socket, WebSocket with the live view), control
 * authentication and the migration channel's auth proofs, and the migration
 * configuration (capabilities, parameters) that QMP commands set. It knows the
 * device model only as types (test/layers.test.ts): a QMP client such as ctl
 * loads no device code.
 */
export { QmpDispatcher, QmpError, argString, type QmpEvent } from '../qmp/dispatcher';
export { JsonStreamer } from '../qmp/json-streamer';
export { ControlEndpoints } from '../qmp/control-endpoints';
export { parseListenAddress, type ListenAddress } from '../qmp/servers';
export { bindError } from '../qmp/bind-error';
export { registerCommonCommands } from '../qmp/common-commands';
export { registerDeviceCommands } from '../qmp/device-commands';
export { MIGRATE_SCHEMA, MIGRATE_INCOMING_SCHEMA, MIGRATE_RECOVER_SCHEMA, NO_PAUSED_MIGRATION, NO_PAUSED_INCOMING, registerOtherSideCommand } from '../qmp/migration-commands';
export { createNonce, isValidNonce, authProof, proofMatches, type ChannelBinding } from '../security/auth';
export { readControlToken, type SecurityOptions, type TlsFiles } from '../security/secret-files';
export {
  defaultCapabilities,
  applyCapabilities,
  parseCapsList,
  defaultParameters,
  applyParameters,
  type Capabilities,
  type Parameters,
  type MultifdCompression,
} from '../migration-config';
export { MigrationSettings } from '../migration-settings';
