/**
 * TEST ONLY — fault injection for the fault-injection suite (test/faults*.test.ts),
 * from outside the production path: a subscriber to the destination's probes
 * (probes.ts, node:diagnostics_channel), installed by main.ts only when the
 * environment variable LIVEMIG_TEST_FAULT is set to `ACTION@POINT`. The
 * destination then misbehaves once, at that point of the first incoming
 * connection that reaches it. Never set it outside tests: the daemon logs a
 * warning at startup when it is set, and a bad value is a usage error (exit 2).
 *
 * ACTION  kill     SIGKILL this process (a crash)
 *         stall    SIGSTOP this process (alive to the kernel, silent to the peer)
 *         reset    reset the TCP connection (RST) and fail the migration
 *         corrupt  flip one bit in the payload of the next section with data,
 *                  as if corrupted in transit (a verification mismatch, with verify)
 * POINT   one of LOAD_POINTS (probes.ts)
 *
 * At `ack-wait` the fault does not fire when the point is reached: the
 * destination holds the switchover-ack there (logs 'test fault: holding the
 * switchover-ack until SIGUSR2') and injects on SIGUSR2. An allocation step
 * says nothing about the source, which may still be in its first RAM pass;
 * the test sends the signal once the source logged 'converged, holding for
 * switchover-ack', so the fault lands in that wait every run.
 *
 * LIVEMIG_TEST_MULTIFD_HOLD=N (the multifd ordering test): multifd channel N
 * is attached only once the main channel reached its first sync point, so
 * until then its pages wait in the kernel — copies of pages as they were when
 * sent — while the other channels load theirs. With the sync points nothing
 * of a later pass loads before them; without, a page re-sent on another
 * channel would be overwritten by that older copy. Every run, not by chance.
 */
import { ConnectionError, UsageError } from '@livemig/common/errors';
import { type Logger } from '@livemig/common/daemon';
import { LOAD_POINTS, loadPointChannel, multifdProbeChannel, sectionChannel, type LoadPoint, type LoadPointMessage, type MultifdProbeMessage, type SectionMessage } from './probes';

export const FAULT_POINTS = LOAD_POINTS;
export type FaultPoint = LoadPoint;
const ACTIONS = ['kill', 'stall', 'reset', 'corrupt'] as const;
type FaultAction = (typeof ACTIONS)[number];

export const TEST_FAULT_ENV = 'LIVEMIG_TEST_FAULT';
export const TEST_MULTIFD_HOLD_ENV = 'LIVEMIG_TEST_MULTIFD_HOLD';

export function parseTestFault(text: string): { action: FaultAction; point: FaultPoint } {
  const [action, point] = text.split('@');
  if (!(ACTIONS as readonly string[]).includes(action ?? '') || !(FAULT_POINTS as readonly string[]).includes(point ?? '')) {
    throw new UsageError(`${TEST_FAULT_ENV}='${text}': expected ACTION@POINT, ACTION one of ${ACTIONS.join(', ')}, POINT one of ${FAULT_POINTS.join(', ')}`);
  }
  return { action: action as FaultAction, point: point as FaultPoint };
}

/** Subscribes the fault LIVEMIG_TEST_FAULT names (if set); returns the unsubscribe, or null (production). */
export function installFaultsFromEnv(env: NodeJS.ProcessEnv, log: Logger): (() => void) | null {
  const text = env[TEST_FAULT_ENV];
  if (!text) return null;
  const { action, point } = parseTestFault(text);
  log.warn({ fault: text }, `${TEST_FAULT_ENV} is set: this destination will inject a fault (test only)`);
  let fired = false;
  let corruptArmed = false;
  const inject = (m: LoadPointMessage): void => {
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
        m.socket.resetAndDestroy();
        m.fail(new ConnectionError(`test fault: connection reset at ${point}`));
        return;
      case 'corrupt':
        corruptArmed = true;
        return;
      default: {
        const never: never = action;
        throw new Error(`unknown fault action ${String(never)}`);
      }
    }
  };
  const onPoint = (message: unknown): void => {
    const m = message as LoadPointMessage;
    if (fired || m.point !== point) return;
    fired = true;
    if (point !== 'ack-wait') return inject(m);
    const release = m.hold?.();
    // The listener first, then the line the test waits for: a signal never finds none
    // (SIGUSR2 unhandled would end the process).
    process.once('SIGUSR2', () => {
      inject(m);
      // What the held approvals would have done (the migration may be over: then nothing).
      release?.();
    });
    log.warn({ fault: text }, 'test fault: holding the switchover-ack until SIGUSR2');
  };
  const onSection = (message: unknown): void => {
    if (!corruptArmed) return;
    const first = (message as SectionMessage).payload.find((b) => b.length > 0);
    if (!first) return;
    corruptArmed = false;
    first[first.length >>> 1]! ^= 0x01;
    log.warn({ fault: text }, 'test fault: flipped one bit of a section payload');
  };
  loadPointChannel.subscribe(onPoint);
  sectionChannel.subscribe(onSection);
  return () => {
    loadPointChannel.unsubscribe(onPoint);
    sectionChannel.unsubscribe(onSection);
  };
}

/** Subscribes the multifd hold LIVEMIG_TEST_MULTIFD_HOLD names (if set); returns the unsubscribe, or null (production). */
export function installMultifdHoldFromEnv(env: NodeJS.ProcessEnv, log: Logger): (() => void) | null {
  const text = env[TEST_MULTIFD_HOLD_ENV];
  if (!text) return null;
  if (!/^\d+$/.test(text)) throw new UsageError(`${TEST_MULTIFD_HOLD_ENV}='${text}': expected a multifd channel index`);
  const held = Number(text);
  log.warn({ channel: held }, `${TEST_MULTIFD_HOLD_ENV} is set: this destination holds one multifd channel until the first sync point (test only)`);
  let attach: (() => void) | null = null;
  const onProbe = (message: unknown): void => {
    const m = message as MultifdProbeMessage;
    if (m.point === 'attach' && m.channel === held && !attach) {
      attach = m.defer();
      log.warn({ channel: held }, 'test hook: multifd channel held');
    } else if (m.point === 'main-sync' && attach) {
      const go = attach;
      attach = () => undefined; // once
      log.warn({ channel: held, seq: m.seq }, 'test hook: held multifd channel attached at the sync point');
      go();
    }
  };
  multifdProbeChannel.subscribe(onProbe);
  return () => multifdProbeChannel.unsubscribe(onProbe);
}
