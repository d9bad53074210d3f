/**
 * The daemon kit, `@livemig/common/daemon`: the options both daemons share
 * (devices, workload, capabilities, parameters, control endpoints, security)
 * and the logger. The top layer: it ties the device, control and cli layers
 * together, so only the daemons (and embedders that start one) import it.
 */
export { DAEMON_OPTIONS, WORKLOAD_OPTION, daemonHelpSections, parseDaemonArgs, applyDaemonSettings, warmDaemonCompression, type DaemonArgs } from '../daemon-args';
export { createLogger, processCpuMs, type Logger, type LoggerOptions } from '../logger';
