/**
 * The extra connections of one incoming migration with multifd: candidates
 * (connections that arrived while it runs, possibly before its configuration
 * named the channels), then the MultifdReceiver (multifd-receiver.ts) once the
 * configuration is accepted, which attaches the candidates whose hello names
 * this migration. Closing drops all of them.
 */
import type { Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { CompressionPool, ProtocolError, livemig, type Device, type Logger, type MigError, type MultifdCompression } from '@livemig/common';
import { MultifdChannel, MultifdReceiver, type ChannelHello } from './multifd-receiver';

interface Candidate {
  readonly channel: MultifdChannel;
  hello: ChannelHello | null;
}

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
  /** multifd-compression's inflating workers (null: none). */
  private pool: CompressionPool | null = null;
  private readonly candidates: Candidate[] = [];

  constructor(log: Logger) {
    this.log = log;
  }

  /** The receiver, from the configuration on (null before, or without multifd). */
  get receiver(): MultifdReceiver | null {
    return this.multifd;
  }

  /** Before the configuration any connection may be a channel; after it, until all are attached. */
  get wantsChannels(): boolean {
    return this.multifd === null || this.multifd.wantsChannels;
  }

  /** A new connection while this migration runs: a multifd channel, once its hello says so. */
  adopt(socket: Socket, peer: string): void {
    const entry: Candidate = { channel: new MultifdChannel(socket, peer), hello: null };
    this.candidates.push(entry);
    const ch = entry.channel;
    ch.once('hello', (hello) => {
      entry.hello = hello;
      if (this.multifd) this.offer(entry);
    });
    ch.on('error', (err) => {
      if (ch.index < 0) this.log.warn({ peer, code: err.code, err: err.message }, 'extra connection refused');
    });
  }

  /**
   * The configuration was accepted with multifd on: expect its channels, and attach those already here.
   * `compression` is the method both ends agreed (the configuration check compared them).
   */
  start(config: livemig.Configuration.$Properties, compression: MultifdCompression, owner: ChannelsOwner): void {
    const id = Buffer.from(config.migrationId ?? []);
    const channels = config.multifdChannels ?? 0;
    if (id.length === 0 || channels < 1 || channels > 255) throw new ProtocolError(`multifd is on but the configuration announces ${channels} channels and a ${id.length}-byte migration id`);
    const pool = compression === 'none' ? null : new CompressionPool({ threads: Math.min(channels, availableParallelism()) });
    this.pool = pool;
    this.multifd = new MultifdReceiver({
      migrationId: id,
      channels,
      inflate: pool && compression !== 'none' ? (packet, expected) => pool.decompress(compression, packet, expected) : null,
      packetBuffer: pool ? (n) => pool.packetBuffer(n) : null,
      pageDevice: (deviceId) => owner.pageDevice(deviceId),
      onError: (err) => owner.onError(err),
      onAttached: (ch) => this.log.info({ channel: ch.index, peer: ch.peer }, 'multifd channel attached'),
      onBytes: (n) => owner.onBytes(n),
    });
    this.log.info({ channels, compression }, 'expecting multifd channels');
    for (const entry of [...this.candidates]) if (entry.hello) this.offer(entry);
  }

  close(): void {
    this.multifd?.close();
    void this.pool?.close();
    this.pool = null;
    for (const c of this.candidates.splice(0)) c.channel.close();
  }

  private offer(entry: Candidate): void {
    const i = this.candidates.indexOf(entry);
    if (i >= 0) this.candidates.splice(i, 1);
    this.multifd!.offer(entry.channel, entry.hello!);
  }
}
