/**
 * TEST ONLY — fault injection for the fault-injection suite (test/faults*.test.ts).
 *
 * When the environment variable LIVEMIG_TEST_FAULT is set to `ACTION@POINT`,
 * the destination misbehaves once, at that point of the first incoming
 * connection that reaches it. Never set it outside tests: the daemon logs a
 * warning at startup when it is set, and a bad value is a usage error (exit 2).
 *
 * ACTION  kill     SIGKILL this process (a crash)
 *         stall    SIGSTOP this process (alive to the kernel, silent to the peer)
 *         reset    reset the TCP connection (RST) and fail the migration
 *         corrupt  flip one bit in the payload of the next section with data,
 *                  as if corrupted in transit (a verification mismatch, with verify)
 * POINT   accept     connection accepted, nothing read yet
 *         header     stream header accepted (auth challenge not sent yet)
 *         config     configuration accepted (the connection is now a migration)
 *         section    first PART section (precopy)
 *         ack-wait   first accel resource allocated, more to go (source waits for the ack)
 *         switchover SWITCHOVER_START received (stop-and-copy)
 *         eof        EOF received, before the final loads and verification
 *         loaded     everything loaded and verified, before LOADED is sent
 *         resume     CMD_RESUME received (after the source's commit), before resuming
 */
import type { Socket } from 'node:net';
import { MigError, UsageError, type Logger } from '@livemig/common';

export const FAULT_POINTS = ['accept', 'header', 'config', 'section', 'ack-wait', 'switchover', 'eof', 'loaded', 'resume'] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];
const ACTIONS = ['kill', 'stall', 'reset', 'corrupt'] as const;
type FaultAction = (typeof ACTIONS)[number];

/** Hooks the incoming migration calls; implementations may throw (the migration then fails). */
export interface FaultHooks {
  at(point: FaultPoint, socket: Socket): void;
  /** Every section payload, before it is loaded (corrupt acts here). */
  section(payload: readonly Buffer[]): void;
}

export const TEST_FAULT_ENV = 'LIVEMIG_TEST_FAULT';

export function parseTestFault(text: string): { action: FaultAction; point: FaultPoint } {
  const [action, point] = text.split('@');
  if (!(ACTIONS as readonly string[]).includes(action ?? '') || !(FAULT_POINTS as readonly string[]).includes(point ?? '')) {
    throw new UsageError(`${TEST_FAULT_ENV}='${text}': expected ACTION@POINT, ACTION one of ${ACTIONS.join(', ')}, POINT one of ${FAULT_POINTS.join(', ')}`);
  }
  return { action: action as FaultAction, point: point as FaultPoint };
}

/** The hooks named by LIVEMIG_TEST_FAULT, or null (production). */
export function faultHooksFromEnv(env: NodeJS.ProcessEnv, log: Logger): FaultHooks | null {
  const text = env[TEST_FAULT_ENV];
  if (!text) return null;
  const { action, point } = parseTestFault(text);
  log.warn({ fault: text }, `${TEST_FAULT_ENV} is set: this destination will inject a fault (test only)`);
  let fired = false;
  let corruptArmed = false;
  return {
    at(p, socket) {
      if (fired || p !== point) return;
      fired = true;
      log.warn({ fault: text }, 'test fault: injecting');
      switch (action) {
        case 'kill':
          process.kill(process.pid, 'SIGKILL');
          return;
        case 'stall':
          process.kill(process.pid, 'SIGSTOP');
          log.warn({ fault: text }, 'test fault: continued after SIGSTOP');
          return;
        case 'reset':
          socket.resetAndDestroy();
          throw new MigError('MIG_ERR_CONNECTION', `test fault: connection reset at ${point}`);
        case 'corrupt':
          corruptArmed = true;
          return;
        default: {
          const never: never = action;
          throw new Error(`unknown fault action ${String(never)}`);
        }
      }
    },
    section(payload) {
      if (!corruptArmed) return;
      const first = payload.find((b) => b.length > 0);
      if (!first) return;
      corruptArmed = false;
      first[first.length >>> 1]! ^= 0x01;
      log.warn({ fault: text }, 'test fault: flipped one bit of a section payload');
    },
  };
}
