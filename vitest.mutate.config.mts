/**
 * The unit tests `npm run mutate` (Stryker, stryker.config.mjs) runs against
 * each mutant: the in-process tests of the protocol core, not the tests that
 * spawn the compiled daemons (those run dist/, where a mutant never is).
 * `@livemig/common/<layer>` normally resolves to the package's dist/; here it
 * is aliased to its TypeScript sources, so a mutant in a common module is seen
 * by the destination's and the source's tests too (and every test gets one
 * copy of each class, whichever way it imports it).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const layer = (name: string): string => fileURLToPath(new URL(`./packages/common/src/layers/${name}.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      ...['errors', 'wire', 'devices', 'control', 'cli', 'daemon'].map((name) => ({ find: new RegExp(`^@livemig/common/${name}$`), replacement: layer(name) })),
      { find: /^@livemig\/common\/testing$/, replacement: fileURLToPath(new URL('./packages/common/src/testing/index.ts', import.meta.url)) },
      { find: /^@livemig\/common$/, replacement: fileURLToPath(new URL('./packages/common/src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['packages/{common,destination,source}/test/**/*.test.ts'],
    exclude: [
      // Page compression runs in worker threads loaded from dist/: not in scope, and not mutable here.
      'packages/common/test/multifd-compression.test.ts',
      'packages/destination/test/compressed-sections.test.ts',
      // Not the protocol core (the control plane).
      'packages/common/test/qmp-*.test.ts',
      // Too slow to run once per mutant on two shared cores (18 s, 3 s and 4 s of real
      // sockets and timers): the mutants are killed by the deterministic unit tests.
      'packages/destination/test/incoming-fuzz.test.ts',
      'packages/destination/test/incoming-fuzz-return-path.test.ts',
      'packages/common/test/frame-decoder-fuzz.test.ts',
      'packages/source/test/outgoing-session.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
