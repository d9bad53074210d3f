/**
 * --device-module (both daemons): the examples/ledger device, written only
 * against the public contract, migrates between two daemon processes under
 * load (transfers dirtying entries), verified; its completion message reaches
 * the source device's hook; a bad module is a usage error naming the flag.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it, onTestFailed } from 'vitest';
import { BIN, DaemonProcess, controlAddress, killAll, startDestination, startSource } from './helpers/daemons';
import { QmpWsClient } from './helpers/qmp-client';

afterEach(killAll);
const embedded: ChildProcess[] = [];
afterEach(() => {
  for (const p of embedded.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
});

/** Runs examples/ledger/embed.js; resolves each JSON line it prints, in order. */
function embed(args: string[]): { proc: ChildProcess; lines: AsyncGenerator<Record<string, unknown>>; stderr: () => string; exited: Promise<unknown> } {
  const proc = spawn(process.execPath, [resolve('examples/ledger/embed.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Info logs on stderr: printed only when the test fails, so a hang shows where it stopped.
    env: { ...process.env, EMBED_LOG_LEVEL: 'info' },
  });
  embedded.push(proc);
  // Taken now: a process that exits while the test reads its last line would be missed by a
  // later once(proc, 'exit') (seen: the test then hung until its timeout).
  const exited = once(proc, 'close');
  let err = '';
  proc.stderr!.setEncoding('utf8').on('data', (t: string) => (err += t));
  async function* lines(): AsyncGenerator<Record<string, unknown>> {
    let buf = '';
    for await (const chunk of proc.stdout!.setEncoding('utf8')) {
      buf += chunk as string;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        yield JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
        buf = buf.slice(nl + 1);
      }
    }
  }
  return { proc, lines: lines(), stderr: () => err, exited };
}
const dir = mkdtempSync(join(tmpdir(), 'livemig-devmod-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MODULE = ['--device-module', resolve('examples/ledger/ledger.js')];
const CAPS = ['--caps', 'return-path,switchover-ack,verify'];

describe('--device-module', () => {
  it('migrates the example ledger device between two daemons, verified, and its completion message reaches the source device', async () => {
    const machine = [...MODULE, '--device', 'ledger,id=bank,accounts=20000,tps=20000', '--device', 'ram,id=ram0,size=16M', '--device', 'cpu,id=cpu0,vcpus=1'];
    const { d: dst, uri } = await startDestination([...machine, ...CAPS, '--exit-on-complete']);
    const src = startSource([...machine, ...CAPS, '--workload', 'dirty-rate=8M', '--control', '127.0.0.1:0']);
    const qmp = await QmpWsClient.connect(await controlAddress(src));
    const before = (await qmp.call('query-devices')) as Array<Record<string, unknown>>;
    const bank = before.find((d) => d.id === 'bank')!;
    expect(bank.type).toBe('ledger');
    await qmp.call('migrate', { uri });
    const end = await qmp.waitEvent((e) => e.event === 'MIGRATION' && ['completed', 'failed'].includes(e.data?.status as string));
    expect(end.data?.status, JSON.stringify(await qmp.call('query-migrate'))).toBe('completed');
    const info = (await qmp.call('query-migrate')) as Record<string, unknown>;
    expect(info.verified).toBe(true);
    const d = await dst.exited;
    expect(d.code, dst.stderrText.slice(-2000)).toBe(0);
    expect(dst.summary().verified).toBe(true);
    // The ledger's entries were sent more than once (transfers dirtied them during precopy).
    const devices = info.devices as Array<Record<string, number | string>>;
    const migrated = devices.find((x) => x.id === 'bank')!;
    expect(migrated.transferred as number).toBeGreaterThan(20000 * 12);
    // Money is conserved, and the destination device told the source device where it lives now.
    const after = (await qmp.call('query-devices')) as Array<Record<string, unknown>>;
    const moved = after.find((x) => x.id === 'bank')!;
    expect(moved.total).toBe(String(20000 * 100_000));
    expect(moved['moved-to']).toBe(`pid ${dst.proc.pid}`);
    qmp.close();
  });

  it('an application embeds each side in its own process with its own device type (examples/ledger/embed.js), verified', async () => {
    const dst = embed(['destination']);
    let src: ReturnType<typeof embed> | undefined;
    onTestFailed(() => console.log(`embedded destination:\n${dst.stderr()}\nembedded source:\n${src?.stderr() ?? '(not started)'}`));
    const listening = (await dst.lines.next()).value!;
    src = embed(['source', `tcp:${String(listening.listening)}`]);
    const [srcOut, dstOut] = await Promise.all([src.lines.next(), dst.lines.next()]);
    expect(srcOut.value, src.stderr()).toMatchObject({ status: 'completed', verified: true, total: String(5000 * 100_000) });
    expect(dstOut.value, dst.stderr()).toMatchObject({ status: 'completed', verified: true, total: String(5000 * 100_000) });
    expect(srcOut.value!.movedTo).toBe(`pid ${dst.proc.pid}`);
    await Promise.all([src.exited, dst.exited]);
    expect([src.proc.exitCode, dst.proc.exitCode]).toEqual([0, 0]);
  });

  it.each([
    ['a path that does not exist', join(dir, 'missing.js'), /--device-module '.*missing\.js': no such file/],
    ['a module that defines no device type', 'empty.js', /--device-module '.*empty\.js': defines no device type/],
    ['a module whose type is invalid', 'invalid.js', /--device-module '.*invalid\.js': not a valid device type: .*version/],
    ['a module that throws', 'throws.js', /--device-module '.*throws\.js': cannot load it \(boom\)/],
  ])('%s: exit 2 naming the flag, on both daemons', async (_what, file, message) => {
    writeFileSync(join(dir, 'empty.js'), 'module.exports = { something: 1 };\n');
    writeFileSync(join(dir, 'invalid.js'), "module.exports = { deviceTypes: [{ name: 'bad', help: '', keys: {}, version: 0, iterable: true, multifd: false, parse() {}, shape() {}, create() {} }] };\n");
    writeFileSync(join(dir, 'throws.js'), "throw new Error('boom');\n");
    const path = file.startsWith('/') ? file : join(dir, file);
    const src = startSource(['--device-module', path, '--control', '127.0.0.1:0']);
    const dst = new DaemonProcess(BIN.destination, ['--listen', '127.0.0.1:0', '--device-module', path]);
    for (const d of [src, dst]) {
      const e = await d.exited;
      expect(e.code).toBe(2);
      expect(d.stderrText).toMatch(message);
    }
  });
});
