/**
 * The phases of an incoming migration once its connection was accepted (QEMU
 * qemu_loadvm_state_main), as one table: which phase may follow which, and
 * which frames each phase takes on the main channel. "X is not allowed in Y"
 * is decided here and nowhere else.
 *
 *   precopy → switchover → loading → [loaded] → completed
 *    ↑  ↓ └──────────┴───────────┴──────────┴────────────→ failed
 *   paused ──────────────────────────────────────────────→ failed
 *
 * precopy:    commands (OPEN_RETURN_PATH, PING, MULTIFD_SYNC) and START/PART sections.
 * paused:     (precopy-resume) the source's connection broke during precopy:
 *             what was loaded is kept, no frame is taken until a connection
 *             resumes the migration (back to precopy); a timeout or a cancel fails it.
 * switchover: after SWITCHOVER_START (it carries when): PART/END/FULL, Verify, Eof.
 * loading:    every device's final load, digest check; only PINGs may arrive.
 * loaded:     (return path) LOADED sent, waiting for the commit: PING, RESUME.
 * The handshake before it (header, auth, configuration) is handshake.ts.
 */
import { ProtocolError, StateError } from '@livemig/common/errors';
import { livemig } from '@livemig/common/wire';

export type LoadPhase = 'precopy' | 'paused' | 'switchover' | 'loading' | 'loaded' | 'completed' | 'failed';

/** What arrives on the main channel: a frame body, or a command by name. */
export type FrameKind = 'section' | 'verify' | 'eof' | 'OPEN_RETURN_PATH' | 'PING' | 'MULTIFD_SYNC' | 'SWITCHOVER_START' | 'RESUME';

const TRANSITIONS: Readonly<Record<LoadPhase, readonly LoadPhase[]>> = {
  precopy: ['switchover', 'paused', 'failed'],
  paused: ['precopy', 'failed'],
  switchover: ['loading', 'failed'],
  loading: ['loaded', 'completed', 'failed'],
  loaded: ['completed', 'failed'],
  completed: [],
  failed: [],
};

const ACCEPTS: Readonly<Record<LoadPhase, readonly FrameKind[]>> = {
  precopy: ['section', 'OPEN_RETURN_PATH', 'PING', 'MULTIFD_SYNC', 'SWITCHOVER_START'],
  paused: [],
  switchover: ['section', 'verify', 'eof', 'OPEN_RETURN_PATH', 'PING', 'MULTIFD_SYNC'],
  loading: ['PING'],
  loaded: ['PING', 'RESUME'],
  completed: [],
  failed: [],
};

/** Why a frame was refused, named as the protocol's own order says it (logs and tests read these). */
function refusal(frame: FrameKind, phase: LoadPhase): string {
  if (frame === 'RESUME') return `RESUME in state ${phase} (only after LOADED)`;
  if (phase === 'loading' || phase === 'loaded') return `'${frame}' frame after EOF`;
  if (frame === 'verify') return 'digests before switchover';
  if (frame === 'eof') return 'EOF before SWITCHOVER_START';
  return `'${frame}' in state ${phase}`;
}

const COMMAND_KINDS: Partial<Record<number, FrameKind>> = {
  [livemig.CommandType.CMD_OPEN_RETURN_PATH]: 'OPEN_RETURN_PATH',
  [livemig.CommandType.CMD_PING]: 'PING',
  [livemig.CommandType.CMD_MULTIFD_SYNC]: 'MULTIFD_SYNC',
  [livemig.CommandType.CMD_SWITCHOVER_START]: 'SWITCHOVER_START',
  [livemig.CommandType.CMD_RESUME]: 'RESUME',
};

export function commandKind(type: number | null | undefined): FrameKind {
  const kind = COMMAND_KINDS[type ?? 0];
  if (!kind) throw new ProtocolError(`unknown command ${String(type)}`);
  return kind;
}

export class LoadPhases {
  private current: LoadPhase = 'precopy';

  get phase(): LoadPhase {
    return this.current;
  }

  get finished(): boolean {
    return this.current === 'completed' || this.current === 'failed';
  }

  /** Precopy or switchover: sections (and multifd pages) may arrive. */
  get streaming(): boolean {
    return this.current === 'precopy' || this.current === 'switchover';
  }

  /** Throws ProtocolError when `kind` may not arrive in the current phase. */
  check(kind: FrameKind): void {
    if (!ACCEPTS[this.current].includes(kind)) throw new ProtocolError(refusal(kind, this.current));
  }

  /** Moves on; a move the table does not allow is a bug (StateError). */
  go(next: LoadPhase): void {
    if (!TRANSITIONS[this.current].includes(next)) throw new StateError(`incoming migration cannot go from ${this.current} to ${next}`);
    this.current = next;
  }

  /** Ends the migration as failed, from whatever phase (idempotent once finished). */
  fail(): void {
    if (!this.finished) this.current = 'failed';
  }
}
