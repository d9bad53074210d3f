/**
 * livemig-ctl watch: follows one migration through its events and periodic
 * `query-migrate` replies, drawing progress, until it ends. A daemon whose last
 * migration failed or was cancelled is watched until the next one ends; one
 * whose migration completed shows the final figures at once.
 */
import { ConnectionError } from '@livemig/common/errors';
import { type QmpEvent } from '@livemig/common/control';
import type { QmpClient } from './qmp-client';
import type { ProgressRenderer } from './progress';
import { FINAL_STATUSES, RUNNING_STATUSES, type MigrationInfo } from './progress-format';

export interface WatchOptions {
  /** ms between two `query-migrate` polls (default 200). */
  intervalMs?: number;
}

export interface WatchResult {
  /** The final status: completed, failed or cancelled. */
  status: string;
  /** The last `query-migrate` reply (the final one when the daemon was still there to answer). */
  info: MigrationInfo | null;
}

export function watchMigration(client: QmpClient, renderer: ProgressRenderer, opts: WatchOptions = {}): Promise<WatchResult> {
  const intervalMs = opts.intervalMs ?? 200;
  return new Promise<WatchResult>((resolve, reject) => {
    let sawRunning = false;
    let announcedOld = false;
    let done = false;
    let polling = false;
    let last: MigrationInfo | null = null;
    /** Set once a MIGRATION event said how it ended. */
    let endedWith: string | null = null;
    let ackSeen = false;
    let timer: NodeJS.Timeout | null = null;

    const cleanup = (): void => {
      done = true;
      if (timer) clearTimeout(timer);
      client.off('event', onEvent);
      client.off('close', onClose);
    };
    const end = (status: string, info: MigrationInfo | null): void => {
      if (done) return;
      cleanup();
      renderer.finish(info ?? undefined);
      resolve({ status, info });
    };
    /** The migration ended: one last query for the final figures, if the daemon still answers. */
    const finalize = (status: string): void => {
      if (done) return;
      endedWith = status;
      client.call('query-migrate').then(
        (info: MigrationInfo) => end(status, FINAL_STATUSES.includes(info.status as string) ? info : { ...info, status }),
        () => end(status, last ? { ...last, status, ...(ackSeen ? { 'switchover-acked': true } : {}) } : null),
      );
    };
    const schedule = (): void => {
      if (!done) timer = setTimeout(() => void poll(), intervalMs);
    };
    const poll = async (): Promise<void> => {
      if (done || polling) return;
      polling = true;
      if (timer) clearTimeout(timer);
      try {
        const info = (await client.call('query-migrate')) as MigrationInfo;
        if (done) return;
        last = info;
        const status = String(info.status);
        if (RUNNING_STATUSES.includes(status)) sawRunning = true;
        if (FINAL_STATUSES.includes(status)) {
          if (sawRunning || status === 'completed') return end(status, info);
          if (!announcedOld) renderer.log(`last migration ${status}${typeof info['error-desc'] === 'string' ? ` (${info['error-desc']})` : ''}; waiting for the next one`);
          announcedOld = true;
        } else {
          renderer.update(info);
        }
      } catch (err) {
        if (!client.closed) {
          cleanup();
          reject(err);
        }
      } finally {
        polling = false;
        schedule();
      }
    };
    const onEvent = (e: QmpEvent): void => {
      renderer.event(e);
      if (e.event === 'MIGRATION_SWITCHOVER_ACK') ackSeen = true;
      if (e.event !== 'MIGRATION') return;
      const status = String(e.data?.status ?? '');
      if (status === 'setup') void readCapabilities();
      if (RUNNING_STATUSES.includes(status)) sawRunning = true;
      if (FINAL_STATUSES.includes(status) && sawRunning) finalize(status);
      else void poll();
    };
    const onClose = (err: Error | null): void => {
      if (done) return;
      // A daemon may exit right after the end (--exit-on-complete): the event said enough.
      if (endedWith !== null) return end(endedWith, last ? { ...last, status: endedWith, ...(ackSeen ? { 'switchover-acked': true } : {}) } : null);
      cleanup();
      renderer.finish();
      reject(err ?? new ConnectionError(`${client.address.text}: connection closed before the migration ended`));
    };
    /** The switchover-ack capability, so the ack is not shown "off" before the stream says which devices need it. */
    const readCapabilities = (): Promise<void> =>
      client.call('query-migrate-capabilities').then(
        (caps: Array<{ capability: string; state: boolean }>) => {
          const ack = Array.isArray(caps) ? caps.find((c) => c.capability === 'switchover-ack') : undefined;
          if (ack) renderer.context = { ...renderer.context, switchoverAck: ack.state === true };
        },
        () => undefined,
      );
    client.on('event', onEvent);
    client.on('close', onClose);
    void readCapabilities().then(() => poll());
  });
}
