/**
 * Fault injection, part 2: the destination stalls (SIGSTOP: the kernel keeps
 * the connection, the peer says nothing) at every phase; the source's
 * stall-timeout watchdog (PING/PONG on the return path, write progress without
 * it) must fail the migration. After SIGCONT the destination notices the
 * dropped connection, discards the state (never resumes a machine the source
 * took back) and takes the next migration.
 */
import { afterAll, describe, it } from 'vitest';
import { killAll } from './helpers/daemons';
import { expectedDigests, printFaultSummary, runFaultCase } from './helpers/fault-harness';

// The cases run concurrently: each mostly waits (a stall-timeout, then a second
// migration) and kills its own daemons when it ends; killAll is the backstop.
afterAll(killAll);
afterAll(() => printFaultSummary('stall'));

const expected = expectedDigests();

describe.concurrent('destination stalled (alive but silent)', () => {
  it('at setup (auth challenge never comes)', async () => {
    await runFaultCase({ fault: 'stall', point: 'header', auth: true, phase: /waiting for the authentication challenge/ }, expected);
  });
  it('at precopy', async () => {
    await runFaultCase({ fault: 'stall', point: 'section', phase: /no return-path traffic .* during precopy/ }, expected);
  });
  it('while the source waits for switchover-ack', async () => {
    await runFaultCase({ fault: 'stall', point: 'ack-wait', phase: /during precopy \(waiting for switchover-ack\)/ }, expected);
  });
  it('at stop-and-copy', async () => {
    await runFaultCase({ fault: 'stall', point: 'switchover', phase: /during (stop-and-copy|switchover)/ }, expected);
  });
  it('at verification (after EOF)', async () => {
    await runFaultCase({ fault: 'stall', point: 'eof', phase: /during switchover \(final load and verification/ }, expected);
  });
  it('loaded and verified, before LOADED: after SIGCONT it must not resume (no second running copy)', async () => {
    await runFaultCase({ fault: 'stall', point: 'loaded', phase: /during switchover \(final load and verification/ }, expected);
  });
  it('after the commit: the source stays paused; the destination runs the machine', async () => {
    await runFaultCase({ fault: 'stall', point: 'resume', phase: /destination resuming/, afterCommit: true }, expected);
  });
  it('without return-path: detected by the lack of write progress / confirmation', async () => {
    await runFaultCase({ fault: 'stall', point: 'section', caps: 'verify', phase: /made no write progress|waiting for the destination to confirm/ }, expected);
  });
});
