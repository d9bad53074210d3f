/**
 * Pure frame encoding: `u32be header length | protobuf header | raw payload`.
 * Bulk payloads are never passed through protobufjs (which would copy them): the
 * caller hands the returned header buffer and its payload views to the socket
 * together (corked), so page data goes from guest memory to the kernel untouched.
 */
import { FRAME_PREFIX_BYTES } from '../constants';
import { livemig, type FrameMessage, type RpMessage } from './messages';

function prefixed(body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(FRAME_PREFIX_BYTES + body.length);
  out.writeUInt32BE(body.length, 0);
  out.set(body, FRAME_PREFIX_BYTES);
  return out;
}

/** The header of a forward frame whose raw payload (`payloadLength` bytes) follows. */
export function encodeFrameHeader(frame: FrameMessage, payloadLength = 0): Buffer {
  return prefixed(livemig.Frame.encode({ ...frame, payloadLength }).finish());
}

/** A whole forward frame as buffers to write in order (header, then payload views). */
export function encodeFrame(frame: FrameMessage, payload: readonly Buffer[] = []): Buffer[] {
  let length = 0;
  for (const p of payload) length += p.length;
  return [encodeFrameHeader(frame, length), ...payload];
}

/** A return-path message (no payload). */
export function encodeRpMessage(msg: RpMessage): Buffer {
  return prefixed(livemig.RpMessage.encode(msg).finish());
}
