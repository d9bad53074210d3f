/**
 * In-process measurements that explain the end-to-end figures. Each runs in a
 * fresh child process (first-touch page-fault costs depend on the process's
 * history), repeated, median reported.
 *
 * - fill: the source's seeded RAM fill, the method in use (prng.ts fillSeeded)
 *   against the one it replaced (AES-CTR output copied in 4 MiB steps);
 * - prefault: the destination's memory preparation, touching one byte per
 *   page of calloc'd memory (RamDevice.prefault) against fill(0) of
 *   allocUnsafeSlow memory (the old start-up);
 * - zero-scan: zero-page detection *by content* (RamScanner over zero pages
 *   that were written, so every page is read and compared), i.e. what the
 *   zero-RAM figure would cost without the never-written shortcut;
 * - digest: verify's hashing of random RAM, the unit digest in use (XXH64 per
 *   16 KiB, RamDevice.digest()) against the JS word hash per page it replaced.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { median, round } from './stats.mjs';

const COMMON = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'packages', 'common', 'dist', 'index.js');

async function child(kind, bytes) {
  const p = fork(fileURLToPath(import.meta.url), ['--child', kind, String(bytes)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const [msg] = await once(p, 'message');
  await once(p, 'exit');
  return msg.ms;
}

export async function micro(bytes, reps) {
  const out = {};
  for (const kind of ['fill-new', 'fill-old', 'prefault-new', 'prefault-old', 'zero-scan', 'digest-new', 'digest-old']) {
    const runs = [];
    for (let i = 0; i < reps; i++) runs.push(await child(kind, bytes));
    out[kind] = round(median(runs), 1);
  }
  const perGiB = (ms) => round((ms * 1024 ** 3) / bytes);
  return {
    bytes,
    fillMsPerGiB: { now: perGiB(out['fill-new']), before: perGiB(out['fill-old']) },
    prefaultMsPerGiB: { now: perGiB(out['prefault-new']), before: perGiB(out['prefault-old']) },
    zeroScanByContent: { msPerGiB: perGiB(out['zero-scan']), bytesPerSecond: round((bytes * 1000) / out['zero-scan']) },
    digestMsPerGiB: { now: perGiB(out['digest-new']), before: perGiB(out['digest-old']) },
  };
}

async function runChild(kind, bytes) {
  // Internals measured in process (not part of any public layer): each from its own module.
  const dist = (m) => import(join(COMMON, '..', m));
  const common = Object.assign(
    {},
    ...(await Promise.all(['prng.js', 'device-spec.js', 'digest.js', 'dirty-bitmap.js', 'devices/ram.js', 'devices/ram-blocks.js', 'devices/ram-scanner.js', 'devices/builtins.js'].map(dist))),
  );
  const { createCipheriv, createHash } = await import('node:crypto');
  let t0;
  switch (kind) {
    case 'fill-new': {
      const buf = Buffer.alloc(bytes);
      t0 = performance.now();
      common.fillSeeded(buf, 1, 'bench');
      break;
    }
    case 'fill-old': {
      const buf = Buffer.allocUnsafeSlow(bytes);
      t0 = performance.now();
      const key = createHash('sha256').update('livemig:bench:1').digest();
      const cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
      const step = 4 * 1024 * 1024;
      const zeros = Buffer.alloc(step);
      for (let off = 0; off < bytes; off += step) cipher.update(zeros.subarray(0, Math.min(step, bytes - off))).copy(buf, off);
      break;
    }
    case 'prefault-new': {
      const ram = new common.RamDevice(common.parseDeviceSpec(`ram,id=ram0,size=${bytes}`), 'destination');
      t0 = performance.now();
      while (ram.prefault(4 * 1024 * 1024) > 0);
      break;
    }
    case 'prefault-old': {
      const buf = Buffer.allocUnsafeSlow(bytes);
      t0 = performance.now();
      buf.fill(0);
      break;
    }
    case 'zero-scan': {
      const pages = bytes / 4096;
      const memory = new common.RamBlocks(bytes, 4096);
      for (let p = 0; p < pages; p++) memory.touch(p); // resident, like written-then-zeroed RAM
      const toSend = new common.DirtyBitmap(pages);
      const written = new common.DirtyBitmap(pages);
      toSend.setAll();
      written.setAll(); // every page "may hold data": detection must read it
      const scanner = new common.RamScanner({ memory, toSend, written });
      t0 = performance.now();
      let zero = 0;
      for (let b = scanner.next({ maxNormalPages: 256, maxRuns: 2048, maxZeroPages: 256 * 1024 }); b; b = scanner.next({ maxNormalPages: 256, maxRuns: 2048, maxZeroPages: 256 * 1024 })) zero += b.zeroPages;
      if (zero !== pages) throw new Error(`zero scan found ${zero} of ${pages} zero pages`);
      break;
    }
    case 'digest-new':
    case 'digest-old': {
      const ram = new common.RamDevice(common.parseDeviceSpec(`ram,id=ram0,size=${bytes},fill=random`), 'source');
      t0 = performance.now();
      if (kind === 'digest-new') ram.digest();
      else {
        // The micro sizes fit one RAM block (1 GiB): its words are the whole device.
        const words = ram.memory.words[0];
        const out = new Uint32Array((bytes / 4096) * 2);
        for (let p = 0; p < bytes / 4096; p++) common.hashWords(words, p * 1024, (p + 1) * 1024, out, p * 2);
      }
      break;
    }
    default:
      throw new Error(`unknown micro bench ${kind}`);
  }
  process.send({ ms: performance.now() - t0 });
}

if (process.argv[2] === '--child') await runChild(process.argv[3], Number(process.argv[4]));
