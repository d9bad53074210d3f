/**
 * precopy-resume end to end: real daemons, a TCP proxy between them killed
 * (both sides reset) at about half of a RAM migration; both ends pause, a new
 * proxy is started, the destination is told where to wait (migrate-recover),
 * the source resumes (migrate resume=true) and the migration completes
 * verified, resending no more than what the destination lacked plus what the
 * workload dirtied (plus 1%).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { controlAddress, killAll, startDestination, startSource } from './helpers/daemons';
import { QmpWsClient } from './helpers/qmp-client';
import { migrationEnded, pollUntil } from './helpers/poll';
import { startProxy, type TcpProxy } from './helpers/tcp-proxy';

const RAM = 128 * 1024 * 1024;
const DIRTY_RATE = 2 * 1024 * 1024;
const MACHINE = ['--device', `ram,id=ram0,size=${RAM}`, '--device', 'cpu,id=cpu0,vcpus=1'];
const CAPS = ['--caps', 'return-path,verify,precopy-resume'];

const proxies: TcpProxy[] = [];
const clients: QmpWsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const p of proxies.splice(0)) await p.kill();
  await killAll();
});

function statusEvent(c: QmpWsClient, status: string): Promise<unknown> {
  return c.waitEvent((e) => e.event === 'MIGRATION' && e.data?.status === status);
}

describe('precopy-resume', () => {
  it('a proxy killed at ~50% of a RAM migration: both ends pause, migrate-recover + migrate resume completes verified, resending only what was missing or dirtied', async () => {
    const { d: dst } = await startDestination([...MACHINE, ...CAPS, '--control', '127.0.0.1:0']);
    const src = startSource([...MACHINE, ...CAPS, '--workload', `dirty-rate=${DIRTY_RATE}`, '--param', 'max-bandwidth=48M', '--control', '127.0.0.1:0']);
    const dq = await QmpWsClient.connect(await controlAddress(dst));
    const sq = await QmpWsClient.connect(await controlAddress(src));
    clients.push(dq, sq);
    const dstPort = Number((dst.logs.find((l) => l.msg === 'listening for incoming migration')!.port as number));

    // Before anything is paused, resume and recover are refused as QEMU refuses them.
    expect(JSON.stringify(await sq.execute('migrate', { uri: 'tcp:127.0.0.1:1', resume: true }))).toMatch(/no paused migration/);
    expect(JSON.stringify(await dq.execute('migrate-recover', { uri: 'tcp:127.0.0.1:0' }))).toMatch(/paused/);

    const first = await startProxy({ port: dstPort });
    proxies.push(first);
    // The workload dirties from the start: a page sent before the break may be dirty again since.
    const startedAt = performance.now();
    await sq.call('migrate', { uri: `tcp:127.0.0.1:${first.port}` });
    await pollUntil(() => sq.call('query-migrate'), (i) => i.status === 'active' && i.ram.transferred >= RAM / 2, 'half of the RAM sent', { timeoutMs: 60_000, ended: migrationEnded() });
    const srcPaused = statusEvent(sq, 'precopy-paused');
    const dstPaused = statusEvent(dq, 'precopy-paused');
    await first.kill();
    await Promise.all([srcPaused, dstPaused]);
    const paused = await sq.call('query-migrate');
    expect(paused.status).toBe('precopy-paused');
    expect((await sq.call('query-status')).status).toBe('running');
    expect((await dq.call('query-migrate')).status).toBe('precopy-paused');

    // The destination waits at another address too; the link comes back through a new proxy.
    const recoverLine = dst.waitMsg('listening for the paused migration to resume (migrate-recover)');
    await dq.call('migrate-recover', { uri: 'tcp:127.0.0.1:0' });
    const recoverPort = (await recoverLine).port as number;
    expect((await dq.call('query-migrate'))['recover-socket-addresses']).toEqual([`127.0.0.1:${recoverPort}`]);
    const second = await startProxy({ port: recoverPort });
    proxies.push(second);
    const srcDone = statusEvent(sq, 'completed');
    const dstDone = statusEvent(dq, 'completed');
    await sq.call('migrate', { uri: `tcp:127.0.0.1:${second.port}`, resume: true });
    await Promise.all([srcDone, dstDone]);
    const elapsedS = (performance.now() - startedAt) / 1000;

    const info = await sq.call('query-migrate');
    expect(info.status).toBe('completed');
    expect(info.verified).toBe(true);
    expect(info.resumes).toBe(1);
    expect((await dq.call('query-migrate')).resumes).toBe(1);
    const unreceived = info.ram['unreceived-at-resume'] as number;
    const resent = info.ram['resent-after-resume'] as number;
    // The destination held about half; what it lacked is what was not sent whole.
    expect(unreceived).toBeGreaterThan(0);
    expect(unreceived).toBeLessThan(RAM * 0.75);
    // Everything the workload can have dirtied since the migration started (whole pages, at its rate).
    const dirtied = DIRTY_RATE * elapsedS;
    expect(resent).toBeGreaterThan(0);
    expect(resent).toBeLessThanOrEqual(unreceived + dirtied + RAM * 0.01);
    expect((await dq.call('query-status')).status).toBe('running');
  }, 120_000);
});
