/**
 * The multifd channels of one incoming migration. A channel arrives as its own
 * connection whose StreamHeader names this migration and its index
 * (handshake.ts routes it here); it may take a place only up to the channel
 * count the configuration announced, one per index, and, with a shared secret,
 * only once its own challenge was answered. Then the MultifdReceiver
 * (multifd-receiver.ts) loads its pages. Closing drops all of them.
 */
import { ProtocolError, type Device, type Logger, type MigError, type livemig } from '@livemig/common';
import type { AcceptedConnection, ChannelHello, ChannelSlot } from './handshake';
import { MultifdChannel, MultifdReceiver } from './multifd-receiver';

/** What the channels need from their migration. */
export interface ChannelsOwner {
  /** The device a multifd page section names, if it may receive pages now; else throws. */
  pageDevice(deviceId: string): Device;
  onError(err: MigError): void;
  /** Bytes received on a channel (byte count, last-data time, digest pacing). */
  onBytes(n: number): void;
}

export class IncomingChannels {
  private readonly log: Logger;
  private multifd: MultifdReceiver | null = null;
  private migrationId: Buffer | null = null;
  /** Indexes taken: attached, or reserved by a channel still answering its challenge. */
  private readonly taken = new Set<number>();
  private closed = false;

  constructor(log: Logger) {
    this.log = log;
  }

  /** The receiver, from the configuration on (null without multifd). */
  get receiver(): MultifdReceiver | null {
    return this.multifd;
  }

  /** The configuration was accepted with multifd on: expect its channels. */
  start(config: livemig.Configuration.$Properties, owner: ChannelsOwner): void {
    const id = Buffer.from(config.migrationId ?? []);
    const channels = config.multifdChannels ?? 0;
    if (id.length === 0 || channels < 1 || channels > 255) throw new ProtocolError(`multifd is on but the configuration announces ${channels} channels and a ${id.length}-byte migration id`);
    this.migrationId = id;
    this.multifd = new MultifdReceiver({
      channels,
      pageDevice: (deviceId) => owner.pageDevice(deviceId),
      onError: (err) => owner.onError(err),
      onAttached: (ch) => this.log.info({ channel: ch.index, peer: ch.peer }, 'multifd channel attached'),
      onBytes: (n) => owner.onBytes(n),
    });
    this.log.info({ channels }, 'expecting multifd channels');
  }

  /** True when `hello` names this migration. */
  names(hello: ChannelHello): boolean {
    return this.migrationId !== null && hello.migrationId.equals(this.migrationId);
  }

  /** A place for the channel `hello` names, or why not (beyond the announced count, already connected, ended). */
  reserve(hello: ChannelHello): ChannelSlot | string {
    const multifd = this.multifd;
    if (!multifd || this.closed) return 'the migration it names takes no multifd channels';
    if (hello.channel >= multifd.channels) return `multifd channel refused: channel ${hello.channel} is beyond the ${multifd.channels} announced`;
    if (this.taken.has(hello.channel)) return `multifd channel refused: channel ${hello.channel} is already connected`;
    this.taken.add(hello.channel);
    let settled = false;
    return {
      attach: (conn: AcceptedConnection) => {
        if (settled) return;
        settled = true;
        if (this.closed) {
          conn.socket.destroy();
          return;
        }
        multifd.attach(hello.channel, new MultifdChannel(conn));
      },
      release: () => {
        if (settled) return;
        settled = true;
        this.taken.delete(hello.channel);
      },
    };
  }

  close(): void {
    this.closed = true;
    this.multifd?.close();
  }
}
