/**
 * A toy framing for the frame decoder's own tests (frame-decoder-edges, frame-decoder-sink):
 * u32be header length | header "id,len" (ascii) | payload. Small enough that a test
 * can build any split or malformed stream by hand.
 */
import { FrameDecoder } from '../../src/wire/frame-decoder';

export interface Msg {
  id: number;
  len: number;
}

export function frame(id: number, payload: Buffer): Buffer {
  const header = Buffer.from(`${id},${payload.length}`);
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(header.length);
  return Buffer.concat([prefix, header, payload]);
}

export interface TestDecoderOptions {
  sink?: (m: Msg, n: number) => Buffer[] | null;
  maxHeaderBytes?: number;
  maxPayloadBytes?: number;
}

/** A decoder of that framing; a header that is not "id,len" is a decode error. */
export function decoder(opts: TestDecoderOptions = {}): FrameDecoder<Msg> {
  return new FrameDecoder<Msg>({
    decodeHeader: (b) => {
      const text = b.toString();
      if (!/^\d+,\d+$/.test(text)) throw new Error(`bad header '${text}'`);
      const [id, len] = text.split(',').map(Number);
      return { id: id!, len: len! };
    },
    payloadLengthOf: (m) => m.len,
    ...(opts.sink ? { payloadSink: opts.sink } : {}),
    maxHeaderBytes: opts.maxHeaderBytes ?? 64,
    maxPayloadBytes: opts.maxPayloadBytes ?? 1 << 20,
    what: 'test stream',
  });
}
