import { defineConfig } from 'vitest/config';
import DurationSequencer from './scripts/test-sequencer.mjs';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Three files at a time on two cores: the end-to-end files spend much of their time
    // waiting (on peers, stall-timeouts, alloc-ms, rate limits), not on the CPU, and a
    // third file fills that idle time (docs: README "Tests"). Files run longest first
    // (vitest orders by the durations it cached from the last run).
    maxWorkers: 3,
    // Longest first, from vitest's cached durations or, in a fresh clone, test/durations.json.
    sequence: { sequencer: DurationSequencer },
    projects: [
      // In-process unit tests: no daemons, no global state left behind, so one worker
      // runs many files without a fresh process (and module load) for each.
      { extends: true, test: { name: 'unit', include: ['packages/*/test/**/*.test.ts'], isolate: false } },
      // Real daemons as child processes over loopback: each file in its own worker. (Shared
      // workers, isolate: false, saved ~0.2 CPU-s a file but made files depend on which ran
      // before them in the worker: device-contract then found no 'kv' type registered.)
      { extends: true, test: { name: 'e2e', include: ['test/**/*.test.ts'] } },
    ],
  },
});
