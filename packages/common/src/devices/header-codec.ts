/** Helpers for a device's own section header codec (device.ts decodeHeader). */
import { ProtocolError } from '../errors';

interface Decoder<T> {
  decode(bytes: Uint8Array): T;
}

/** Decodes a protobuf-encoded device header; bad bytes are a ProtocolError naming the device. */
export function decodeWith<T>(message: Decoder<T>, bytes: Uint8Array, deviceId: string): T {
  try {
    return message.decode(bytes);
  } catch (err) {
    throw new ProtocolError(`${deviceId}: malformed section header (${err instanceof Error ? err.message : String(err)})`);
  }
}
