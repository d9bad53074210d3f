/**
 * Waiting on a status that has no event: `query-migrate` progress (bytes
 * received, re-armed acks), a device's counters in `query-devices`, a key's
 * presence. The control API announces status changes (MIGRATION events: wait
 * on those with the event helpers), but not progress within a status, so these
 * waits ask again until the answer holds. One helper for all of them: the
 * pacing between two asks, the deadline and the "ended before" check live here
 * and nowhere else.
 */

/** Between two asks: often enough to catch a 50% mark of a fast migration, rare enough to cost the daemons nothing. */
export const POLL_INTERVAL_MS = 20;

export interface PollOptions<T> {
  timeoutMs?: number;
  /** Why waiting is pointless now (e.g. the migration ended), or null to go on: fails the wait at once. */
  ended?: (value: T) => string | null;
  /** What the last answer was, for the timeout message. */
  describe?: (value: T) => string;
}

/** Asks `probe` until `done` holds for its answer; returns that answer. */
export async function pollUntil<T>(probe: () => T | Promise<T>, done: (value: T) => boolean, what: string, opts: PollOptions<T> = {}): Promise<T> {
  const deadline = performance.now() + (opts.timeoutMs ?? 20_000);
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    const ended = opts.ended?.(value);
    if (ended) throw new Error(`${ended} before ${what}`);
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}${opts.describe ? ` (last: ${opts.describe(value)})` : ''}`);
    await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
  }
}

/** `ended` for query-migrate answers: a migration that ended will not reach anything more. */
export function migrationEnded(endStatuses: readonly string[] = ['completed', 'failed', 'cancelled']): (info: any) => string | null {
  return (info) => (endStatuses.includes(info.status) ? `migration ended (${info.status}: ${info['error-desc'] ?? ''})` : null);
}
