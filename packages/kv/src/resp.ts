/**
 * RESP2 on the server side: an incremental request parser and reply encoders.
 *
 * Hand-written rather than an npm parser because the server needs, for each
 * request, the byte offset where it ends: while the machine is stopped the
 * unexecuted requests stay as raw bytes, and after a switchover exactly those
 * bytes are forwarded to the destination (so nothing executes twice or not at
 * all). The npm RESP parsers (redis-parser, respjs) are client-side reply
 * parsers that consume whole chunks and expose no such offset.
 */

/** Longest inline request / bulk length we accept (Redis: proto-max-bulk-len 512M; inline 64K). */
const MAX_INLINE = 64 * 1024;
const MAX_BULK = 512 * 1024 * 1024;
const MAX_ARGS = 1024 * 1024;

export class RespProtocolError extends Error {}

/** One parsed request: its arguments (views of the input) and the offset just past it. */
export interface Request {
  readonly args: Buffer[];
  readonly end: number;
}

const CR = 13;
const LF = 10;

/** Reads a decimal integer from buf[start, crlf); NaN when it is not one. */
function readInt(buf: Buffer, start: number, end: number): number {
  if (start >= end) return NaN;
  let neg = false;
  let i = start;
  if (buf[i] === 45 /* - */) {
    neg = true;
    i++;
  }
  if (i >= end) return NaN;
  let n = 0;
  for (; i < end; i++) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) return NaN;
    n = n * 10 + c;
  }
  return neg ? -n : n;
}

/**
 * Parses one request starting at `off`. Returns null when the buffer holds
 * only part of it. Throws RespProtocolError (Redis's wording) on bad input.
 */
export function parseRequest(buf: Buffer, off: number): Request | null {
  if (off >= buf.length) return null;
  if (buf[off] !== 42 /* * */) return parseInline(buf, off);
  const lineEnd = buf.indexOf(CR, off);
  if (lineEnd < 0 || lineEnd + 1 >= buf.length) {
    if (buf.length - off > MAX_INLINE) throw new RespProtocolError('Protocol error: too big mbulk count string');
    return null;
  }
  if (buf[lineEnd + 1] !== LF) throw new RespProtocolError("Protocol error: expected '\\n'");
  const count = readInt(buf, off + 1, lineEnd);
  if (Number.isNaN(count) || count > MAX_ARGS) throw new RespProtocolError('Protocol error: invalid multibulk length');
  let p = lineEnd + 2;
  const args: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    if (p >= buf.length) return null;
    if (buf[p] !== 36 /* $ */) throw new RespProtocolError(`Protocol error: expected '$', got '${String.fromCharCode(buf[p]!)}'`);
    const e = buf.indexOf(CR, p);
    if (e < 0 || e + 1 >= buf.length) return null;
    const len = readInt(buf, p + 1, e);
    if (Number.isNaN(len) || len < 0 || len > MAX_BULK) throw new RespProtocolError('Protocol error: invalid bulk length');
    const start = e + 2;
    if (start + len + 2 > buf.length) return null;
    args.push(buf.subarray(start, start + len));
    p = start + len + 2;
  }
  return { args, end: p };
}

/** Inline commands (`PING\r\n`, as telnet or `redis-cli` piping text sends). */
function parseInline(buf: Buffer, off: number): Request | null {
  const nl = buf.indexOf(LF, off);
  if (nl < 0) {
    if (buf.length - off > MAX_INLINE) throw new RespProtocolError('Protocol error: too big inline request');
    return null;
  }
  const lineEnd = nl > off && buf[nl - 1] === CR ? nl - 1 : nl;
  const args: Buffer[] = [];
  let i = off;
  while (i < lineEnd) {
    while (i < lineEnd && (buf[i] === 32 || buf[i] === 9)) i++;
    if (i >= lineEnd) break;
    let j = i;
    while (j < lineEnd && buf[j] !== 32 && buf[j] !== 9) j++;
    args.push(buf.subarray(i, j));
    i = j;
  }
  return { args, end: nl + 1 };
}

// ---- replies ----

export const OK = Buffer.from('+OK\r\n');
export const PONG = Buffer.from('+PONG\r\n');
export const NIL = Buffer.from('$-1\r\n');
export const EMPTY_ARRAY = Buffer.from('*0\r\n');
const ZERO = Buffer.from(':0\r\n');
const ONE = Buffer.from(':1\r\n');

export function simple(s: string): Buffer {
  return Buffer.from(`+${s}\r\n`);
}
export function error(s: string): Buffer {
  return Buffer.from(`-${s}\r\n`);
}
export function integer(n: number): Buffer {
  if (n === 0) return ZERO;
  if (n === 1) return ONE;
  return Buffer.from(`:${n}\r\n`);
}

/** A bulk string reply as pieces: header, the value itself (not copied), CRLF. */
export function bulkPieces(v: Buffer | string, out: Buffer[]): void {
  const b = typeof v === 'string' ? Buffer.from(v) : v;
  out.push(Buffer.from(`$${b.length}\r\n`), b, CRLF);
}
export const CRLF = Buffer.from('\r\n');

/** A RESP value built from JS values: arrays, strings (bulk), numbers (integers), null. */
export type RespValue = string | number | Buffer | null | RespValue[];

export function encode(v: RespValue, out: Buffer[]): void {
  if (v === null) out.push(NIL);
  else if (typeof v === 'number') out.push(integer(v));
  else if (Array.isArray(v)) {
    out.push(Buffer.from(`*${v.length}\r\n`));
    for (const x of v) encode(x, out);
  } else bulkPieces(v, out);
}
