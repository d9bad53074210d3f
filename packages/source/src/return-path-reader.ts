/**
 * Reads the destination's messages on the migration connection and turns them
 * into calls on a sink (QEMU source_return_path_thread). Validation is here:
 * a message the capabilities do not allow, or one out of order, is a protocol
 * error, and any error is fatal to the migration at once (unlike QEMU, which
 * notices a return-path failure only at completion). What the reader cannot
 * know (e.g. whether the stream has ended yet) the sink checks.
 */
import { ProtocolError, PeerError, toMigError, type MigError } from '@livemig/common/errors';
import { createReturnPathDecoder, type DecodedRpMessage, type FrameDecoder, type livemig } from '@livemig/common/wire';

export interface ReturnPathSink {
  /** Authentication challenge (before the return path opens; only when the source has a secret). */
  authChallenge(nonce: Uint8Array, mac: Uint8Array): void;
  /** The destination accepted header, authentication and configuration: state may go now. */
  configAccepted(): void;
  pong(value: number): void;
  switchoverAck(rearms: number): void;
  deviceApproved(deviceId: string, ms: number, rearms: number): void;
  /** Every device loaded (and verified): the destination waits for CMD_RESUME. */
  loaded(verified: boolean, messages: readonly livemig.DeviceMessage.$Properties[]): void;
  resumed(msg: NonNullable<DecodedRpMessage['resumed']>): void;
  /** precopy-resume: a piece of one device's held-state report (before RESUME_ACK). */
  recvBitmap(piece: livemig.RecvBitmap.$Properties): void;
  /** precopy-resume: every device reported; state may go again. */
  resumeAck(resumes: number): void;
  shutOk(): void;
  /** Fatal: the migration must fail with this error. */
  error(err: MigError): void;
}

export interface ReturnPathExpectations {
  returnPath: boolean;
  switchoverAck: boolean;
  /** The source sent an auth nonce and expects exactly one AuthChallenge first. */
  auth: boolean;
  /** precopy-resume: this connection resumes a paused migration (held-state reports and RESUME_ACK instead of CONFIG_ACCEPTED). */
  resume?: boolean;
}

/**
 * Where the conversation with the destination is, as the return path shows it
 * (one table instead of loose flags; acks and approvals may come any time
 * after acceptance and are checked by the sink):
 *
 *   challenge? → accept → open → loaded → resumed → shut
 *        └─────────┴───────┴───────┴─────────┴──────→ shut | failed
 *
 * A connection resuming a paused migration (precopy-resume) has `recover`
 * instead of `accept`: the held-state reports (RECV_BITMAP), then RESUME_ACK.
 */
type RpPhase = 'challenge' | 'accept' | 'recover' | 'open' | 'loaded' | 'resumed' | 'shut' | 'failed';

/** Which message each phase takes (shut is taken by every live phase). */
const RP_ACCEPTS: Readonly<Record<RpPhase, readonly string[]>> = {
  challenge: ['authChallenge'],
  accept: ['configAccepted'],
  recover: ['recvBitmap', 'resumeAck'],
  open: ['pong', 'switchoverAck', 'deviceApproved', 'loaded'],
  loaded: ['pong', 'resumed'],
  resumed: ['pong'],
  shut: [],
  failed: [],
};

const RP_KNOWN = { authChallenge: 1, configAccepted: 1, pong: 1, switchoverAck: 1, deviceApproved: 1, loaded: 1, resumed: 1, recvBitmap: 1, resumeAck: 1 } as const;

const RP_NEXT: Readonly<Partial<Record<string, RpPhase>>> = {
  authChallenge: 'accept',
  configAccepted: 'open',
  resumeAck: 'open',
  loaded: 'loaded',
  resumed: 'resumed',
};

export class ReturnPathReader {
  private readonly decoder: FrameDecoder<DecodedRpMessage> = createReturnPathDecoder();
  private readonly sink: ReturnPathSink;
  private readonly expect: ReturnPathExpectations;
  private phase: RpPhase;
  /** Re-arm count of the last SWITCHOVER_ACK (-1: none yet); each ack must be for more re-arms than the last. */
  private ackedRearms = -1;

  constructor(sink: ReturnPathSink, expect: ReturnPathExpectations) {
    this.sink = sink;
    this.expect = expect;
    this.phase = expect.auth ? 'challenge' : this.firstPhase;
  }

  /** After the challenge (or at once): acceptance of a configuration, or the recovery of a paused migration. */
  private get firstPhase(): RpPhase {
    return this.expect.resume === true ? 'recover' : 'accept';
  }

  push(chunk: Buffer): void {
    if (this.phase === 'failed') return;
    try {
      for (const frame of this.decoder.push(chunk)) this.handle(frame.message);
    } catch (err) {
      this.phase = 'failed';
      this.sink.error(toMigError(err, 'MIG_ERR_RETURN_PATH'));
    }
  }

  private handle(msg: DecodedRpMessage): void {
    const name = msg.body ?? 'unknown';
    if (this.phase === 'shut') throw new ProtocolError(`return path: '${name}' message after SHUT`);
    if (msg.body === 'shut' && msg.shut) {
      this.phase = 'shut';
      if (msg.shut.ok) this.sink.shutOk();
      else throw new PeerError(msg.shut.code || 'unknown', msg.shut.reason || 'no reason given');
      return;
    }
    if (!(name in RP_KNOWN)) throw new ProtocolError(`return path: unknown message type '${name}'`);
    if (msg.body === 'authChallenge' && !this.expect.auth) throw new ProtocolError('return path: authentication challenge, but this source has no --auth-secret-file');
    if (!RP_ACCEPTS[this.phase].includes(name)) {
      if (this.phase === 'challenge') throw new ProtocolError(`return path: '${name}' message before the authentication challenge`);
      if (this.phase === 'accept') throw new ProtocolError(`return path: '${name}' message before the destination accepted the configuration`);
      if (this.phase === 'recover') throw new ProtocolError(`return path: '${name}' message before the destination acknowledged the resume`);
      if (name === 'recvBitmap' || name === 'resumeAck') throw new ProtocolError(`return path: '${name}' message outside a resume`);
      if (name === 'authChallenge') throw new ProtocolError('return path: second authentication challenge');
      if (name === 'configAccepted') throw new ProtocolError('return path: second CONFIG_ACCEPTED');
      if (name === 'loaded') throw new ProtocolError('return path: second LOADED');
      if (name === 'resumed') throw new ProtocolError(this.phase === 'open' ? 'return path: RESUMED before LOADED' : 'return path: second RESUMED');
      throw new ProtocolError(`return path: '${name}' message in state ${this.phase}`);
    }
    // Past acceptance, everything needs the return path to be in use.
    if (this.phase !== 'challenge' && this.phase !== 'accept' && this.phase !== 'recover' && !this.expect.returnPath) throw new ProtocolError(`return path: '${name}' message but return-path is off`);
    const next = name === 'authChallenge' ? this.firstPhase : RP_NEXT[name];
    if (next) this.phase = next;
    switch (msg.body) {
      case 'authChallenge':
        this.sink.authChallenge(msg.authChallenge?.nonce ?? new Uint8Array(0), msg.authChallenge?.mac ?? new Uint8Array(0));
        return;
      case 'configAccepted':
        this.sink.configAccepted();
        return;
      case 'pong':
        this.sink.pong(msg.pong?.value ?? 0);
        return;
      case 'switchoverAck':
        if (!this.expect.switchoverAck) throw new ProtocolError('return path: SWITCHOVER_ACK but switchover-ack is off');
        if ((msg.switchoverAck?.rearms ?? 0) <= this.ackedRearms) throw new ProtocolError('return path: second SWITCHOVER_ACK');
        this.ackedRearms = msg.switchoverAck?.rearms ?? 0;
        this.sink.switchoverAck(this.ackedRearms);
        return;
      case 'deviceApproved':
        if (!this.expect.switchoverAck) throw new ProtocolError('return path: device approval but switchover-ack is off');
        this.sink.deviceApproved(msg.deviceApproved?.deviceId ?? '', msg.deviceApproved?.ms ?? 0, msg.deviceApproved?.rearms ?? 0);
        return;
      case 'loaded':
        this.sink.loaded(msg.loaded?.verified === true, msg.loaded?.deviceMessages ?? []);
        return;
      case 'resumed':
        this.sink.resumed(msg.resumed!);
        return;
      case 'recvBitmap':
        this.sink.recvBitmap(msg.recvBitmap!);
        return;
      case 'resumeAck':
        this.sink.resumeAck(msg.resumeAck?.resumes ?? 0);
        return;
      default:
        throw new ProtocolError(`return path: unknown message type '${name}'`);
    }
  }
}
