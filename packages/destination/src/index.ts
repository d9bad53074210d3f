/**
 * The destination side's public API, for applications that embed the engine
 * (see docs/DEVICES.md, "Embedding"): a DestinationDaemon holds the machine
 * (the same devices as the source), listens for one incoming migration at a
 * time (`listen(host, port)`), and emits `finished` with the IncomingMigration
 * (its `status`, `error`, `verified`) once it completed or failed.
 */
export { DestinationDaemon, type DestinationDaemonEvents } from './destination-daemon';
export { IncomingMigration } from './incoming-migration';

// The built-in kv type lives in its own package; importing it registers it.
import '@livemig/kv';
