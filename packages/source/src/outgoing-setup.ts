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
import { ProtocolError } from '@livemig/common/errors';
import { STREAM_MAGIC, STREAM_VERSION, livemig, logZstdCodec, warmEndOfMigration } from '@livemig/common/wire';
import { createNonce, type MultifdCompression, type TlsFiles } from '@livemig/common/control';
import { deviceConfig, type SaveContext } from '@livemig/common/devices';
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
  /** A new migration's header names these earlier ones, for the destination to discard if it still holds one (StreamHeader.abandons). */
  readonly abandons?: readonly Buffer[];
}

/**
 * Opens the main connection and fills the link: socket, stream, channels,
 * return-path reader, stall watchdog; then writes the stream header (with the
 * resume hello when `resume`). Shared by setup and by the resume of a paused
 * migration.
 */
async function openMainChannel(ctx: OutgoingContext, owner: LinkOwner, target: SetupTarget, resume: boolean): Promise<MigrationStream> {
  const { caps, params, link, replies } = ctx;
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
  link.channels = new MigrationChannels(stream);
  const secret = target.security.authSecret;
  const rp = new ReturnPathReader(replies.sink(), {
    returnPath: caps['return-path'],
    switchoverAck: caps['switchover-ack'],
    auth: secret !== null,
    resume,
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
    // A socket of an earlier connection (before a resume) closing is no news.
    if (owner.finished || replies.concluded || link.socket !== socket) return;
    link.fatal(link.connectionLost());
  });
  watchdog.start();

  const nonce = secret ? createNonce() : null;
  stream.writeFrame({
    header: {
      magic: STREAM_MAGIC,
      version: STREAM_VERSION,
      ...(nonce ? { authNonce: nonce } : {}),
      ...(resume ? { resume: { migrationId: target.migrationId } } : {}),
      ...(!resume && target.abandons?.length ? { abandons: [...target.abandons] } : {}),
    },
  });
  if (secret && nonce) {
    await link.waitForPeer('the authentication challenge', () => replies.challenge !== null);
    stream.writeFrame({ authResponse: { mac: answerChallenge(secret, nonce, replies.challenge!) } });
  }
  return stream;
}

/** The multifd-compression the stream uses (read once: the stream keeps the method it started with). */
function streamCompression(ctx: OutgoingContext): MultifdCompression {
  return ctx.caps.multifd ? ctx.params()['multifd-compression'] : 'none';
}

/** With multifd, the page channels (after the destination accepted the configuration or the resume). */
async function openMultifd(ctx: OutgoingContext, target: SetupTarget, compression: MultifdCompression): Promise<void> {
  const { caps, params, log, link } = ctx;
  if (!caps.multifd) return;
  const sender = await MultifdSender.connect({
    host: target.host,
    port: target.port,
    tls: target.security.tls,
    timeoutMs: params()['stall-timeout'],
    channels: params()['multifd-channels'],
    migrationId: target.migrationId,
    authSecret: target.security.authSecret,
    signal: link.signal,
    compression: compression === 'none' ? null : { method: compression, level: compression === 'zlib' ? params()['multifd-zlib-level'] : params()['multifd-zstd-level'] },
    onError: (err) => link.fatal(err),
  });
  link.channels!.attachMultifd(sender);
  log.info({ channels: sender.channels, compression }, 'multifd channels open');
  // Which zstd binding the workers use (zstd-napi, or the fallback when it could not be loaded).
  if (compression === 'zstd') logZstdCodec(log);
}

/** What save_setup gives every device (also when a resume sets a device up again). */
export function saveContext(ctx: OutgoingContext, compression: MultifdCompression): SaveContext {
  const { caps, replies } = ctx;
  return {
    switchoverAck: caps['switchover-ack'],
    verify: caps.verify,
    precopyResume: caps['precopy-resume'],
    ...(compression !== 'none' ? { multifdPacketBytes: MULTIFD_PACKET_BYTES } : {}),
    rearmSwitchover: (deviceId: string): number => replies.rearm(deviceId),
  };
}

export async function setupOutgoing(ctx: OutgoingContext, owner: LinkOwner, target: SetupTarget): Promise<void> {
  const { machine, caps, params, link, replies } = ctx;
  const stream = await openMainChannel(ctx, owner, target, false);
  const compression = streamCompression(ctx);
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
    link.watchdog!.ping();
  }
  if (caps['switchover-ack']) {
    for (const d of machine.devices) if (d.switchoverAckNeeded()) replies.deviceAcks.set(d.id, { approved: false, rearms: 0 });
  }
  // The destination has accepted the configuration: the channels name a migration it knows.
  await openMultifd(ctx, target, compression);
  const channels = link.channels!;
  const setupCtx = saveContext(ctx, compression);
  machine.devices.forEach((d, i) => d.saveSetup(channels.writerFor(d, i), setupCtx));
  // The end's messages run cold otherwise, inside the downtime (end-warm-up.ts).
  warmEndOfMigration();
}

/** What a resume found: the bytes the destination lacked (devices with the hooks) and the devices sent again whole. */
export interface ResumeResult {
  readonly missingBytes: number;
  readonly memoryMissingBytes: number;
  readonly restarted: readonly string[];
}

/**
 * precopy-resume (QEMU postcopy recovery, for precopy): reconnects a paused
 * migration. The header names the migration (no configuration: the
 * destination has it), [auth] as at setup, then the destination reports per
 * device what it holds and acknowledges the resume; with return-path the
 * keepalive starts again (the return path stays open on the destination),
 * with multifd the page channels reconnect. Each device then marks what the
 * destination lacks (resumeFrom); a device without the hook, or whose
 * destination side has none, is set up again and sends everything.
 */
export async function resumeOutgoing(ctx: OutgoingContext, owner: LinkOwner, target: SetupTarget): Promise<ResumeResult> {
  const { machine, caps, link, replies, log } = ctx;
  replies.beginRecovery();
  await openMainChannel(ctx, owner, target, true);
  await link.waitForPeer('the destination to acknowledge the resume', () => replies.recovered);
  if (caps['return-path']) {
    link.pinging = true;
    link.watchdog!.ping();
  }
  const compression = streamCompression(ctx);
  await openMultifd(ctx, target, compression);
  const channels = link.channels!;
  const held = replies.held!;
  let missingBytes = 0;
  let memoryMissingBytes = 0;
  const restarted: string[] = [];
  const setupCtx = saveContext(ctx, compression);
  // Every iterable device has a report (non-iterable ones go whole at the stop anyway) before any is applied.
  for (const d of machine.devices) {
    if (d.iterable && held.get(d.id) === undefined) throw new ProtocolError(`the destination acknowledged the resume without reporting what '${d.id}' holds`);
  }
  machine.devices.forEach((d, i) => {
    if (!d.iterable) return;
    const state = held.get(d.id)!;
    if (state !== null && d.resumeFrom) {
      const n = d.resumeFrom(state);
      missingBytes += n;
      if (d.memoryCounters) memoryMissingBytes += n;
      return;
    }
    d.saveCleanup();
    d.saveSetup(channels.writerFor(d, i), setupCtx);
    restarted.push(d.id);
  });
  replies.endRecovery();
  log.info({ missingBytes, restarted }, 'resumed: the destination reported what it holds');
  return { missingBytes, memoryMissingBytes, restarted };
}
