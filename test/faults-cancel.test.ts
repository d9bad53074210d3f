/**
 * Fault injection, part 3: the user cancels (migrate_cancel) in every phase up
 * to the commit, and a verification mismatch (one bit flipped on the
 * destination, LIVEMIG_TEST_FAULT=corrupt@switchover) with and without a
 * return path.
 *
 * The cases run concurrently: each has its own daemons (the destination holds
 * itself at its fault point until the test acts, so a case's timing does not
 * depend on how busy the machine is) and kills them when it ends, also when
 * it fails; killAll in afterAll is the backstop.
 */
import { afterAll, describe, it } from 'vitest';
import { controlAddress, killAll, killEach, startDestination, startSource } from './helpers/daemons';
import { ALL_CAPS, IDLE, MACHINE, expectedDigests, printFaultSummary, runFaultCase } from './helpers/fault-harness';
import { QmpWsClient } from './helpers/qmp-client';

afterAll(killAll);
afterAll(() => printFaultSummary('cancel'));

const expected = expectedDigests();

describe.concurrent('source cancel (migrate_cancel)', () => {
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
  it('after the commit: refused (the destination may be running the machine); the migration completes', async ({ expect, onTestFinished }) => {
    const caps = ['--caps', ALL_CAPS];
    const { d: dst, uri } = await startDestination([...MACHINE, ...caps], { LIVEMIG_TEST_FAULT: 'stall@resume' });
    const src = startSource([...MACHINE, ...IDLE, ...caps, '--control', '127.0.0.1:0', '--param', 'stall-timeout=60000']);
    onTestFinished(() => killEach(dst, src));
    const q = await QmpWsClient.connect(await controlAddress(src));
    await q.call('migrate', { uri });
    await dst.waitMsg('test fault: injecting');
    const reply = await q.execute('migrate_cancel');
    expect((reply.error as { desc: string }).desc).toMatch(/the destination was told to resume the machine\); it can no longer be cancelled/);
    await dst.waitStopped();
    dst.proc.kill('SIGCONT');
    const end = await q.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed', 'cancelled'].includes(e.data?.status as string));
    expect(end.data?.status).toBe('completed');
    expect((await q.call('query-status')).status).toBe('postmigrate');
    q.close();
  });
  it('after EOF without a return path: refused (the destination will run the machine once it loaded); the migration completes', async ({ expect, onTestFinished }) => {
    // No return path: no commit, the stream's end hands the machine over. The
    // destination is held just after it read EOF, so the source has sent it.
    const caps = ['--caps', 'verify'];
    const { d: dst, uri } = await startDestination([...MACHINE, ...caps], { LIVEMIG_TEST_FAULT: 'stall@eof' });
    const src = startSource([...MACHINE, ...IDLE, ...caps, '--control', '127.0.0.1:0', '--param', 'stall-timeout=60000']);
    onTestFinished(() => killEach(dst, src));
    const q = await QmpWsClient.connect(await controlAddress(src));
    await q.call('migrate', { uri });
    await dst.waitMsg('test fault: injecting');
    expect((await q.call('query-migrate')).status).toBe('device');
    const reply = await q.execute('migrate_cancel');
    expect((reply.error as { desc: string }).desc).toMatch(/all state sent, no return path\); it can no longer be cancelled/);
    expect((await q.call('query-migrate')).status).toBe('device');
    await dst.waitStopped();
    dst.proc.kill('SIGCONT');
    const end = await q.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed', 'cancelled'].includes(e.data?.status as string));
    expect(end.data?.status).toBe('completed');
    expect((await q.call('query-status')).status).toBe('postmigrate');
    q.close();
  });
});

describe.concurrent('verification mismatch', () => {
  it('with return-path: the destination refuses to resume, the source resumes', async () => {
    await runFaultCase({ fault: 'corrupt', point: 'switchover', phase: /destination failed: verification failed for '\w+'/ }, expected);
  });
  it('without return-path: the SHUT carrying the mismatch fails the source', async () => {
    await runFaultCase({ fault: 'corrupt', point: 'switchover', caps: 'verify', phase: /destination failed: verification failed/ }, expected);
  });
});

describe.concurrent('announcements while the machine is stopped for the switchover', () => {
  it('STOP and status device wait for the end of the downtime, and go out downtime-limit after the stop when the destination stalls there', async ({ expect, onTestFinished }) => {
    // The destination is stopped (SIGSTOP) right after it read EOF: the downtime cannot
    // end, so the held announcements must come out on their bound, in order, stamped when
    // they happened (STOP at the stop, status device at the announcement).
    const caps = ['--caps', 'return-path'];
    const { d: dst, uri } = await startDestination([...MACHINE, ...caps], { LIVEMIG_TEST_FAULT: 'stall@eof' });
    const src = startSource([...MACHINE, ...IDLE, ...caps, '--control', '127.0.0.1:0', '--param', 'stall-timeout=60000', '--param', 'downtime-limit=250']);
    onTestFinished(() => killEach(dst, src));
    const q = await QmpWsClient.connect(await controlAddress(src));
    await q.call('migrate', { uri });
    await dst.waitMsg('test fault: injecting');
    const device = await q.waitEvent((e) => e.event === 'MIGRATION' && e.data?.status === 'device');
    await dst.waitStopped();
    // Still inside the downtime: announced on the bound, not at the end.
    expect((await q.call('query-migrate')).status).toBe('device');
    const ms = (e: { timestamp: { seconds: number; microseconds: number } }): number => e.timestamp.seconds * 1000 + e.timestamp.microseconds / 1000;
    const stopAt = q.events.findIndex((e) => e.event === 'STOP');
    expect(stopAt).toBeGreaterThanOrEqual(0);
    expect(stopAt).toBeLessThan(q.events.indexOf(device));
    expect(ms(device) - ms(q.events[stopAt]!)).toBeGreaterThanOrEqual(240);
    dst.proc.kill('SIGCONT');
    const end = await q.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed', 'cancelled'].includes(e.data?.status as string));
    expect(end.data?.status).toBe('completed');
    q.close();
  });
});
