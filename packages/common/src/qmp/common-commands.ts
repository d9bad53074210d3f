/**
 * QMP commands both daemons serve the same way: capabilities, parameters,
 * run state, devices, stop/cont/quit.
 */
import type { Machine } from '../machine';
import type { MigrationSettings } from '../migration-settings';
import { QmpError, rejectUnknownArgs, type QmpDispatcher } from './dispatcher';

export interface CommonCommandDeps {
  machine: Machine;
  settings: MigrationSettings;
  /** Extra fields per device for query-devices (e.g. ack state). */
  deviceExtras?: (id: string) => Record<string, unknown>;
  /** Whether `cont` is allowed now (a destination waiting for state is not). */
  canContinue: () => string | null;
  quit: () => void;
}

export function registerCommonCommands(qmp: QmpDispatcher, deps: CommonCommandDeps): void {
  const { machine, settings } = deps;
  qmp.register('migrate-set-capabilities', (args) => {
    rejectUnknownArgs(args, ['capabilities']);
    const list = args.capabilities;
    if (!Array.isArray(list)) throw new QmpError("Invalid parameter type for 'capabilities', expected: array");
    const changes = list.map((c: unknown, i: number) => {
      if (typeof c !== 'object' || c === null) throw new QmpError(`Invalid parameter type for 'capabilities[${i}]', expected: object`);
      const { capability, state } = c as { capability?: unknown; state?: unknown };
      if (typeof capability !== 'string') throw new QmpError(`Parameter 'capabilities[${i}].capability' is missing or not a string`);
      if (typeof state !== 'boolean') throw new QmpError(`Invalid parameter type for 'capabilities[${i}].state', expected: boolean`);
      return { capability, state };
    });
    settings.setCapabilities(changes);
    return {};
  });
  qmp.register('query-migrate-capabilities', () => settings.capabilityList());
  qmp.register('migrate-set-parameters', (args) => {
    settings.setParameters(args);
    return {};
  });
  qmp.register('query-migrate-parameters', () => ({ ...settings.parameters }));
  qmp.register('query-status', () => ({ status: machine.runState, running: machine.running, singlestep: false }));
  qmp.register('query-devices', () =>
    machine.devices.map((d) => ({ ...d.status(), ...(deps.deviceExtras?.(d.id) ?? {}) })),
  );
  // Beyond QEMU: the per-device state digests (verify's), hex, to compare two
  // machines or one machine before and after a failed migration.
  qmp.register('query-digests', (args) => {
    rejectUnknownArgs(args, []);
    if (machine.runState === 'inmigrate') throw new QmpError('The machine is waiting for an incoming migration: it has no state to digest yet');
    return Object.fromEntries([...machine.digests()].map(([id, d]) => [id, d.toString('hex')]));
  });
  qmp.register('stop', () => {
    if (machine.runState === 'running') machine.stop('paused');
    return {};
  });
  qmp.register('cont', () => {
    const why = deps.canContinue();
    if (why) throw new QmpError(why);
    machine.start();
    return {};
  });
  qmp.register('quit', () => {
    setImmediate(deps.quit);
    return {};
  });
}
