// @ts-check
/**
 * Mutation testing of the protocol core (`npm run mutate`, scripts/mutate.mjs):
 * StrykerJS breaks one expression at a time in the modules below and runs the
 * unit tests that cover it (vitest.mutate.config.mts); a mutant no test
 * notices is a gap in the suite. Not part of `npm test` (too slow for it).
 *
 * The scope is split into groups, one Stryker run each (its own incremental
 * file and JSON report under reports/), so a run stays short on two shared
 * cores and one group can be redone alone: LIVEMIG_MUTATE_GROUP picks the
 * group (scripts/mutate.mjs sets it; `npm run mutate -- --group wire`).
 * scripts/mutate-report.mjs prints the score per module over all groups.
 */

import { readFileSync } from 'node:fs';

/**
 * `FILE:FIRST-LAST`, the lines from one marker comment to the next: a range that
 * follows the file as it is edited (a fixed line range would drift onto other code).
 */
function between(file, from, to) {
  const lines = readFileSync(new URL(file, import.meta.url), 'utf8').split('\n');
  const first = lines.findIndex((l) => l.includes(from));
  const last = lines.findIndex((l, i) => i > first && l.includes(to));
  if (first < 0 || last < 0) throw new Error(`stryker.config.mjs: markers '${from}' … '${to}' not found in ${file}`);
  return `${file}:${first + 1}-${last}`;
}

/** The protocol core, where a silent break costs state. */
export const GROUPS = {
  // switchover-ack counting, the load phases and frame dispatch, the section
  // table, the final load and verify, the return path writer, the destination's auth
  destination: [
    'packages/destination/src/switchover-ack.ts',
    'packages/destination/src/load-phase.ts',
    'packages/destination/src/frame-dispatch.ts',
    'packages/destination/src/section-table.ts',
    'packages/destination/src/final-load.ts',
    'packages/destination/src/return-path-writer.ts',
    'packages/destination/src/destination-auth.ts',
  ],
  // the source's side of the commit handshake and of the switchover-ack gate,
  // the convergence test, the source's auth
  source: [
    'packages/source/src/destination-replies.ts',
    'packages/source/src/return-path-reader.ts',
    'packages/source/src/convergence.ts',
    'packages/source/src/source-auth.ts',
  ],
  // the frame decoder and encoder
  wire: ['packages/common/src/wire/frame-decoder.ts', 'packages/common/src/wire/frame-encoder.ts', 'packages/common/src/wire/codecs.ts', 'packages/common/src/wire/slice-cursor.ts'],
  // auth, control token, TLS options, origin check
  security: [
    'packages/common/src/security/auth.ts',
    'packages/common/src/security/control-auth.ts',
    'packages/common/src/security/origin-check.ts',
    'packages/common/src/security/secret-files.ts',
    'packages/common/src/security/tls-material.ts',
  ],
  // RAM: the load path of ram.ts (runs checked, pages copied, zero runs), the
  // save-side scanner, and the verify digests
  ram: [between('packages/common/src/devices/ram.ts', '// ---- load side ----', '// ---- verify ----'), 'packages/common/src/devices/ram-scanner.ts', 'packages/common/src/devices/ram-digest.ts', 'packages/common/src/digest.ts'],
};

const group = process.env.LIVEMIG_MUTATE_GROUP ?? 'destination';
if (!(group in GROUPS)) throw new Error(`LIVEMIG_MUTATE_GROUP=${group}: not one of ${Object.keys(GROUPS).join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutate.config.mts' },
  coverageAnalysis: 'perTest',
  // Two cores shared with other work: one test runner (`-- --concurrency 2` for more).
  concurrency: 1,
  mutate: GROUPS[/** @type {keyof typeof GROUPS} */ (group)],
  // Static mutants (module-level tables and constants) would each run every test
  // file: ~22 s apiece here, 15% of the mutants but two thirds of the time. They are
  // reported as Ignored (counted per module by mutate-report.mjs);
  // `npm run mutate -- --ignoreStatic false` tests them too.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `reports/stryker-incremental-${group}.json`,
  reporters: ['clear-text', 'progress-append-only', 'json'],
  clearTextReporter: { reportTests: false, reportMutants: false, logTests: false },
  jsonReporter: { fileName: `reports/mutation/${group}.json` },
  thresholds: { high: 90, low: 85, break: 85 },
  // A mutant that makes a loop endless is killed by the timeout (factor × the tests' own time + this).
  timeoutMS: 10_000,
  // What the sandbox copy leaves out (build output and reports are not inputs of the unit tests).
  ignorePatterns: ['dist', 'coverage', 'reports', '*.tsbuildinfo', 'bench-results.json'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
