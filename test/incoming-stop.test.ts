/**
 * QEMU's `stop` on a destination waiting for an incoming migration (qmp_stop
 * with RUN_STATE_INMIGRATE: autostart off): the migration completes as usual,
 * commit included, but the machine is left paused there until `cont`. The
 * source learns it from RESUMED and reports `destination-paused`. Likewise a
 * machine paused on the source stays paused on the destination (QEMU's
 * global_state run state; here the EOF frame carries it), with a return path
 * or without.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SMALL_MACHINE, controlAddress, killAll, killEach, startDestination, startSource } from './helpers/daemons';
import { QmpWsClient } from './helpers/qmp-client';

// The cases run concurrently: each kills its own daemons when it finishes; killAll is the backstop.
afterAll(killAll);

const ACK = ['--caps', 'return-path,switchover-ack,verify'];

describe.concurrent('stop on the destination during an incoming migration', () => {
  it('leaves the migrated machine paused (verified, no RESUME) until cont; the source reports destination-paused', async ({ expect, onTestFinished }) => {
    const { d: dst, uri } = await startDestination([...SMALL_MACHINE, ...ACK, '--control', '127.0.0.1:0']);
    onTestFinished(() => killEach(dst));
    const dq = await QmpWsClient.connect(await controlAddress(dst));
    // Nothing to stop yet: the machine stays inmigrate, no STOP event. `cont` turns autostart
    // back on without starting anything (QEMU qmp_cont), and `stop` turns it off again.
    expect(await dq.call('stop')).toEqual({});
    expect((await dq.call('query-status')).status).toBe('inmigrate');
    expect(await dq.call('cont')).toEqual({});
    expect((await dq.call('query-status')).status).toBe('inmigrate');
    expect(await dq.call('stop')).toEqual({});

    const src = startSource([...SMALL_MACHINE, ...ACK, '--workload', 'dirty-rate=16M', '--control', '127.0.0.1:0']);
    onTestFinished(() => killEach(src));
    const sq = await QmpWsClient.connect(await controlAddress(src));
    await sq.call('migrate', { uri });
    const srcDone = await sq.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed'].includes(e.data?.status as string));
    expect(srcDone.data?.status).toBe('completed');
    const dstDone = await dq.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed'].includes(e.data?.status as string));
    expect(dstDone.data?.status).toBe('completed');

    // Loaded, verified, and left paused: no RESUME (nor STOP: it never ran).
    expect(await dq.call('query-status')).toMatchObject({ status: 'paused', running: false });
    expect(dq.events.filter((e) => e.event === 'RESUME' || e.event === 'STOP')).toEqual([]);
    expect((await dq.call('query-migrate')).verified).toBe(true);

    const info = await sq.call('query-migrate');
    expect(info.status).toBe('completed');
    expect(info['destination-paused']).toBe(true);
    expect(info.verified).toBe(true);
    expect(info.downtime).toBeTypeOf('number');
    expect((await sq.call('query-status')).status).toBe('postmigrate');
    // The source refuses cont, naming where the machine is and that it waits there.
    expect(((await sq.execute('cont')).error as { desc: string }).desc).toMatch(/lives on the destination \(left paused there; cont on the destination starts it\)/);
    // Neither side has run since the switchover: both hold the same state.
    expect(await dq.call('query-digests')).toEqual(await sq.call('query-digests'));

    expect(await dq.call('cont')).toEqual({});
    await dq.waitEvent((e) => e.event === 'RESUME');
    expect(await dq.call('query-status')).toMatchObject({ status: 'running', running: true });
    dq.close();
    sq.close();
  });

  for (const caps of [['--caps', 'return-path,verify'], ['--caps', 'verify']]) {
    it(`a machine paused on the source stays paused on the destination (${caps[1]})`, async ({ expect, onTestFinished }) => {
      const { d: dst, uri } = await startDestination([...SMALL_MACHINE, ...caps, '--control', '127.0.0.1:0']);
      onTestFinished(() => killEach(dst));
      const dq = await QmpWsClient.connect(await controlAddress(dst));
      const src = startSource([...SMALL_MACHINE, ...caps, '--workload', 'dirty-rate=16M', '--control', '127.0.0.1:0']);
      onTestFinished(() => killEach(src));
      const sq = await QmpWsClient.connect(await controlAddress(src));
      expect(await sq.call('stop')).toEqual({});
      await sq.call('migrate', { uri });
      const srcDone = await sq.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed'].includes(e.data?.status as string));
      expect(srcDone.data?.status).toBe('completed');
      await dq.waitEvent((e) => e.event === 'MIGRATION' && e.data?.status === 'completed');
      expect(await dq.call('query-status')).toMatchObject({ status: 'paused', running: false });
      expect(dq.events.filter((e) => e.event === 'RESUME')).toEqual([]);
      expect(await dq.call('query-digests')).toEqual(await sq.call('query-digests'));
      // With a return path the source learns it; without, it cannot.
      const info = await sq.call('query-migrate');
      expect(info['destination-paused'] === true).toBe(caps[1] === 'return-path,verify');
      expect(await dq.call('cont')).toEqual({});
      await dq.waitEvent((e) => e.event === 'RESUME');
      dq.close();
      sq.close();
    });
  }
});
