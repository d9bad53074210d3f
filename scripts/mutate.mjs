// `npm run mutate [-- [--group NAME]... STRYKER-OPTIONS]`: StrykerJS on the
// protocol core (stryker.config.mjs), one run per group (all groups unless
// --group names some), at low CPU priority (the machine is shared), then the
// score per module (mutate-report.mjs). Exits non-zero when a group's score is
// under thresholds.break (85%), any module is under 85% (the report), or a run failed.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GROUPS } from '../stryker.config.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
// The package exports no bin/ subpath: find its bin next to its package.json.
const stryker = join(dirname(require.resolve('@stryker-mutator/core/package.json')), 'bin', 'stryker.js');

const groups = [];
const rest = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--group') groups.push(argv[++i]);
  else rest.push(argv[i]);
}
for (const g of groups) {
  if (!(g in GROUPS)) {
    console.error(`--group ${g}: not one of ${Object.keys(GROUPS).join(', ')}`);
    process.exit(2);
  }
}
// nice is POSIX; where it is missing Stryker simply runs at normal priority.
const useNice = process.platform !== 'win32' && spawnSync('nice', ['true']).status === 0;
let failed = 0;
for (const group of groups.length > 0 ? groups : Object.keys(GROUPS)) {
  console.log(`\n== mutate: group ${group} ==`);
  const args = [stryker, 'run', ...rest];
  const run = spawnSync(useNice ? 'nice' : process.execPath, useNice ? ['-n', '10', process.execPath, ...args] : args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, LIVEMIG_MUTATE_GROUP: group },
  });
  if (run.status !== 0) failed++;
}
const report = spawnSync(process.execPath, [fileURLToPath(new URL('./mutate-report.mjs', import.meta.url))], { cwd: root, stdio: 'inherit' });
process.exit(failed > 0 ? 1 : (report.status ?? 1));
