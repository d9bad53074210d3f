/**
 * QMP commands both daemons serve the same way: capabilities, parameters,
 * run state, devices, stop/cont/quit. Each declares its arguments (SPEC §4),
 * so a bad or unexpected one gets QEMU's error naming it.
 */
import type { Machine } from '../machine';
import { PARAMETER_NAMES, parameterArgType } from '../migration-config';
import type { MigrationSettings } from '../migration-settings';
import { checkArgs, type QmpArgsSchema } from './args';
import { QmpError, type QmpDispatcher } from './dispatcher';

export interface CommonCommandDeps {
  machine: Machine;
  settings: MigrationSettings;
  /** Extra fields per device for query-devices (e.g. ack state). */
  deviceExtras?: (id: string) => Record<string, unknown>;
  /** Why `cont` is not allowed now (a destination waiting for state), or null. */
  canContinue: () => string | null;
  quit: () => void;
}

/** migrate-set-parameters takes every parameter as an optional argument. */
export const PARAMETERS_SCHEMA: QmpArgsSchema = Object.freeze(Object.fromEntries(PARAMETER_NAMES.map((n) => [n, { type: parameterArgType(n) }])));

const CAPABILITY_SCHEMA: QmpArgsSchema = { capability: { type: 'string', required: true }, state: { type: 'boolean', required: true } };

export function registerCommonCommands(qmp: QmpDispatcher, deps: CommonCommandDeps): void {
  const { machine, settings } = deps;
  qmp.register(
    'migrate-set-capabilities',
    (args) => {
      const list = args.capabilities as unknown[];
      const changes = list.map((c: unknown, i: number) => {
        if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new QmpError(`Invalid parameter type for 'capabilities[${i}]', expected: object`);
        const entry = c as Record<string, unknown>;
        checkArgs(entry, CAPABILITY_SCHEMA, `capabilities[${i}].`);
        return { capability: entry.capability as string, state: entry.state as boolean };
      });
      settings.setCapabilities(changes);
      return {};
    },
    { capabilities: { type: 'array', required: true } },
  );
  qmp.register('query-migrate-capabilities', () => settings.capabilityList());
  qmp.register(
    'migrate-set-parameters',
    (args) => {
      settings.setParameters(args);
      return {};
    },
    PARAMETERS_SCHEMA,
  );
  qmp.register('query-migrate-parameters', () => ({ ...settings.parameters }));
  qmp.register('query-status', () => ({ status: machine.runState, running: machine.running, singlestep: false }));
  qmp.register('query-devices', () => machine.devices.map((d) => ({ ...d.status(), ...(deps.deviceExtras?.(d.id) ?? {}) })));
  // Beyond QEMU: the per-device state digests (verify's), hex, to compare two
  // machines or one machine before and after a failed migration.
  qmp.register('query-digests', () => {
    if (machine.runState === 'inmigrate') throw new QmpError('The machine is waiting for an incoming migration: it has no state to digest yet');
    return Object.fromEntries([...machine.digests()].map(([id, d]) => [id, d.toString('hex')]));
  });
  qmp.register('stop', () => {
    // QEMU qmp_stop: a machine waiting for (or receiving) an incoming migration
    // has nothing to stop yet; it stays paused once the migration completes.
    if (machine.runState === 'inmigrate') machine.autostart = false;
    else if (machine.runState === 'running') machine.stop('paused');
    return {};
  });
  qmp.register('cont', () => {
    const why = deps.canContinue();
    if (why) throw new QmpError(why);
    // QEMU qmp_cont: a machine waiting for an incoming migration is not started,
    // only set to start once the migration completes (autostart back on).
    if (machine.runState === 'inmigrate') machine.autostart = true;
    else machine.start();
    return {};
  });
  qmp.register('quit', () => {
    setImmediate(deps.quit);
    return {};
  });
}
