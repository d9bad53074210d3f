/**
 * The zstd binding behind multifd-compression=zstd, picked once per thread.
 *
 * zstd-napi (an optionalDependency: it has no prebuilt binary on the npm
 * registry and builds with node-gyp at install) exposes libzstd's contexts, so
 * a thread keeps one compression and one decompression context and the caller
 * gives the output buffer: nothing is allocated per packet. When it cannot be
 * loaded (its build failed, or LIVEMIG_TEST_ZSTD_FALLBACK=1), the prebuilt
 * @toondepauw/node-zstd does the same work, allocating a context and an output
 * per packet, then copied into the caller's buffer (docs/PERFORMANCE.md has
 * the cost of each). Both write one plain zstd frame per packet (no content
 * size, no checksum), so either end may use either binding.
 *
 * Loaded at the first call, never at import: a daemon that does not use zstd
 * never loads a binding.
 */

/** One thread's zstd binding, with its contexts. */
export interface ZstdCodec {
  /** The package and version in use, e.g. 'zstd-napi 0.0.13' (for the log and the bench). */
  readonly name: string;
  /** True when it is the fallback binding (zstd-napi could not be loaded). */
  readonly fallback: boolean;
  /** Compresses `src` at `level` into `dst`; returns the frame's length. Throws if it does not fit. */
  compressInto(level: number, dst: Uint8Array, src: Uint8Array): number;
  /** Inflates one frame `src` into `dst`; returns the bytes it regenerated. Throws on a bad frame or one that does not fit. */
  decompressInto(dst: Uint8Array, src: Uint8Array): number;
}

/** Room for a compressed packet of `n` bytes, whatever the method (≥ ZSTD_compressBound and zlib's deflateBound). */
export function compressedCapacity(n: number): number {
  return n + (n >>> 7) + 1024;
}

/** The part of zstd-napi's low-level binding used here (declared here: the package is optional, its typings may be absent). */
interface NapiBinding {
  CCtx: new () => { compress(dst: Uint8Array, src: Uint8Array, level: number): number };
  DCtx: new () => { decompress(dst: Uint8Array, src: Uint8Array): number };
}
type ToonBinding = typeof import('@toondepauw/node-zstd');

function napiCodec(z: NapiBinding, version: string): ZstdCodec {
  const cctx = new z.CCtx();
  const dctx = new z.DCtx();
  return {
    name: `zstd-napi ${version}`,
    fallback: false,
    compressInto: (level, dst, src) => cctx.compress(dst, src, level),
    decompressInto: (dst, src) => dctx.decompress(dst, src),
  };
}

function toonCodec(z: ToonBinding, version: string): ZstdCodec {
  const encoders = new Map<number, InstanceType<ToonBinding['Encoder']>>();
  const decoder = new z.Decoder();
  const copyInto = (dst: Uint8Array, out: Buffer): number => {
    if (out.length > dst.length) throw new Error(`zstd output of ${out.length} bytes does not fit in ${dst.length}`);
    dst.set(out);
    return out.length;
  };
  return {
    name: `@toondepauw/node-zstd ${version}`,
    fallback: true,
    compressInto(level, dst, src) {
      let enc = encoders.get(level);
      if (!enc) encoders.set(level, (enc = new z.Encoder(level)));
      return copyInto(dst, enc.encodeSync(asBuffer(src)));
    },
    decompressInto: (dst, src) => copyInto(dst, decoder.decodeSync(asBuffer(src))),
  };
}

const versionOf = (pkg: string): string => (require(`${pkg}/package.json`) as { version: string }).version;

/** How the codec is chosen; tests give their own loader to see the fallback taken. */
export interface ZstdLoaders {
  napi(): NapiBinding;
  toon(): ToonBinding;
}

const defaultLoaders: ZstdLoaders = {
  napi: () => {
    if (process.env.LIVEMIG_TEST_ZSTD_FALLBACK === '1') throw new Error('LIVEMIG_TEST_ZSTD_FALLBACK=1');
    return require('zstd-napi/binding.js') as NapiBinding;
  },
  toon: () => require('@toondepauw/node-zstd') as ToonBinding,
};

/** A codec from zstd-napi when it loads, else from the fallback; `why` says why zstd-napi was not used. */
export function loadZstdCodec(loaders: ZstdLoaders = defaultLoaders): ZstdCodec & { why?: string } {
  try {
    return napiCodec(loaders.napi(), loaders === defaultLoaders ? versionOf('zstd-napi') : 'test');
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    return { ...toonCodec(loaders.toon(), loaders === defaultLoaders ? versionOf('@toondepauw/node-zstd') : 'test'), why };
  }
}

let codec: (ZstdCodec & { why?: string }) | null = null;

/** This thread's codec (loaded at the first call). */
export function zstdCodec(): ZstdCodec & { why?: string } {
  return (codec ??= loadZstdCodec());
}

function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** Logs, at debug, which binding this thread's zstd uses (and why not zstd-napi, if so); loads it. */
export function logZstdCodec(log: { debug(obj: object, msg: string): void }): void {
  const z = zstdCodec();
  log.debug(z.why ? { zstd: z.name, zstdNapiUnavailable: z.why } : { zstd: z.name }, 'zstd binding');
}
