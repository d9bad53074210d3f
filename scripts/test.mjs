#!/usr/bin/env node
// `npm test`: the protobuf check and the build first (vitest's end-to-end files run the
// built daemons), then vitest and the type-check of the test sources side by side. The
// type-check is ~5 CPU-s that vitest's first half has room for; run one after the other they
// were ~4 s more of wall time. It is skipped when its inputs are those of the last passed
// check (typecheckStamp). Both always run to
// the end; the exit status fails if either failed (the type-check's errors are printed
// after vitest's summary, so they are the last thing on screen).
//
//   node scripts/test.mjs [vitest args...]     (npm test -- test/kv.test.ts)
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** Runs a command to its end; resolves its exit code (a signal counts as failure). */
function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
    let out = '';
    if (opts.stdio?.[1] === 'pipe') {
      p.stdout.setEncoding('utf8').on('data', (t) => (out += t));
      p.stderr.setEncoding('utf8').on('data', (t) => (out += t));
    }
    p.on('error', (err) => {
      out += `${cmd}: ${err.message}\n`;
      resolve({ code: 1, out });
    });
    p.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), out }));
  });
}

/** The .ts files under dir (recursively). */
function tsFilesUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

/**
 * The type-check's inputs, by content: the test sources, the packages' sources and
 * declarations they import, the generated code, the tsconfigs and the lockfile (the
 * compiler and @types). A passed check leaves this in node_modules/.cache, as the protobuf
 * check does, so an unchanged tree is not checked again (~5 CPU-s of parsing 660 files:
 * tsc's own incremental mode still parses them all).
 */
function typecheckStamp() {
  const h = createHash('sha256');
  const files = [
    ...['tsconfig.json', 'tsconfig.base.json', 'tsconfig.test.json', 'package-lock.json'].map((f) => join(root, f)),
    ...tsFilesUnder(join(root, 'test')),
    ...tsFilesUnder(join(root, 'packages')),
  ].sort();
  for (const f of files) h.update(`${f}\0`).update(readFileSync(f)).update('\0');
  return h.digest('hex');
}
const STAMP = join(root, 'node_modules', '.cache', 'livemig', 'typecheck-tests.sha256');

async function step(name, cmd, args) {
  const { code } = await run(cmd, args);
  if (code !== 0) {
    process.stderr.write(`npm test: ${name} failed (exit ${code})\n`);
    process.exit(code);
  }
}

await step('the protobuf check', process.execPath, [join(root, 'scripts', 'gen-proto.mjs'), '--check']);
await step('the build', 'npm', ['run', '-s', 'build']);
const stamp = typecheckStamp();
const checked = existsSync(STAMP) && readFileSync(STAMP, 'utf8') === stamp;
const typecheck = checked ? Promise.resolve({ code: 0, out: '' }) : run(bin('tsc'), ['-p', 'tsconfig.test.json'], { stdio: ['ignore', 'pipe', 'pipe'] });
const tests = await run(bin('vitest'), ['run', '--reporter=default', '--reporter=./scripts/summary-reporter.mjs', ...process.argv.slice(2)]);
const types = await typecheck;
if (types.code !== 0) process.stderr.write(`\nnpm test: the type-check of the tests failed (tsc -p tsconfig.test.json):\n${types.out}`);
else if (!checked) {
  mkdirSync(dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, stamp);
}
process.exit(tests.code !== 0 ? tests.code : types.code);
