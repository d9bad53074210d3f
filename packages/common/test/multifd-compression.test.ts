/** multifd-compression: the parameter, the page codecs (and their bounds on hostile input), the worker pool. */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { applyParameters, defaultParameters } from '../src/migration-config';
import { compressPages, decompressPages, zstdInflateBound } from '../src/compression/page-codec';
import { compressedCapacity, loadZstdCodec, zstdCodec } from '../src/compression/zstd-codec';
import { CompressionPool, parkCompressionPool, takeCompressionPool, warmCompressionPool } from '../src/compression/compression-pool';
import { RamDevice } from '../src/devices/ram';
import { parseDeviceSpec, type RamSpec } from '../src/device-spec';
import { ProtocolError } from '../src/errors';
import { livemig } from '../src/wire/messages';

/** Pages as real memory has them: text-like runs, repeats, some noise. */
function pages(n: number): Buffer {
  const b = Buffer.alloc(n * 4096);
  const words = ['mov', 'rax', 'call', 'ret', 'push', 'rbp', 'jmp', '0x0040'];
  let at = 0;
  let i = 0;
  while (at < b.length) {
    at += b.write(`${words[i % words.length]} ${(i * 2654435761) % 97} `, at);
    i++;
  }
  randomBytes(1024).copy(b, 4096 * 2);
  return b;
}

describe('multifd-compression parameter', () => {
  it('defaults to none and takes QEMU\'s names, from the CLI and from QMP', () => {
    expect(defaultParameters()['multifd-compression']).toBe('none');
    expect(defaultParameters()['multifd-zlib-level']).toBe(1);
    expect(defaultParameters()['multifd-zstd-level']).toBe(1);
    expect(applyParameters(defaultParameters(), { 'multifd-compression': 'zstd' })['multifd-compression']).toBe('zstd');
    expect(applyParameters(defaultParameters(), { 'multifd-compression': 'zlib', 'multifd-zlib-level': '6' })['multifd-zlib-level']).toBe(6);
  });
  it('refuses anything else, naming the parameter and the values', () => {
    expect(() => applyParameters(defaultParameters(), { 'multifd-compression': 'lz4' })).toThrow("Parameter 'multifd-compression' expects one of none, zlib, zstd, got 'lz4'");
    expect(() => applyParameters(defaultParameters(), { 'multifd-compression': 1 })).toThrow("Invalid parameter type for 'multifd-compression', expected: string");
    expect(() => applyParameters(defaultParameters(), { 'multifd-zstd-level': 21 })).toThrow(/multifd-zstd-level.*between 0 and 20/);
  });
});

describe('page codecs', () => {
  it.each(['zlib', 'zstd'] as const)('%s round-trips a packet and compresses real-ish pages', (method) => {
    const input = pages(64);
    const packed = compressPages(method, 1, input);
    expect(packed.length).toBeLessThan(input.length / 2);
    expect(decompressPages(method, packed, input.length).equals(input)).toBe(true);
  });

  it.each(['zlib', 'zstd'] as const)('%s refuses a packet that does not inflate to exactly what its runs describe', (method) => {
    const input = pages(16);
    const packed = compressPages(method, 1, input);
    expect(() => decompressPages(method, packed, input.length - 4096)).toThrow();
    expect(() => decompressPages(method, packed, input.length + 4096)).toThrow();
    expect(() => decompressPages(method, randomBytes(200), 4096)).toThrow();
  });

  it('bounds zstd before inflating: a frame that claims more than 16× its runs, trailing bytes or a second frame are refused', () => {
    const big = compressPages('zstd', 1, Buffer.alloc(8 * 1024 * 1024, 7)); // RLE blocks: a tiny packet, 8 MiB out
    expect(zstdInflateBound(big)).toBe(8 * 1024 * 1024);
    expect(() => decompressPages('zstd', big, 4096)).toThrow(/can regenerate at most 8388608 bytes, its runs describe 4096/);
    const one = compressPages('zstd', 1, pages(4));
    expect(zstdInflateBound(Buffer.concat([one, one]))).toBeNull();
    expect(zstdInflateBound(Buffer.concat([one, Buffer.from([0])]))).toBeNull();
    expect(zstdInflateBound(one.subarray(0, one.length - 1))).toBeNull();
    expect(zstdInflateBound(deflateRawSync(pages(1)))).toBeNull();
  });
});

describe('zstd binding', () => {
  // What the daemons do when zstd-napi (optional: built with node-gyp at install) is missing.
  const fallback = loadZstdCodec({
    napi: () => {
      throw new Error("Cannot find module 'zstd-napi/binding.js'");
    },
    toon: () => require('@toondepauw/node-zstd') as typeof import('@toondepauw/node-zstd'),
  });

  it('is zstd-napi here (installed with the project), with one context per thread', () => {
    const z = zstdCodec();
    expect(z.name).toMatch(/^zstd-napi \d+\.\d+\.\d+$/);
    expect(z.fallback).toBe(false);
    expect(zstdCodec()).toBe(z);
  });

  it('falls back to @toondepauw/node-zstd when zstd-napi cannot be loaded, saying why, and still round-trips into the given buffer', () => {
    expect(fallback.fallback).toBe(true);
    expect(fallback.name).toMatch(/^@toondepauw\/node-zstd/);
    expect(fallback.why).toContain("Cannot find module 'zstd-napi/binding.js'");
    const input = pages(128);
    const packed = Buffer.alloc(compressedCapacity(input.length));
    const n = fallback.compressInto(1, packed, input);
    expect(n).toBeLessThan(input.length / 2);
    const out = Buffer.alloc(input.length);
    expect(fallback.decompressInto(out, packed.subarray(0, n))).toBe(input.length);
    expect(out.equals(input)).toBe(true);
    // An output that does not fit is an error, never a write past the buffer.
    expect(() => fallback.decompressInto(Buffer.alloc(input.length - 4096), packed.subarray(0, n))).toThrow(/does not fit/);
  });

  it('writes the same wire format either way: each binding inflates the other\'s frames (one frame per packet, exactly what the runs describe)', () => {
    const napi = zstdCodec();
    for (const [from, to] of [
      [napi, fallback],
      [fallback, napi],
    ] as const) {
      const input = pages(128);
      const packed = Buffer.alloc(compressedCapacity(input.length));
      const frame = packed.subarray(0, from.compressInto(1, packed, input));
      expect(zstdInflateBound(frame)).not.toBeNull();
      const out = Buffer.alloc(input.length);
      expect(to.decompressInto(out, frame)).toBe(input.length);
      expect(out.equals(input)).toBe(true);
    }
  });

  it('inflates into the caller\'s buffer, cut to exactly the packet, and refuses a frame larger than it', () => {
    const input = pages(32);
    const frame = compressPages('zstd', 1, input);
    const out = Buffer.alloc(2 * input.length, 0xee);
    const pagesOut = decompressPages('zstd', frame, input.length, out);
    expect(pagesOut.buffer).toBe(out.buffer);
    expect(pagesOut.equals(input)).toBe(true);
    expect(out[input.length]).toBe(0xee); // nothing written past what the runs describe
    expect(() => decompressPages('zstd', frame, input.length - 4096, out)).toThrow(/does not decode to|inflates to/);
  });
});

describe('CompressionPool', () => {
  // The worker script is the built one (tests run the TypeScript sources; `npm test` builds dist/ first).
  const workerFile = join(__dirname, '..', 'dist', 'compression', 'compression-worker.js');

  it('compresses and inflates in worker threads, taking packet buffers over and reusing them', async () => {
    const pool = new CompressionPool({ threads: 2, workerFile });
    try {
      const input = pages(256);
      const jobs = Array.from({ length: 6 }, () => {
        const b = pool.packetBuffer(input.length);
        input.copy(b);
        return pool.compress('zstd', 1, b).then((packed) => {
          expect(b.length).toBe(0); // transferred to the worker
          const p = pool.packetBuffer(packed.length);
          packed.copy(p);
          return pool.decompress('zstd', p, input.length);
        });
      });
      for (const out of await Promise.all(jobs)) expect(out.equals(input)).toBe(true);
      await expect(pool.decompress('zlib', (() => { const p = pool.packetBuffer(64); p.fill(0xff); return p; })(), 4096)).rejects.toThrow(/zlib packet does not inflate/);
      // Only its own packet buffers may be given away (never a pooled Buffer's slab).
      await expect(pool.compress('zlib', 1, Buffer.alloc(16))).rejects.toThrow('not one of its packet buffers');
    } finally {
      await pool.close();
    }
  });

  it('keeps one warm pool between migrations: parked when idle and healthy, handed to the next taker of the same size', async () => {
    warmCompressionPool(2, workerFile);
    const first = takeCompressionPool(2, workerFile);
    expect(first.threads).toBe(2);
    const packed = await first.compress('zstd', 1, first.packetBuffer(4096));
    expect(packed.length).toBeGreaterThan(0);
    expect(first.spareBuffers).toBe(1); // the input came back with the reply
    first.recycle(packed); // the caller is done with the result: it serves the next packet
    expect(first.spareBuffers).toBe(2);
    first.recycle(Buffer.alloc(16)); // not one of its buffers: ignored
    expect(first.spareBuffers).toBe(2);
    parkCompressionPool(first);
    expect(first.spareBuffers).toBe(0); // an idle daemon keeps the threads, not the buffers
    // The same workers again (no start-up), and nothing parked any more while it is taken.
    const second = takeCompressionPool(2, workerFile);
    expect(second).toBe(first);
    const other = takeCompressionPool(2, workerFile);
    expect(other).not.toBe(first);
    await other.close();
    // A pool with work in flight is closed, not parked: a later taker gets a fresh one.
    // (The job itself may still finish before the workers end, or reject: either is fine.)
    const inFlight = second.compress('zstd', 1, second.packetBuffer(4096));
    expect(second.reusable).toBe(false);
    parkCompressionPool(second);
    await inFlight.catch(() => null);
    expect(second.reusable).toBe(false);
    const third = takeCompressionPool(2, workerFile);
    expect(third).not.toBe(second);
    // Another size: the parked pool is closed and a new one made.
    parkCompressionPool(third);
    const single = takeCompressionPool(1, workerFile);
    expect(single).not.toBe(third);
    expect(single.threads).toBe(1);
    expect(third.reusable).toBe(false);
    await single.close();
  });
});
