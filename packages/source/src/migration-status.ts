/**
 * The outgoing migration's status (QEMU MigrationStatus) and its allowed
 * transitions, and the announcement of each change (log line, 'status' event),
 * which may come later than the change itself (see set()).
 *
 *   none → setup → active → device → completed
 *            │        │  ↑ ↓    │
 *            │        │ precopy-paused ⇄ precopy-recover   (precopy-resume)
 *            └────────┴────────┴──→ failed | cancelling → cancelled
 *
 * precopy-paused: the connection broke while active; the machine runs, dirty
 * tracking goes on, the destination keeps what it received (QEMU's
 * postcopy-paused, for precopy). precopy-recover: `migrate resume=true` is
 * reconnecting (QEMU's postcopy-recover); a failed handshake pauses again.
 */
import { StateError } from '@livemig/common/errors';

export type MigrationStatus = 'none' | 'setup' | 'active' | 'precopy-paused' | 'precopy-recover' | 'device' | 'completed' | 'failed' | 'cancelling' | 'cancelled';

/** Allowed transitions (QEMU migrate_set_state is compare-and-swap; this is its table). */
const TRANSITIONS: Readonly<Record<MigrationStatus, readonly MigrationStatus[]>> = {
  none: ['setup'],
  setup: ['active', 'failed', 'cancelling'],
  active: ['device', 'precopy-paused', 'failed', 'cancelling'],
  'precopy-paused': ['precopy-recover', 'failed', 'cancelling'],
  'precopy-recover': ['active', 'precopy-paused', 'failed', 'cancelling'],
  device: ['completed', 'failed', 'cancelling'],
  cancelling: ['cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
};

export function isFinalStatus(status: MigrationStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

export class StatusMachine {
  private current: MigrationStatus = 'none';
  /** The status changed but was not announced yet (set with announce: false). */
  private unannounced = false;
  private readonly onAnnounce: (status: MigrationStatus) => void;

  constructor(onAnnounce: (status: MigrationStatus) => void) {
    this.onAnnounce = onAnnounce;
  }

  get status(): MigrationStatus {
    return this.current;
  }

  /**
   * Moves to `next` and announces it, or with `announce: false` only moves:
   * the announcement then waits for announce() (or the next status change,
   * which announces it first).
   */
  set(next: MigrationStatus, opts: { announce: boolean } = { announce: true }): void {
    if (!TRANSITIONS[this.current].includes(next)) throw new StateError(`migration status cannot go from ${this.current} to ${next}`);
    this.announce();
    this.current = next;
    this.unannounced = true;
    if (opts.announce) this.announce();
  }

  announce(): void {
    if (!this.unannounced) return;
    this.unannounced = false;
    this.onAnnounce(this.current);
  }
}
