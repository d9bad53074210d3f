/**
 * Argument schemas of the side-specific migration commands (SPEC §4), and the
 * stand-in a daemon registers for a command of the other side, so that
 * `migrate` on the destination (or `migrate-incoming` on the source) is a clear
 * GenericError, as on QEMU where both exist, rather than "not found".
 */
import type { QmpArgsSchema } from './args';
import { QmpError, type QmpDispatcher } from './dispatcher';
import { checkArgs } from './args';

/** migrate {uri, detach?, resume?} (QEMU: detach is ignored; resume is postcopy recovery). */
export const MIGRATE_SCHEMA: QmpArgsSchema = Object.freeze({
  uri: { type: 'string', required: true },
  detach: { type: 'boolean' },
  resume: { type: 'boolean' },
});

/** migrate-incoming {uri, exit-on-error?}. */
export const MIGRATE_INCOMING_SCHEMA: QmpArgsSchema = Object.freeze({
  uri: { type: 'string', required: true },
  'exit-on-error': { type: 'boolean' },
});

/** migrate-recover {uri} (destination, a paused migration: where to wait for the resuming source). */
export const MIGRATE_RECOVER_SCHEMA: QmpArgsSchema = Object.freeze({
  uri: { type: 'string', required: true },
});

/** QEMU's answer to `migrate resume=true` when no migration is paused (precopy-paused here). */
export const NO_PAUSED_MIGRATION = 'Cannot resume if there is no paused migration';

/** QEMU's answer to `migrate-recover` when no incoming migration is paused. */
export const NO_PAUSED_INCOMING = 'Migrate recover can only be run when an incoming migration is paused (precopy-paused)';

/** Registers `name` as a command that always fails (arguments still checked first). */
export function registerOtherSideCommand(qmp: QmpDispatcher, name: string, schema: QmpArgsSchema, desc: string): void {
  qmp.register(
    name,
    (args) => {
      checkArgs(args, schema);
      throw new QmpError(desc);
    },
    { ...Object.fromEntries(Object.keys(schema).map((k) => [k, { type: 'any' as const }])) },
  );
}
