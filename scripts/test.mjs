#!/usr/bin/env node
// `npm test`: the protobuf check and the build first (vitest's end-to-end files run the
// built daemons), then vitest and the type-check of the test sources side by side. The
// type-check is ~4 CPU-s that vitest's first half, which mostly waits on its daemons, has
// room for; run one after the other they were ~4 s more of wall time. Both always run to
// the end; the exit status fails if either failed (the type-check's errors are printed
// after vitest's summary, so they are the last thing on screen).
//
//   node scripts/test.mjs [vitest args...]     (npm test -- test/kv.test.ts)
import { spawn } from 'node:child_process';
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

async function step(name, cmd, args) {
  const { code } = await run(cmd, args);
  if (code !== 0) {
    process.stderr.write(`npm test: ${name} failed (exit ${code})\n`);
    process.exit(code);
  }
}

await step('the protobuf check', process.execPath, [join(root, 'scripts', 'gen-proto.mjs'), '--check']);
await step('the build', 'npm', ['run', '-s', 'build']);
const typecheck = run(bin('tsc'), ['-p', 'tsconfig.test.json'], { stdio: ['ignore', 'pipe', 'pipe'] });
const tests = await run(bin('vitest'), ['run', '--reporter=default', '--reporter=./scripts/summary-reporter.mjs', ...process.argv.slice(2)]);
const types = await typecheck;
if (types.code !== 0) process.stderr.write(`\nnpm test: the type-check of the tests failed (tsc -p tsconfig.test.json):\n${types.out}`);
process.exit(tests.code !== 0 ? tests.code : types.code);
