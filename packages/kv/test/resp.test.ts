/**
 * The kv request parser: a request is consumed only when complete, whatever
 * the chunking (forwarding after a switchover relies on the end offsets), and
 * bad input is a protocol error in Redis's words.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RespProtocolError, parseRequest } from '../src/resp';

function encode(args: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from(`*${args.length}\r\n`), ...args.flatMap((a) => [Buffer.from(`$${a.length}\r\n`), a, Buffer.from('\r\n')])]);
}

/** Feeds `wire` in the given chunk sizes, the way the server does; returns the requests and the bytes left. */
function feed(wire: Buffer, sizes: number[]): { reqs: string[][]; rest: number } {
  let buf = Buffer.alloc(0);
  const reqs: string[][] = [];
  let pos = 0;
  let k = 0;
  while (pos < wire.length) {
    const n = Math.max(1, sizes[k++ % sizes.length]!);
    buf = Buffer.concat([buf, wire.subarray(pos, pos + n)]);
    pos += n;
    let off = 0;
    for (let r = parseRequest(buf, off); r; r = parseRequest(buf, off)) {
      reqs.push(r.args.map((a) => a.toString('latin1')));
      off = r.end;
    }
    buf = buf.subarray(off);
  }
  return { reqs, rest: buf.length };
}

describe('kv RESP request parser', () => {
  it('parses pipelined requests split at any point, consuming only complete ones', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
        (cmds, sizes) => {
          const bufs = cmds.map((c) => c.map((a) => Buffer.from(a)));
          const wire = Buffer.concat(bufs.map(encode));
          const { reqs, rest } = feed(wire, sizes);
          expect(rest).toBe(0);
          expect(reqs).toEqual(bufs.map((c) => c.map((a) => a.toString('latin1'))));
          // A truncated stream leaves its last request unconsumed, as bytes.
          const cut = feed(wire.subarray(0, wire.length - 1), sizes);
          expect(cut.reqs.length).toBe(bufs.length - 1);
          expect(cut.rest).toBe(encode(bufs[bufs.length - 1]!).length - 1);
        },
      ),
      { seed: 1301, numRuns: 300 },
    );
  });

  it('parses inline commands (telnet style), CRLF or LF', () => {
    const r = parseRequest(Buffer.from('SET  a b\r\nGET a\n'), 0)!;
    expect(r.args.map(String)).toEqual(['SET', 'a', 'b']);
    expect(parseRequest(Buffer.from('SET  a b\r\nGET a\n'), r.end)!.args.map(String)).toEqual(['GET', 'a']);
  });

  it('rejects malformed requests with Redis protocol errors', () => {
    expect(() => parseRequest(Buffer.from('*1\r\n:5\r\n'), 0)).toThrow(new RespProtocolError("Protocol error: expected '$', got ':'"));
    expect(() => parseRequest(Buffer.from('*x\r\n'), 0)).toThrow('Protocol error: invalid multibulk length');
    expect(() => parseRequest(Buffer.from('*1\r\n$-5\r\n'), 0)).toThrow('Protocol error: invalid bulk length');
  });
});
