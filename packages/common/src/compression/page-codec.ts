/**
 * The page codecs of `multifd-compression` (QEMU multifd-zlib.c / multifd-zstd.c):
 * one packet's normal pages, concatenated, in and out of one compressed unit.
 * Pure and synchronous: it runs inside the compression workers
 * (compression-worker.ts), except inflateZstdPacket, which a destination runs
 * on a channel's thread (~0.6 ms for a 512 KiB packet).
 *
 * zlib: Node's own (raw deflate, no zlib header: the frame already says what
 * it is). zstd: zstd-codec.ts (zstd-napi, or the prebuilt fallback), one frame
 * per packet at the given level, written into the caller's buffer (recycled
 * by the pool: no allocation per packet). Decompression is bounded by the
 * length the packet's runs announce, so a hostile packet cannot make a thread
 * allocate or write without limit: zlib stops at that length; a zstd packet
 * must be exactly one frame whose block headers (walked before anything is
 * inflated: the encoder does not write the content size) cannot regenerate
 * more than 16× it, and it inflates into a buffer of exactly that length; and
 * the result must have exactly that length.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { compressedCapacity, zstdCodec } from './zstd-codec';

export type CompressionMethod = 'zlib' | 'zstd';

/**
 * Compresses `input` into `out` when the method can (zstd; `out` must hold
 * compressedCapacity(input.length); a new one without it), returning `out`
 * cut to the frame; zlib returns a buffer of its own.
 */
export function compressPages(method: CompressionMethod, level: number, input: Uint8Array, out?: Buffer): Buffer {
  if (method === 'zlib') return deflateRawSync(input, { level });
  const dst = out ?? Buffer.allocUnsafe(compressedCapacity(input.length));
  return dst.subarray(0, zstdCodec().compressInto(level, dst, input));
}

/**
 * Inflates a packet to exactly `expected` bytes, into `out` (at least that
 * long) for zstd, a buffer of its own for zlib; throws (a plain Error with the
 * reason) otherwise (a new `out` without it).
 */
export function decompressPages(method: CompressionMethod, input: Uint8Array, expected: number, out: Buffer = Buffer.allocUnsafe(expected)): Buffer {
  let result: Buffer;
  if (method === 'zlib') {
    try {
      result = inflateRawSync(input, { maxOutputLength: Math.max(1, expected), chunkSize: Math.max(64, expected) });
    } catch (err) {
      throw new Error(`zlib packet does not inflate to ${expected} bytes: ${(err as Error).message}`);
    }
  } else {
    checkZstdPacket(input, expected);
    if (out.length < expected) throw new Error(`zstd packet of ${expected} bytes: output buffer of ${out.length}`);
    let n: number;
    try {
      n = zstdCodec().decompressInto(out.subarray(0, expected), input);
    } catch (err) {
      throw new Error(`zstd packet does not decode to ${expected} bytes: ${(err as Error).message}`);
    }
    result = out.subarray(0, n);
  }
  if (result.length !== expected) throw new Error(`${method} packet inflates to ${result.length} bytes, its runs describe ${expected}`);
  return result;
}

/**
 * Inflates a zstd packet on the calling thread into `dst` (exactly `expected`
 * bytes long, e.g. guest memory), after the same checks as decompressPages.
 */
export function inflateZstdPacket(dst: Buffer, src: Uint8Array, expected: number): void {
  checkZstdPacket(src, expected);
  if (dst.length !== expected) throw new Error(`zstd packet of ${expected} bytes: output of ${dst.length}`);
  let n: number;
  try {
    n = zstdCodec().decompressInto(dst, src);
  } catch (err) {
    throw new Error(`zstd packet does not decode to ${expected} bytes: ${(err as Error).message}`);
  }
  if (n !== expected) throw new Error(`zstd packet inflates to ${n} bytes, its runs describe ${expected}`);
}

/** Throws unless `input` is exactly one zstd frame that may regenerate `expected` bytes (and not many times more). */
export function checkZstdPacket(input: Uint8Array, expected: number): void {
  const bound = zstdInflateBound(input);
  if (bound === null) throw new Error('zstd packet is not one well-formed zstd frame');
  if (bound < expected || bound > MAX_INFLATE_FACTOR * expected + ZSTD_BLOCK_MAX) {
    throw new Error(`zstd packet can regenerate at most ${bound} bytes, its runs describe ${expected}`);
  }
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
