import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Integration tests run real daemons; two cores: keep the parallelism modest.
    maxWorkers: 2,
    pool: 'forks',
  },
});
