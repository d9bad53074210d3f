import { describe, expect, it } from 'vitest';
import { createReturnPathDecoder, createStreamDecoder } from '../src/wire/codecs';
import { encodeFrame, encodeRpMessage } from '../src/wire/frame-encoder';
import { livemig } from '../src/wire/messages';
import { FrameTooLargeError, ProtocolError } from '../src/errors';
import { MAX_HEADER_BYTES } from '../src/constants';

function sampleStream(): { bytes: Buffer; payloads: Buffer[] } {
  const p1 = Buffer.alloc(8192, 7);
  const p2 = Buffer.from('hello pages');
  const frames = [
    ...encodeFrame({ header: { magic: 0x4c4d4947, version: 1 } }),
    ...encodeFrame({ section: { type: livemig.SectionType.SECTION_PART, sectionId: 1, header: livemig.devices.RamData.encode({ normalRuns: [0, 2] }).finish() } }, [p1]),
    ...encodeFrame({ command: { type: livemig.CommandType.CMD_PING, value: 42 } }),
    ...encodeFrame({ section: { type: livemig.SectionType.SECTION_PART, sectionId: 2, header: livemig.devices.AccelData.encode({ kind: 3, offset: 65536 }).finish() } }, [p2.subarray(0, 5), p2.subarray(5)]),
    ...encodeFrame({ eof: {} }),
  ];
  return { bytes: Buffer.concat(frames), payloads: [p1, p2] };
}

function decodeAll(chunks: Buffer[]) {
  const dec = createStreamDecoder();
  return chunks.flatMap((c) => dec.push(c));
}

describe('FrameDecoder', () => {
  const { bytes, payloads } = sampleStream();

  it('round-trips a stream pushed whole', () => {
    const frames = decodeAll([bytes]);
    expect(frames.map((f) => f.message.body)).toEqual(['header', 'section', 'command', 'section', 'eof']);
    expect(frames[0]!.message.header!.magic).toBe(0x4c4d4947);
    expect(Buffer.concat(frames[1]!.payload)).toEqual(payloads[0]);
    expect(livemig.devices.RamData.decode(frames[1]!.message.section!.header!).normalRuns).toEqual([0, 2]);
    expect(frames[2]!.message.command!.value).toBe(42);
    expect(Buffer.concat(frames[3]!.payload).toString()).toBe('hello pages');
    expect(livemig.devices.AccelData.decode(frames[3]!.message.section!.header!).offset).toBe(65536);
    expect(frames.reduce((n, f) => n + f.wireBytes, 0)).toBe(bytes.length);
  });

  it('gives the same frames fed one byte at a time', () => {
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    const frames = decodeAll(chunks);
    expect(frames.map((f) => f.message.body)).toEqual(['header', 'section', 'command', 'section', 'eof']);
    expect(Buffer.concat(frames[1]!.payload)).toEqual(payloads[0]);
  });

  it('gives the same frames at every split point', () => {
    const whole = decodeAll([bytes]).map((f) => [f.message.body, Buffer.concat(f.payload).toString('hex')]);
    for (let cut = 1; cut < bytes.length; cut += 97) {
      const frames = decodeAll([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(frames.map((f) => [f.message.body, Buffer.concat(f.payload).toString('hex')])).toEqual(whole);
    }
  });

  it('handles several streams merged into one chunk', () => {
    const frames = decodeAll([Buffer.concat([bytes, bytes])]);
    expect(frames).toHaveLength(10);
  });

  it('hands payloads out as slices of the received chunk (no copy)', () => {
    const frames = decodeAll([bytes]);
    const slice = frames[1]!.payload[0]!;
    expect(slice.buffer).toBe(bytes.buffer);
  });

  it('returns nothing for a truncated frame and keeps the partial bytes', () => {
    const dec = createStreamDecoder();
    expect(dec.push(bytes.subarray(0, 3))).toEqual([]);
    expect(dec.pendingBytes).toBe(3);
    expect(dec.atFrameBoundary).toBe(false);
  });

  it('rejects an oversize header as soon as its length is read', () => {
    const dec = createStreamDecoder();
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(MAX_HEADER_BYTES + 1);
    expect(() => dec.push(prefix)).toThrow(FrameTooLargeError);
  });

  it('rejects an oversize payload before buffering it', () => {
    const dec = createStreamDecoder({ maxPayloadBytes: 1024 });
    const [header] = encodeFrame({ eof: {} }, [Buffer.alloc(2048)]);
    expect(() => dec.push(header!)).toThrow(FrameTooLargeError);
  });

  it('reports a malformed header as a protocol error, not as "need more bytes"', () => {
    const dec = createStreamDecoder();
    const garbage = Buffer.from([0, 0, 0, 3, 0xff, 0xff, 0xff]);
    expect(() => dec.push(garbage)).toThrow(ProtocolError);
  });

  it('rejects an HTTP request (a stray client) at once', () => {
    const dec = createStreamDecoder();
    expect(() => dec.push(Buffer.from('GET / HTTP/1.1\r\n\r\n'))).toThrow(FrameTooLargeError);
  });

  it('decodes return-path messages and refuses payloads on them', () => {
    const dec = createReturnPathDecoder();
    const frames = dec.push(Buffer.concat([encodeRpMessage({ switchoverAck: {} }), encodeRpMessage({ shut: { ok: true } })]));
    expect(frames.map((f) => f.message.body)).toEqual(['switchoverAck', 'shut']);
  });
});
