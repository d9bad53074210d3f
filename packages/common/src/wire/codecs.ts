/** Decoder factories for the two directions of the migration connection. */
import { MAX_HEADER_BYTES, MAX_PAYLOAD_BYTES, MAX_RP_HEADER_BYTES } from '../constants';
import { FrameDecoder } from './frame-decoder';
import { livemig } from './messages';

export type DecodedFrameMessage = livemig.Frame & livemig.Frame.$Shape;
export type DecodedRpMessage = livemig.RpMessage & livemig.RpMessage.$Shape;

export function createStreamDecoder(
  opts: { maxPayloadBytes?: number; payloadSink?: (message: DecodedFrameMessage, payloadLength: number) => Buffer[] | null } = {},
): FrameDecoder<DecodedFrameMessage> {
  return new FrameDecoder<DecodedFrameMessage>({
    decodeHeader: (bytes) => livemig.Frame.decode(bytes),
    payloadLengthOf: (m) => m.payloadLength,
    ...(opts.payloadSink ? { payloadSink: opts.payloadSink } : {}),
    maxHeaderBytes: MAX_HEADER_BYTES,
    maxPayloadBytes: opts.maxPayloadBytes ?? MAX_PAYLOAD_BYTES,
    what: 'migration stream',
  });
}

export function createReturnPathDecoder(): FrameDecoder<DecodedRpMessage> {
  return new FrameDecoder<DecodedRpMessage>({
    decodeHeader: (bytes) => livemig.RpMessage.decode(bytes),
    payloadLengthOf: () => 0,
    maxHeaderBytes: MAX_RP_HEADER_BYTES,
    maxPayloadBytes: 0,
    what: 'return path',
  });
}
