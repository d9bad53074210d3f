/**
 * The bandwidth estimate with multifd-compression, end to end: a small RAM
 * (8 MiB of a real binary) under a dirtying workload is out in one or two
 * measuring windows, and from then on the link is mostly idle. The
 * compression workers used to start during the first round: their start-up
 * counted as link time with ~30 bytes out, the estimate fell to ~300 B/s and
 * stayed there (every later window too idle to replace it), and precopy never
 * converged (2-3 runs in 5). The deterministic case is the meter's unit test
 * (packages/source/test/convergence.test.ts); this one runs the real daemons,
 * five migrations in a row (the old build failed 1-3 runs in 5).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { killAll, startDestination, startSource } from './helpers/daemons';

afterEach(killAll);

const machine = ['--device', `ram,id=ram0,size=8M,fill=file:${process.execPath}`];
const caps = ['--caps', 'multifd,return-path,verify'];
const params = ['--param', 'multifd-compression=zstd'];
/** Loopback moves tens of MB/s even on a loaded machine; the collapse was ~300 B/s. */
const MIN_BANDWIDTH = 1024 * 1024;

describe('multifd-compression bandwidth estimate', () => {
  it('8 MiB of fill=file: RAM with zstd under dirty-rate=4M converges, the estimate stays at link speed (5 runs)', async () => {
    for (let run = 0; run < 5; run++) {
      const { d: dst, uri } = await startDestination([...machine, ...caps, ...params, '--exit-on-complete']);
      // A collapsed estimate never converges: fail in 10 s rather than at the test timeout.
      const src = startSource([...machine, ...caps, ...params, '--param', 'timeout=10000', '--workload', 'dirty-rate=4M', '--migrate-to', uri]);
      const [s, d] = await Promise.all([src.exited, dst.exited]);
      const summary = src.summary();
      expect(summary.status, `run ${run}: ${String(summary['error-desc'])}`).toBe('completed');
      expect(s.code, src.stderrText.slice(-2000)).toBe(0);
      expect(d.code, dst.stderrText.slice(-2000)).toBe(0);
      expect(summary['bandwidth-bytes-per-second'] as number, `run ${run}`).toBeGreaterThan(MIN_BANDWIDTH);
      expect(summary.verified).toBe(true);
    }
  });
});
