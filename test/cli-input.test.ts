/**
 * Bad command-line and QMP input: exit code 2 (CLI) or a QMP error, always
 * naming the bad value. Nothing is allocated or bound before the check fails.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { controlAddress, killAll, startSource, DaemonProcess, BIN } from './helpers/daemons';
import { QmpWsClient } from './helpers/qmp-client';

afterEach(killAll);

const TINY = ['--device', 'ram,id=ram0,size=1M', '--workload', 'dirty-rate=0'];
/** The destination takes no --workload (it runs the machine it receives). */
const TINY_DST = ['--device', 'ram,id=ram0,size=1M'];

describe('CLI input', () => {
  it('exits 2 with an error naming the bad value', async () => {
    const cases: Array<[string, string[], RegExp, NodeJS.ProcessEnv?]> = [
      [BIN.source, [...TINY, '--param', 'stall-timeout=50'], /Parameter 'stall-timeout' expects 0 \(off\) or at least 100, got 50/],
      [BIN.source, [...TINY, '--param', 'bogus=1'], /Invalid parameter 'bogus'/],
      [BIN.source, [...TINY, '--param', 'max-bandwidth=12Q'], /Parameter 'max-bandwidth': '12Q' is not a size/],
      [BIN.source, ['--device', 'ram,id=ram0,size=1M', '--workload', 'dirty-rate=fast'], /workload dirty-rate: 'fast' is not a size/],
      [BIN.source, [...TINY, '--max'], /Unknown option '--max'/],
      [BIN.source, [...TINY, '--migrate-to', 'http://x'], /invalid migration URI 'http:\/\/x'/],
      [BIN.source, [...TINY, '--caps', 'return-path,teleport'], /Invalid parameter 'teleport': unknown capability/],
      [BIN.destination, ['--listen', 'nowhere', ...TINY_DST], /--listen: 'nowhere' is not HOST:PORT/],
      [BIN.destination, ['--listen', '127.0.0.1:0', '--device', 'cpu,id=c0,vcpus=0'], /device 'c0': vcpus=0 is out of range \[1, 1024\]/],
      [BIN.destination, ['--listen', '127.0.0.1:0', '--device', 'accel,id=a0,flux=1'], /device 'a0': unknown parameter 'flux' for accel/],
      [BIN.destination, ['--listen', '127.0.0.1:0', ...TINY_DST], /LIVEMIG_TEST_FAULT='explode@now': expected ACTION@POINT/, { LIVEMIG_TEST_FAULT: 'explode@now' }],
    ];
    await Promise.all(
      cases.map(async ([bin, args, message, env]) => {
        const p = new DaemonProcess(bin, args, env);
        const exit = await p.exited;
        expect(exit.code, p.stderrText).toBe(2);
        expect(p.stderrText).toMatch(message);
      }),
    );
  });
});

describe('QMP input', () => {
  it('answers bad arguments with an error naming them', async () => {
    const src = startSource([...TINY, '--control', '127.0.0.1:0']);
    const q = await QmpWsClient.connect(await controlAddress(src));
    const desc = async (cmd: string, args?: Record<string, unknown>): Promise<string> => {
      const r = await q.execute(cmd, args);
      return (r.error as { desc: string } | undefined)?.desc ?? 'no error';
    };
    expect(await desc('migrate-set-parameters', { 'stall-timeout': 'later' })).toMatch(/Parameter 'stall-timeout': 'later' is not a non-negative integer/);
    expect(await desc('migrate-set-parameters', { 'stall-timeout': 5 })).toMatch(/expects 0 \(off\) or at least 100, got 5/);
    expect(await desc('migrate-set-parameters', { 'warp-factor': 9 })).toMatch(/Parameter 'warp-factor' is unexpected/);
    expect(await desc('migrate', { uri: 'tcp:127.0.0.1:99999' })).toMatch(/port 99999 is out of range/);
    expect(await desc('migrate', { uri: 'tcp:127.0.0.1:1', extra: 1 })).toMatch(/Parameter 'extra' is unexpected/);
    expect(await desc('query-digests', { all: true })).toMatch(/Parameter 'all' is unexpected/);
    expect((await q.call('query-migrate-parameters'))['stall-timeout']).toBe(10_000);
    q.close();
  });
});
