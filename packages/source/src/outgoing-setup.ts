/**
 * The setup phase of an outgoing migration (QEMU migration_thread up to
 * qemu_savevm_state_setup): connect, stream header (and, with a shared
 * secret, answer the destination's challenge), configuration, then wait for
 * the destination's CONFIG_ACCEPTED (one round trip, with or without
 * return-path: a refusal arrives instead, and no state has moved); then with
 * return-path OPEN_RETURN_PATH + PING, with multifd the extra channels (each
 * authenticated on its own), and save_setup (START sections) for every device. Fills the link: socket,
 * stream, channels, return-path reader, stall watchdog.
 */
import { STREAM_MAGIC, STREAM_VERSION, livemig } from '@livemig/common/wire';
import { createNonce, type TlsFiles } from '@livemig/common/control';
import { deviceConfig } from '@livemig/common/devices';
import type { LinkOwner } from './destination-link';
import { MigrationChannels } from './migration-channels';
import { MigrationStream } from './migration-stream';
import { MultifdSender } from './multifd-sender';
import { MULTIFD_PACKET_BYTES } from './compressing-channel';
import type { OutgoingContext } from './outgoing-context';
import { ReturnPathReader } from './return-path-reader';
import { answerChallenge } from './source-auth';
import { StallWatchdog } from './stall-watchdog';
import { openConnection } from './transport';

/** What the source needs to reach the destination: TLS material and the shared secret. */
export interface OutgoingSecurity {
  readonly tls: TlsFiles | null;
  readonly authSecret: Buffer | null;
}

export interface SetupTarget {
  readonly host: string;
  readonly port: number;
  readonly security: OutgoingSecurity;
  /** Named by the multifd channels so the destination attaches them to this migration. */
  readonly migrationId: Buffer;
}

export async function setupOutgoing(ctx: OutgoingContext, owner: LinkOwner, target: SetupTarget): Promise<void> {
  const { machine, caps, params, log, link, replies } = ctx;
  const socket = await openConnection({
    host: target.host,
    port: target.port,
    tls: target.security.tls,
    signal: link.signal,
    timeoutMs: params()['stall-timeout'],
  });
  link.socket = socket;
  const stream = new MigrationStream(socket);
  link.stream = stream;
  const channels = new MigrationChannels(stream);
  link.channels = channels;
  const secret = target.security.authSecret;
  const rp = new ReturnPathReader(replies.sink(), {
    returnPath: caps['return-path'],
    switchoverAck: caps['switchover-ack'],
    auth: secret !== null,
  });
  const watchdog = new StallWatchdog(
    {
      returnPath: caps['return-path'],
      stream: () => link.stream,
      stallTimeoutMs: () => params()['stall-timeout'],
      awaiting: () => link.awaiting,
      pinging: () => link.pinging,
      live: () => !owner.finished && !link.signal.aborted,
      phase: () => owner.phase,
      stalled: (err) => link.fatal(err),
    },
    performance.now(),
  );
  link.watchdog = watchdog;
  socket.on('data', (chunk: Buffer) => {
    watchdog.keepalive.received(performance.now());
    rp.push(chunk);
  });
  socket.on('error', (err) => {
    link.socketError ??= err;
  });
  socket.on('close', () => {
    if (owner.finished || replies.concluded) return;
    link.fatal(link.connectionLost());
  });
  watchdog.start();

  const nonce = secret ? createNonce() : null;
  stream.writeFrame({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION, ...(nonce ? { authNonce: nonce } : {}) } });
  if (secret && nonce) {
    await link.waitForPeer('the authentication challenge', () => replies.challenge !== null);
    stream.writeFrame({ authResponse: { mac: answerChallenge(secret, nonce, replies.challenge!) } });
  }
  // Read once: the stream keeps the method it started with (the destination checked it).
  const compression = caps.multifd ? params()['multifd-compression'] : 'none';
  stream.writeFrame({
    configuration: {
      devices: machine.devices.map(deviceConfig),
      capabilities: {
        returnPath: caps['return-path'],
        switchoverAck: caps['switchover-ack'],
        multifd: caps.multifd,
        verify: caps.verify,
        precopyResume: caps['precopy-resume'],
      },
      migrationId: target.migrationId,
      multifdChannels: caps.multifd ? params()['multifd-channels'] : 0,
      multifdCompression: compression,
    },
  });
  // Nothing but the handshake goes before the destination has accepted it.
  await link.waitForPeer('the destination to accept the configuration', () => replies.configAccepted);
  if (caps['return-path']) {
    stream.writeFrame({ command: { type: livemig.CommandType.CMD_OPEN_RETURN_PATH } });
    link.pinging = true;
    watchdog.ping();
  }
  if (caps['switchover-ack']) {
    for (const d of machine.devices) if (d.switchoverAckNeeded()) replies.deviceAcks.set(d.id, { approved: false, rearms: 0 });
  }
  if (caps.multifd) {
    // The destination has accepted the configuration: the channels name a migration it knows.
    const sender = await MultifdSender.connect({
      host: target.host,
      port: target.port,
      tls: target.security.tls,
      timeoutMs: params()['stall-timeout'],
      channels: params()['multifd-channels'],
      migrationId: target.migrationId,
      authSecret: secret,
      signal: link.signal,
      compression: compression === 'none' ? null : { method: compression, level: compression === 'zlib' ? params()['multifd-zlib-level'] : params()['multifd-zstd-level'] },
      onError: (err) => link.fatal(err),
    });
    channels.attachMultifd(sender);
    log.info({ channels: sender.channels, compression }, 'multifd channels open');
  }
  const setupCtx = {
    switchoverAck: caps['switchover-ack'],
    verify: caps.verify,
    ...(compression !== 'none' ? { multifdPacketBytes: MULTIFD_PACKET_BYTES } : {}),
    rearmSwitchover: (deviceId: string): number => replies.rearm(deviceId),
  };
  machine.devices.forEach((d, i) => d.saveSetup(channels.writerFor(d, i), setupCtx));
}
