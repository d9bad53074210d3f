/**
 * QMP `quit` on the source ends it like SIGTERM: with no migration running it
 * exits 0; mid-migration the migration is cancelled (the machine's state is
 * intact) and the exit code is 1, the code for a failed or cancelled migration;
 * the --json line is the cancelled migration.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SMALL_MACHINE, controlAddress, killAll, startDestination, startSource } from './helpers/daemons';
import { QmpWsClient } from './helpers/qmp-client';

afterEach(killAll);

describe('source quit', () => {
  it('with no migration: SHUTDOWN event, exit 0', async () => {
    const src = startSource([...SMALL_MACHINE, '--control', '127.0.0.1:0']);
    const q = await QmpWsClient.connect(await controlAddress(src));
    expect(await q.call('quit')).toEqual({});
    await q.waitEvent((e) => e.event === 'SHUTDOWN');
    expect((await src.exited).code).toBe(0);
  });

  it('mid-migration: the migration is cancelled and the source exits 1, as on SIGTERM', async () => {
    const { uri } = await startDestination([...SMALL_MACHINE]);
    // 4 MiB/s: the 82 MiB machine takes ~20 s, so the quit lands in precopy.
    const src = startSource([...SMALL_MACHINE, '--control', '127.0.0.1:0', '--param', 'max-bandwidth=4M']);
    const q = await QmpWsClient.connect(await controlAddress(src));
    await q.call('migrate', { uri });
    await q.waitEvent((e) => e.event === 'MIGRATION' && e.data?.status === 'active');
    expect(await q.call('quit')).toEqual({});
    await q.waitEvent((e) => e.event === 'SHUTDOWN');
    const exit = await src.exited;
    expect(exit.code).toBe(1);
    // The daemon cancelled the migration on its way out, it did not just drop it, and says so last.
    expect(src.logs.some((l) => l.msg === 'migration status' && l.status === 'cancelling')).toBe(true);
    expect(src.summary().status).toBe('cancelled');
  });

  it('SIGTERM mid-migration: the same', async () => {
    const { uri } = await startDestination([...SMALL_MACHINE]);
    const src = startSource([...SMALL_MACHINE, '--control', '127.0.0.1:0', '--param', 'max-bandwidth=4M']);
    const q = await QmpWsClient.connect(await controlAddress(src));
    await q.call('migrate', { uri });
    await q.waitEvent((e) => e.event === 'MIGRATION' && e.data?.status === 'active');
    src.kill('SIGTERM');
    expect((await src.exited).code).toBe(1);
    expect(src.summary().status).toBe('cancelled');
  });
});
