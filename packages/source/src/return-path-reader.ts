/**
 * Reads the destination's messages on the migration connection and turns them
 * into calls on a sink (QEMU source_return_path_thread). Validation is here:
 * a message the capabilities do not allow, or one out of order, is a protocol
 * error, and any error is fatal to the migration at once (unlike QEMU, which
 * notices a return-path failure only at completion).
 */
import { createReturnPathDecoder, ProtocolError, PeerError, toMigError, type DecodedRpMessage, type MigError, type FrameDecoder } from '@livemig/common';

export interface ReturnPathSink {
  pong(value: number): void;
  switchoverAck(): void;
  deviceApproved(deviceId: string, ms: number): void;
  resumed(msg: NonNullable<DecodedRpMessage['resumed']>): void;
  shutOk(): void;
  /** Fatal: the migration must fail with this error. */
  error(err: MigError): void;
}

export class ReturnPathReader {
  private readonly decoder: FrameDecoder<DecodedRpMessage> = createReturnPathDecoder();
  private readonly sink: ReturnPathSink;
  private readonly returnPath: boolean;
  private readonly switchoverAck: boolean;
  private acked = false;
  private shut = false;
  private failed = false;

  constructor(sink: ReturnPathSink, caps: { returnPath: boolean; switchoverAck: boolean }) {
    this.sink = sink;
    this.returnPath = caps.returnPath;
    this.switchoverAck = caps.switchoverAck;
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
    if (this.shut) throw new ProtocolError(`return path: '${msg.body ?? 'unknown'}' message after SHUT`);
    if (msg.body === 'shut' && msg.shut) {
      this.shut = true;
      if (msg.shut.ok) this.sink.shutOk();
      else throw new PeerError(msg.shut.code || 'unknown', msg.shut.reason || 'no reason given');
      return;
    }
    // Everything but a refusal needs the return path to be in use.
    if (!this.returnPath) throw new ProtocolError(`return path: '${msg.body ?? 'unknown'}' message but return-path is off`);
    switch (msg.body) {
      case 'pong':
        this.sink.pong(msg.pong?.value ?? 0);
        return;
      case 'switchoverAck':
        if (!this.switchoverAck) throw new ProtocolError('return path: SWITCHOVER_ACK but switchover-ack is off');
        if (this.acked) throw new ProtocolError('return path: second SWITCHOVER_ACK');
        this.acked = true;
        this.sink.switchoverAck();
        return;
      case 'deviceApproved':
        if (!this.switchoverAck) throw new ProtocolError('return path: device approval but switchover-ack is off');
        this.sink.deviceApproved(msg.deviceApproved?.deviceId ?? '', msg.deviceApproved?.ms ?? 0);
        return;
      case 'resumed':
        this.sink.resumed(msg.resumed!);
        return;
      default:
        throw new ProtocolError(`return path: unknown message type '${String(msg.body)}'`);
    }
  }
}
