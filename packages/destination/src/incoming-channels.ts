/**
 * The multifd channels of one incoming migration. A channel arrives as its own
 * connection whose StreamHeader names this migration and its index
 * (handshake.ts routes it here); it may take a place only up to the channel
 * count the configuration announced, one per index, and, with a shared secret,
 * only once its own challenge was answered. Then the MultifdReceiver
 * (multifd-receiver.ts) loads its pages. Closing drops all of them.
 */
import { ProtocolError, type MigError } from '@livemig/common/errors';
import { compressionThreads, inflateZstdPacket, logZstdCodec, parkCompressionPool, takeCompressionPool, type CompressionPool, type livemig } from '@livemig/common/wire';
import { type MultifdCompression } from '@livemig/common/control';
import { type Device } from '@livemig/common/devices';
import { type Logger } from '@livemig/common/daemon';
import type { AcceptedConnection, ChannelHello, ChannelSlot } from './handshake';
import type { PageLoader } from './section-table';
import { MultifdChannel, MultifdReceiver } from './multifd-receiver';

/** What the channels need from their migration. */
export interface ChannelsOwner {
  /** The device a multifd page section names, if it may receive pages now; else throws. */
  pageDevice(deviceId: string): PageLoader;
  onError(err: MigError): void;
  /** Bytes received on a channel (byte count, last-data time, digest pacing). */
  onBytes(n: number): void;
}

export class IncomingChannels {
  private readonly log: Logger;
  private multifd: MultifdReceiver | null = null;
  private migrationId: Buffer | null = null;
  /** Indexes attached (a channel that proved itself). */
  private readonly taken = new Set<number>();
  /**
   * Channels still answering their challenge, oldest first, each with how to
   * evict it. Bounded (2 × the channel count): a peer that knows the migration
   * id but not the secret can hold places only until newer ones push it out,
   * and never an index (taken only once a channel proved itself).
   */
  private readonly pending = new Map<object, () => void>();
  private closed = false;
  /** multifd-compression's inflating workers (null: none). */
  private pool: CompressionPool | null = null;
  /** What start() got (precopy-resume starts the channels again with it). */
  private started: { config: livemig.Configuration.$Properties; compression: MultifdCompression; owner: ChannelsOwner } | null = null;

  constructor(log: Logger) {
    this.log = log;
  }

  /** The receiver, from the configuration on (null without multifd). */
  get receiver(): MultifdReceiver | null {
    return this.multifd;
  }

  /**
   * The configuration was accepted with multifd on: expect its channels.
   * `compression` is the method both ends agreed (the configuration check compared them).
   */
  start(config: livemig.Configuration.$Properties, compression: MultifdCompression, owner: ChannelsOwner): void {
    const id = Buffer.from(config.migrationId ?? []);
    const channels = config.multifdChannels ?? 0;
    if (id.length === 0 || channels < 1 || channels > 255) throw new ProtocolError(`multifd is on but the configuration announces ${channels} channels and a ${id.length}-byte migration id`);
    this.migrationId = id;
    this.started = { config, compression, owner };
    // zstd inflates on this thread, straight into guest memory (cheaper than a worker's
    // round trip: docs/PERFORMANCE.md); zlib, ~3× the CPU, in the workers.
    const pool = compression === 'zlib' ? takeCompressionPool(compressionThreads(channels)) : null;
    this.pool = pool;
    this.multifd = new MultifdReceiver({
      channels,
      inflate: pool ? (packet, expected) => pool.decompress('zlib', packet, expected) : null,
      packetBuffer: pool ? (n) => pool.packetBuffer(n) : null,
      recycle: pool ? (b) => pool.recycle(b) : null,
      inflateNow: compression === 'zstd' ? inflateZstdPacket : null,
      pageDevice: (deviceId) => owner.pageDevice(deviceId),
      onError: (err) => owner.onError(err),
      onAttached: (ch) => this.log.info({ channel: ch.index, peer: ch.peer }, 'multifd channel attached'),
      onBytes: (n) => owner.onBytes(n),
    });
    this.log.info({ channels, compression }, 'expecting multifd channels');
    // Which zstd binding inflates (zstd-napi, or the fallback when it could not be loaded).
    if (compression === 'zstd') logZstdCodec(this.log);
  }

  /** True when `hello` names this migration. */
  names(hello: ChannelHello): boolean {
    return this.migrationId !== null && hello.migrationId.equals(this.migrationId);
  }

  /** A place for the channel `hello` names, or why not (beyond the announced count, already connected, ended). */
  reserve(hello: ChannelHello, evict: () => void): ChannelSlot | string {
    const multifd = this.multifd;
    if (!multifd || this.closed) return 'the migration it names takes no multifd channels';
    const index = hello.channel;
    if (index >= multifd.channels) return `multifd channel refused: channel ${index} is beyond the ${multifd.channels} announced`;
    const connected = `multifd channel refused: channel ${index} is already connected`;
    if (this.taken.has(index)) return connected;
    if (this.pending.size >= 2 * multifd.channels) {
      const [oldest, evictOldest] = this.pending.entries().next().value as [object, () => void];
      this.pending.delete(oldest);
      evictOldest();
    }
    const token = {};
    this.pending.set(token, evict);
    return {
      claim: () => {
        this.pending.delete(token);
        if (this.closed) return 'the migration it names has ended';
        if (this.taken.has(index)) return connected;
        this.taken.add(index);
        return null;
      },
      attach: (conn: AcceptedConnection) => multifd.attach(index, new MultifdChannel(conn)),
      release: () => void this.pending.delete(token),
    };
  }

  /**
   * precopy-resume: the migration paused; its channels are gone (a page still
   * inflating is dropped: it never counts as received). A resume reopens them.
   */
  suspend(): void {
    this.close();
  }

  /** precopy-resume: the resumed source opens its channels again, with new sync points from 1. */
  reopen(): void {
    const started = this.started;
    if (!started) return;
    for (const evict of this.pending.values()) evict();
    this.pending.clear();
    this.taken.clear();
    this.closed = false;
    this.start(started.config, started.compression, started.owner);
  }

  close(): void {
    this.closed = true;
    this.multifd?.close();
    if (this.pool) parkCompressionPool(this.pool);
    this.pool = null;
  }
}
