/**
 * Fault injection, part 1: the destination crashes (SIGKILL) or resets the
 * connection, at every phase of the migration. Harness: helpers/fault-harness.ts.
 */
import { afterAll, describe, it } from 'vitest';
import { killAll } from './helpers/daemons';
import { expectedDigests, printFaultSummary, runFaultCase, type FaultCase } from './helpers/fault-harness';

// The cases run concurrently (each kills its own daemons when it ends: runFaultCase);
// killAll is the backstop.
afterAll(killAll);
afterAll(() => printFaultSummary('connection'));

const expected = expectedDigests();

const PHASES: Array<Omit<FaultCase, 'fault'> & { name: string }> = [
  { name: 'setup (auth challenge)', point: 'header', auth: true, phase: /during setup/ },
  { name: 'precopy', point: 'section', phase: /during precopy/ },
  { name: 'waiting for switchover-ack', point: 'ack-wait', phase: /during precopy \(waiting for switchover-ack\)/ },
  { name: 'stop-and-copy', point: 'switchover', phase: /during (stop-and-copy|switchover)/ },
  { name: 'verification (after EOF)', point: 'eof', phase: /during switchover \(final load and verification/ },
];

describe.concurrent('destination killed (SIGKILL)', () => {
  for (const p of PHASES) {
    it(`at ${p.name}: source fails, resumes, state intact; a fresh destination takes the next migration`, async () => {
      await runFaultCase({ ...p, fault: 'kill' }, expected);
    });
  }
  it('after the commit (RESUME received): the source fails but stays paused, state intact', async () => {
    await runFaultCase({ fault: 'kill', point: 'resume', phase: /destination resuming/, afterCommit: true }, expected);
  });
});

describe.concurrent('connection reset by the destination', () => {
  for (const p of PHASES) {
    it(`at ${p.name}: both ends fail cleanly; the same destination takes the next migration`, async () => {
      await runFaultCase({ ...p, fault: 'reset' }, expected);
    });
  }
});
