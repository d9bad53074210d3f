#!/usr/bin/env node
// Regenerates packages/common/generated/messages.{js,d.ts} from proto/*.proto with
// protobufjs-cli. `--check` regenerates into a temp dir and fails if the committed
// files differ, so CI notices a .proto edited without regenerating. A passed check
// leaves a stamp (a hash of everything the result depends on) in node_modules/.cache,
// so an unchanged tree is not regenerated on every `npm test` (~2.5 CPU-s of pbjs/pbts).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'packages/common/generated');
const protos = readdirSync(join(root, 'proto')).filter((f) => f.endsWith('.proto')).map((f) => join(root, 'proto', f));
const bin = (name) => join(root, 'node_modules/.bin', name);

function generate(dir) {
  const js = join(dir, 'messages.js');
  execFileSync(bin('pbjs'), ['-t', 'static-module', '-w', 'commonjs', '--no-verify', '--no-convert', '--no-delimited', '-o', js, ...protos], { stdio: 'inherit' });
  execFileSync(bin('pbts'), ['-o', join(dir, 'messages.d.ts'), js], { stdio: 'inherit' });
}

/** The inputs (protos, this script, the locked generator versions) and the committed outputs. */
function checkStamp() {
  const h = createHash('sha256');
  const files = [fileURLToPath(import.meta.url), join(root, 'package-lock.json'), ...protos, join(outDir, 'messages.js'), join(outDir, 'messages.d.ts')];
  for (const f of files) h.update(`${f}\0`).update(readFileSync(f)).update('\0');
  return h.digest('hex');
}
const stampFile = join(root, 'node_modules/.cache/livemig/proto-check.sha256');

if (process.argv.includes('--check')) {
  const stamp = checkStamp();
  let last = '';
  try {
    last = readFileSync(stampFile, 'utf8');
  } catch {
    // no stamp yet: check for real
  }
  if (last === stamp) {
    console.log('generated protobuf code is current (nothing it depends on changed since the last check)');
    process.exit(0);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'livemig-proto-'));
  try {
    generate(tmp);
    for (const f of ['messages.js', 'messages.d.ts']) {
      if (readFileSync(join(tmp, f), 'utf8') !== readFileSync(join(outDir, f), 'utf8')) {
        console.error(`packages/common/generated/${f} is stale: run npm run gen:proto`);
        process.exit(1);
      }
    }
    mkdirSync(dirname(stampFile), { recursive: true });
    writeFileSync(stampFile, stamp);
    console.log('generated protobuf code is current');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
} else {
  generate(outDir);
}
