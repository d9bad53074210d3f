/**
 * Reads the destination's messages on the migration connection and turns them
 * into calls on a sink (QEMU source_return_path_thread). Validation is here:
 * a message the capabilities do not allow, or one out of order, is a protocol
 * error, and any error is fatal to the migration at once (unlike QEMU, which
 * notices a return-path failure only at completion). What the reader cannot
 * know (e.g. whether the stream has ended yet) the sink checks.
 */
import { createReturnPathDecoder, ProtocolError, PeerError, toMigError, type DecodedRpMessage, type MigError, type FrameDecoder } from '@livemig/common';

export interface ReturnPathSink {
  /** Authentication challenge (before the return path opens; only when the source has a secret). */
  authChallenge(nonce: Uint8Array, mac: Uint8Array): void;
  pong(value: number): void;
  switchoverAck(): void;
  deviceApproved(deviceId: string, ms: number): void;
  /** Every device loaded (and verified): the destination waits for CMD_RESUME. */
  loaded(verified: boolean): void;
  resumed(msg: NonNullable<DecodedRpMessage['resumed']>): void;
  shutOk(): void;
  /** Fatal: the migration must fail with this error. */
  error(err: MigError): void;
}

export interface ReturnPathExpectations {
  returnPath: boolean;
  switchoverAck: boolean;
  /** The source sent an auth nonce and expects exactly one AuthChallenge first. */
  auth: boolean;
}

export class ReturnPathReader {
  private readonly decoder: FrameDecoder<DecodedRpMessage> = createReturnPathDecoder();
  private readonly sink: ReturnPathSink;
  private readonly expect: ReturnPathExpectations;
  private challenged = false;
  private acked = false;
  private loaded = false;
  private resumed = false;
  private shut = false;
  private failed = false;

  constructor(sink: ReturnPathSink, expect: ReturnPathExpectations) {
    this.sink = sink;
    this.expect = expect;
  }

  push(chunk: Buffer): void {
    if (this.failed) return;
    try {
      for (const frame of this.decoder.push(chunk)) this.handle(frame.message);
    } catch (err) {
      this.failed = true;
      this.sink.error(toMigError(err, 'MIG_ERR_RETURN_PATH'));
    }
  }

  private handle(msg: DecodedRpMessage): void {
    const name = msg.body ?? 'unknown';
    if (this.shut) throw new ProtocolError(`return path: '${name}' message after SHUT`);
    if (msg.body === 'shut' && msg.shut) {
      this.shut = true;
      if (msg.shut.ok) this.sink.shutOk();
      else throw new PeerError(msg.shut.code || 'unknown', msg.shut.reason || 'no reason given');
      return;
    }
    if (msg.body === 'authChallenge' && msg.authChallenge) {
      if (!this.expect.auth) throw new ProtocolError('return path: authentication challenge, but this source has no --auth-secret-file');
      if (this.challenged) throw new ProtocolError('return path: second authentication challenge');
      this.challenged = true;
      this.sink.authChallenge(msg.authChallenge.nonce ?? new Uint8Array(0), msg.authChallenge.mac ?? new Uint8Array(0));
      return;
    }
    if (this.expect.auth && !this.challenged) throw new ProtocolError(`return path: '${name}' message before the authentication challenge`);
    // Everything else needs the return path to be in use.
    if (!this.expect.returnPath) throw new ProtocolError(`return path: '${name}' message but return-path is off`);
    switch (msg.body) {
      case 'pong':
        this.sink.pong(msg.pong?.value ?? 0);
        return;
      case 'switchoverAck':
        if (!this.expect.switchoverAck) throw new ProtocolError('return path: SWITCHOVER_ACK but switchover-ack is off');
        if (this.acked) throw new ProtocolError('return path: second SWITCHOVER_ACK');
        this.acked = true;
        this.sink.switchoverAck();
        return;
      case 'deviceApproved':
        if (!this.expect.switchoverAck) throw new ProtocolError('return path: device approval but switchover-ack is off');
        this.sink.deviceApproved(msg.deviceApproved?.deviceId ?? '', msg.deviceApproved?.ms ?? 0);
        return;
      case 'loaded':
        if (this.loaded) throw new ProtocolError('return path: second LOADED');
        this.loaded = true;
        this.sink.loaded(msg.loaded?.verified === true);
        return;
      case 'resumed':
        if (!this.loaded) throw new ProtocolError('return path: RESUMED before LOADED');
        if (this.resumed) throw new ProtocolError('return path: second RESUMED');
        this.resumed = true;
        this.sink.resumed(msg.resumed!);
        return;
      default:
        throw new ProtocolError(`return path: unknown message type '${name}'`);
    }
  }
}
