/**
 * Named points of an incoming connection's life, published on
 * `node:diagnostics_channel` (as undici publishes its request life): tracing,
 * and the test-only fault injection (test-faults.ts), subscribe from outside.
 * The production path only says where it is; with no subscriber a publish is
 * one `hasSubscribers` check. A subscriber never throws: it may end the
 * connection through the `fail` it is handed, and whoever published then
 * sees that (the connection or migration is finished) and stops.
 */
import diagnostics_channel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import type { MigError } from '@livemig/common/errors';

/**
 * accept     connection accepted, nothing read yet
 * header     stream header accepted (auth challenge not sent yet)
 * config     configuration accepted (the connection is now a migration)
 * section    a PART section (precopy), before it is loaded
 * ack-wait   an accel resource allocated, more to go (the source waits for the ack);
 *            a subscriber may `hold()` the switchover-ack here (approvals wait
 *            until it releases them), so the wait lasts as long as it needs
 * switchover-start SWITCHOVER_START received, before the switchover begins (a
 *            break here is one that swallowed it: still precopy)
 * switchover SWITCHOVER_START received (stop-and-copy)
 * eof        EOF received, before the final loads and verification
 * loaded     everything loaded and verified, before LOADED is sent
 * resume     CMD_RESUME received (after the source's commit), before resuming
 */
export const LOAD_POINTS = ['accept', 'header', 'config', 'section', 'ack-wait', 'switchover-start', 'switchover', 'eof', 'loaded', 'resume'] as const;
export type LoadPoint = (typeof LOAD_POINTS)[number];

export interface LoadPointMessage {
  readonly point: LoadPoint;
  readonly socket: Socket;
  /** Ends the connection (or migration) with this error. */
  fail(err: MigError): void;
  /**
   * ack-wait only: holds the switchover-ack (device approvals wait, so no
   * DEVICE_APPROVED or SWITCHOVER_ACK goes out); returns the release, which
   * hands them on in order. The test fault hook holds the wait until it injects.
   */
  readonly hold?: () => () => void;
}

/** Every section payload, before it is loaded (a subscriber may look at or alter it: test corruption). */
export interface SectionMessage {
  readonly payload: readonly Buffer[];
}

export const loadPointChannel = diagnostics_channel.channel('livemig:destination:load-point');
export const sectionChannel = diagnostics_channel.channel('livemig:destination:section');

/** Says that `point` was reached. */
export function reached(point: LoadPoint, socket: Socket, fail: (err: MigError) => void, hold?: () => () => void): void {
  if (loadPointChannel.hasSubscribers) loadPointChannel.publish({ point, socket, fail, hold } satisfies LoadPointMessage);
}

/** A section payload is about to be loaded. */
export function sectionArrived(payload: readonly Buffer[]): void {
  if (sectionChannel.hasSubscribers) sectionChannel.publish({ payload } satisfies SectionMessage);
}

/**
 * multifd (the test-only ordering hook subscribes here):
 * attach     channel `channel` proved itself and is about to load pages; a
 *            subscriber may `defer()` that, getting the function that attaches
 *            it later (until then its frames wait in the kernel and its decoder)
 * main-sync  the main channel reached CMD_MULTIFD_SYNC `seq`
 */
export type MultifdProbeMessage =
  | { readonly point: 'attach'; readonly channel: number; defer(): () => void }
  | { readonly point: 'main-sync'; readonly seq: number };

export const multifdProbeChannel = diagnostics_channel.channel('livemig:destination:multifd');

/** Channel `channel` is about to be attached; returns false if a subscriber deferred it (it then calls `attach` itself). */
export function multifdAttaching(channel: number, attach: () => void): boolean {
  if (!multifdProbeChannel.hasSubscribers) return true;
  let deferred = false;
  multifdProbeChannel.publish({
    point: 'attach',
    channel,
    defer: () => {
      deferred = true;
      return attach;
    },
  } satisfies MultifdProbeMessage);
  return !deferred;
}

export function multifdMainSync(seq: number): void {
  if (multifdProbeChannel.hasSubscribers) multifdProbeChannel.publish({ point: 'main-sync', seq } satisfies MultifdProbeMessage);
}
