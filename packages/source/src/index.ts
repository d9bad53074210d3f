/**
 * The source side's public API, for applications that embed the engine (see
 * docs/DEVICES.md, "Embedding"): a SourceDaemon runs a machine (device
 * instances of your own types, or specs of registered ones), serves QMP if
 * asked, and migrates it; each migration is an OutgoingMigration with events
 * (`status`, `pass`, `switchover-ack`) and its query-migrate figures.
 */
export { SourceDaemon, type SourceDaemonOptions, type SourceDaemonEvents } from './source-daemon';
export { OutgoingMigration, type OutgoingEvents, type MigrationStatus } from './outgoing-migration';
export { queryMigrate } from './migration-info';

// The built-in kv type lives in its own package; importing it registers it.
import '@livemig/kv';
