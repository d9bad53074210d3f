// The order vitest starts test files in (vitest.config.mts `sequence.sequencer`): longest
// first, so the last files to start are short ones and the workers end together. vitest's
// own sequencer does this from the durations it cached in node_modules/.vite, but a fresh
// clone (CI) has none and falls back to file size, which says little here (a short file of
// concurrent cases can take 5 s, a small one of slow cases 20 s). So files without a cached
// duration take theirs from test/durations.json, the committed durations of a recent run
// (`node scripts/test-durations.mjs` rewrites it from the cache). Failed files still go
// first, and projects keep vitest's order.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BaseSequencer } from 'vitest/node';

function committedDurations(root) {
  try {
    return JSON.parse(readFileSync(join(root, 'test', 'durations.json'), 'utf8'));
  } catch {
    return {};
  }
}

export default class DurationSequencer extends BaseSequencer {
  async sort(files) {
    const { cache, config } = this.ctx;
    const committed = committedDurations(config.root);
    const info = (spec) => {
      const key = `${spec.project.name}:${relative(config.root, spec.moduleId)}`;
      const cached = cache.getFileTestResults(key);
      return { failed: cached?.failed ?? false, duration: cached?.duration ?? committed[key] ?? 0 };
    };
    return [...files].sort((a, b) => {
      const groupOrder = a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder;
      if (groupOrder !== 0) return groupOrder;
      if (a.project.name !== b.project.name) return a.project.name < b.project.name ? -1 : 1;
      const [ia, ib] = [info(a), info(b)];
      if (ia.failed !== ib.failed) return ia.failed ? -1 : 1;
      return ib.duration - ia.duration;
    });
  }
}
