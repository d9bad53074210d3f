/**
 * The page codecs of `multifd-compression` (QEMU multifd-zlib.c / multifd-zstd.c):
 * one packet's normal pages, concatenated, in and out of one compressed unit.
 * Pure and synchronous: it runs inside the compression workers
 * (compression-worker.ts), never on a daemon's event loop.
 *
 * zlib: Node's own (raw deflate, no zlib header: the frame already says what
 * it is). zstd: @toondepauw/node-zstd, a Node-API binding of libzstd whose
 * prebuilt binaries ship inside its npm packages (docs/PERFORMANCE.md says why
 * this one). Decompression is bounded by the length the packet's runs
 * announce, so a hostile packet cannot make a worker allocate without limit:
 * zlib stops at that length; a zstd packet must be exactly one frame whose
 * block headers (walked before anything is inflated: the binding's encoder
 * does not write the content size) cannot regenerate more than 16× it; and the
 * result must have exactly that length.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Decoder, Encoder } from '@toondepauw/node-zstd';

export type CompressionMethod = 'zlib' | 'zstd';

const encoders = new Map<number, Encoder>();
let decoder: Decoder | null = null;
/** The binding is loaded at the first zstd packet (in a worker), not by every daemon that imports the wire layer. */
let zstd: typeof import('@toondepauw/node-zstd') | null = null;
const zstdBinding = (): typeof import('@toondepauw/node-zstd') => (zstd ??= require('@toondepauw/node-zstd') as typeof import('@toondepauw/node-zstd'));

export function compressPages(method: CompressionMethod, level: number, input: Uint8Array): Buffer {
  if (method === 'zlib') return deflateRawSync(input, { level });
  let enc = encoders.get(level);
  if (!enc) encoders.set(level, (enc = new (zstdBinding().Encoder)(level)));
  return enc.encodeSync(asBuffer(input));
}

/** Inflates a packet to exactly `expected` bytes; throws (a plain Error with the reason) otherwise. */
export function decompressPages(method: CompressionMethod, input: Uint8Array, expected: number): Buffer {
  let out: Buffer;
  if (method === 'zlib') {
    try {
      out = inflateRawSync(input, { maxOutputLength: Math.max(1, expected), chunkSize: Math.max(64, expected) });
    } catch (err) {
      throw new Error(`zlib packet does not inflate to ${expected} bytes: ${(err as Error).message}`);
    }
  } else {
    const bound = zstdInflateBound(input);
    if (bound === null) throw new Error('zstd packet is not one well-formed zstd frame');
    if (bound < expected || bound > MAX_INFLATE_FACTOR * expected + ZSTD_BLOCK_MAX) {
      throw new Error(`zstd packet can regenerate at most ${bound} bytes, its runs describe ${expected}`);
    }
    decoder ??= new (zstdBinding().Decoder)();
    try {
      out = decoder.decodeSync(asBuffer(input));
    } catch (err) {
      throw new Error(`zstd packet does not decode: ${(err as Error).message}`);
    }
  }
  if (out.length !== expected) throw new Error(`${method} packet inflates to ${out.length} bytes, its runs describe ${expected}`);
  return out;
}

/** A zstd block regenerates at most this much (RFC 8878 Block_Maximum_Size). */
const ZSTD_BLOCK_MAX = 128 * 1024;
/** A packet may not claim to regenerate more than this many times what its runs describe. */
const MAX_INFLATE_FACTOR = 16;

/**
 * The most bytes a single zstd frame can regenerate, from its headers only
 * (RFC 8878 §3.1.1): raw and RLE blocks regenerate their Block_Size, a
 * compressed block at most Block_Maximum_Size; or null if `b` is not exactly
 * one frame (a second frame or trailing bytes are refused).
 */
export function zstdInflateBound(b: Uint8Array): number | null {
  if (b.length < 6 || b[0] !== 0x28 || b[1] !== 0xb5 || b[2] !== 0x2f || b[3] !== 0xfd) return null;
  const fhd = b[4]!;
  const singleSegment = (fhd >>> 5) & 1;
  if ((fhd & 0x08) !== 0) return null; // reserved bit
  const checksum = (fhd >>> 2) & 1;
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fhd >>> 6]!;
  let at = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][fhd & 3]! + fcsBytes;
  let bound = 0;
  for (;;) {
    if (at + 3 > b.length) return null;
    const h = b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
    at += 3;
    const last = h & 1;
    const type = (h >>> 1) & 3;
    const size = h >>> 3;
    if (type === 0) {
      bound += size;
      at += size;
    } else if (type === 1) {
      bound += size;
      at += 1;
    } else if (type === 2) {
      if (size > ZSTD_BLOCK_MAX) return null;
      bound += ZSTD_BLOCK_MAX;
      at += size;
    } else return null;
    if (at > b.length) return null;
    if (last) break;
  }
  at += checksum ? 4 : 0;
  return at === b.length ? bound : null;
}

function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}
