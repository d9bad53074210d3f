/**
 * What the destination said on the return path (return-path-reader.ts turns
 * its messages into these calls), checked against how far this side got
 * through the end of the migration: LOADED only after the stream ended,
 * RESUMED only after the commit (CMD_RESUME), SHUT ok only once nothing more
 * is expected. An answer out of place fails the migration. The phases wait on
 * these flags; every change wakes them.
 */
import { ProtocolError, toMigError, type DecodedRpMessage, type MigError } from '@livemig/common';
import type { DestinationLink } from './destination-link';
import type { MigrationStatus } from './migration-status';
import type { ReturnPathSink } from './return-path-reader';
import type { Challenge } from './source-auth';

export interface DeviceAckState {
  approved: boolean;
  'allocation-ms'?: number;
}

/** What the replies are checked against, and who hears about approvals. */
export interface RepliesOwner {
  status(): MigrationStatus;
  /** Where the migration is, for error messages. */
  phase(): string;
  onSwitchoverAck(at: number): void;
  onDeviceApproved(deviceId: string, ms: number): void;
}

export type ResumedMessage = NonNullable<DecodedRpMessage['resumed']>;

export class DestinationReplies {
  private readonly owner: RepliesOwner;
  private readonly link: DestinationLink;
  private readonly returnPath: boolean;
  challenge: Challenge | null = null;
  /** CONFIG_ACCEPTED: the destination took header, authentication and configuration; state may go. */
  configAccepted = false;
  ackAt: number | null = null;
  /** Devices that gate switchover (accel, with switchover-ack) and their approvals. */
  readonly deviceAcks = new Map<string, DeviceAckState>();
  /** EOF is queued: the whole state is on its way. */
  streamEnded = false;
  loaded = false;
  /** CMD_RESUME is out: the destination may run the machine; the source must never resume now. */
  committed = false;
  resumed: ResumedMessage | null = null;
  resumedAt = 0;
  shutOk = false;

  constructor(owner: RepliesOwner, link: DestinationLink, returnPath: boolean) {
    this.owner = owner;
    this.link = link;
    this.returnPath = returnPath;
  }

  /** The destination gave its final word (RESUMED or SHUT ok): its closing the connection is no failure. */
  get concluded(): boolean {
    return this.resumed !== null || this.shutOk;
  }

  /** The calls ReturnPathReader makes, each checked against where this migration is. */
  sink(): ReturnPathSink {
    const link = this.link;
    return {
      authChallenge: (nonce, mac) => {
        this.challenge = { nonce, mac };
        link.wakeup.notify();
      },
      configAccepted: () => {
        this.configAccepted = true;
        link.wakeup.notify();
      },
      pong: (v) => {
        link.wakeup.notify();
        try {
          link.watchdog?.keepalive.pong(v);
        } catch (err) {
          link.fatal(toMigError(err, 'MIG_ERR_RETURN_PATH'));
        }
      },
      switchoverAck: () => {
        const at = performance.now();
        this.ackAt = at;
        this.owner.onSwitchoverAck(at);
        link.wakeup.notify();
      },
      deviceApproved: (id, ms) => {
        const state = this.deviceAcks.get(id);
        if (!state) return link.fatal(new ProtocolError(`return path: approval from '${id}', which is not a device that gates switchover`));
        if (state.approved) return link.fatal(new ProtocolError(`return path: second approval from '${id}'`));
        this.deviceAcks.set(id, { approved: true, 'allocation-ms': ms });
        this.owner.onDeviceApproved(id, ms);
      },
      loaded: () => {
        if (this.owner.status() !== 'device' || !this.streamEnded) return link.fatal(new ProtocolError('return path: LOADED before the stream ended'));
        this.loaded = true;
        link.wakeup.notify();
      },
      resumed: (m) => {
        if (!this.committed) return link.fatal(new ProtocolError('return path: RESUMED before the source sent RESUME'));
        this.resumed = m;
        this.resumedAt = performance.now();
        link.pinging = false;
        link.wakeup.notify();
      },
      shutOk: () => {
        const early = !this.streamEnded || (this.returnPath && this.resumed === null);
        if (early) return link.fatal(new ProtocolError(`return path: the destination ended the migration (SHUT ok) during ${this.owner.phase()}`));
        this.shutOk = true;
        link.pinging = false;
        link.wakeup.notify();
      },
      error: (err: MigError) => link.fatal(err),
    };
  }
}
