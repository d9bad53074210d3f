#!/usr/bin/env node
// Regenerates packages/common/generated/messages.{js,d.ts} from proto/*.proto with
// protobufjs-cli. `--check` regenerates into a temp dir and fails if the committed
// files differ, so CI notices a .proto edited without regenerating.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, readdirSync } from 'node:fs';
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

if (process.argv.includes('--check')) {
  const tmp = mkdtempSync(join(tmpdir(), 'livemig-proto-'));
  try {
    generate(tmp);
    for (const f of ['messages.js', 'messages.d.ts']) {
      if (readFileSync(join(tmp, f), 'utf8') !== readFileSync(join(outDir, f), 'utf8')) {
        console.error(`packages/common/generated/${f} is stale: run npm run gen:proto`);
        process.exit(1);
      }
    }
    console.log('generated protobuf code is current');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
} else {
  generate(outDir);
}
