/**
 * Fault injection, part 3: the user cancels (migrate_cancel) in every phase up
 * to the commit, and a verification mismatch (one bit flipped on the
 * destination, LIVEMIG_TEST_FAULT=corrupt@switchover) with and without a
 * return path.
 */
import { afterAll, afterEach, describe, it } from 'vitest';
import { killAll } from './helpers/daemons';
import { expectedDigests, printFaultSummary, runFaultCase } from './helpers/fault-harness';

afterEach(killAll);
afterAll(() => printFaultSummary('cancel'));

const expected = expectedDigests();

describe('source cancel (migrate_cancel)', () => {
  it('at setup (waiting for the auth challenge)', async () => {
    await runFaultCase({ fault: 'cancel', point: 'header', auth: true, phase: /./, statusAtFault: 'setup' }, expected);
  });
  it('at precopy', async () => {
    await runFaultCase({ fault: 'cancel', point: 'section', phase: /./, statusAtFault: 'active' }, expected);
  });
  it('while waiting for switchover-ack', async () => {
    await runFaultCase({ fault: 'cancel', point: 'ack-wait', phase: /./, statusAtFault: 'active' }, expected);
  });
  it('at stop-and-copy (machine stopped): the source resumes it', async () => {
    await runFaultCase({ fault: 'cancel', point: 'switchover', phase: /./, statusAtFault: 'device' }, expected);
  });
  it('after EOF, before the commit: still cancellable, the source resumes', async () => {
    await runFaultCase({ fault: 'cancel', point: 'eof', phase: /./, statusAtFault: 'device' }, expected);
  });
});

describe('verification mismatch', () => {
  it('with return-path: the destination refuses to resume, the source resumes', async () => {
    await runFaultCase({ fault: 'corrupt', point: 'switchover', phase: /destination failed: verification failed for '\w+'/ }, expected);
  });
  it('without return-path: the SHUT carrying the mismatch fails the source', async () => {
    await runFaultCase({ fault: 'corrupt', point: 'switchover', caps: 'verify', phase: /destination failed: verification failed/ }, expected);
  });
});
