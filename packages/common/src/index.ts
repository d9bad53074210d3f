/**
 * The package root, `@livemig/common`: the device layer (layers/devices.ts,
 * the public device contract, registry, built-ins and Machine) plus the two
 * helpers the embedding recipe in docs/DEVICES.md needs (a logger, a
 * capability list parser). Everything else lives behind a layer entry:
 * `@livemig/common/errors`, `/wire`, `/devices`, `/control`, `/cli`,
 * `/daemon`, `/testing` (docs/ARCHITECTURE.md, "Packages").
 */
export * from './layers/devices';
export { createLogger, type Logger } from './logger';
export { parseCapsList } from './migration-config';
