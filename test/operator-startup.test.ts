/**
 * The operator's first hour (issue 11), with the real bins as processes:
 * every start-up problem (a port in use, bad TLS material, a Unix path for
 * --listen, a source with nothing to do, --workload on the destination) exits
 * 2 with a message naming the flag and the cause, never a stack trace, and
 * before "machine running"; the errors a newcomer meets later say the cause
 * (a missing or wrong control token, a plain source against a TLS
 * destination, a WebSocket address on a QMP socket port); --help lists every
 * option the parser accepts (both come from one table) and --version works.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { argsConfig, type OptionTable } from '../packages/common/src/cli';
import { formatBytes } from '../packages/ctl/src/progress-format';
import { SOURCE_OPTIONS } from '../packages/source/src/main';
import { DESTINATION_OPTIONS } from '../packages/destination/src/main';
import { CTL_OPTIONS } from '../packages/ctl/src/main';
import { makeCerts, type CertSet } from './helpers/certs';
import { BIN, SMALL_MACHINE, controlAddress, killAll, qmpSocketAddress, startDestination, startSource } from './helpers/daemons';

const CTL = join(__dirname, '..', 'node_modules', '.bin', 'livemig-ctl');
const TINY = ['--device', 'ram,id=ram0,size=1M'];

afterEach(killAll);
const dir = mkdtempSync(join(tmpdir(), 'livemig-operator-'));
let certs: CertSet;
let busy: Server;
let busyPort = 0;
beforeAll(async () => {
  certs = makeCerts();
  // A port some other process holds.
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => busy.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
  rmSync(certs.dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(bin: string, args: string[]): Promise<Run> {
  const p = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LIVEMIG_CONNECT: '' } });
  let stdout = '';
  let stderr = '';
  p.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  p.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  return once(p, 'close').then(([code]) => ({ code: code as number | null, stdout, stderr }));
}

/** A start-up error as the operator must see it: exit 2, the message, no stack trace, the machine never started. */
async function expectStartupError(bin: string, args: string[], message: RegExp): Promise<void> {
  const r = await run(bin, args);
  const all = `${r.stdout}${r.stderr}`;
  expect(r.code, all).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(all).not.toMatch(/\n\s+at |Node\.js v|node:internal|Error: listen|routines::/);
  expect(all).not.toContain('machine running');
  expect(all).not.toContain('listening for incoming migration');
}

describe('start-up checks: exit 2 naming the flag and the cause', () => {
  it('--control, --qmp and --listen on a port in use (both daemons)', async () => {
    const inUse = new RegExp(`127\\.0\\.0\\.1:${busyPort}: the address is already in use`);
    const addr = `127.0.0.1:${busyPort}`;
    await Promise.all([
      expectStartupError(BIN.source, [...TINY, '--control', addr], new RegExp(`--control ${inUse.source}`)),
      expectStartupError(BIN.destination, [...TINY, '--listen', '127.0.0.1:0', '--control', addr], new RegExp(`--control ${inUse.source}`)),
      expectStartupError(BIN.source, [...TINY, '--qmp', addr], new RegExp(`--qmp ${inUse.source}`)),
      expectStartupError(BIN.destination, [...TINY, '--listen', '127.0.0.1:0', '--qmp', addr], new RegExp(`--qmp ${inUse.source}`)),
      expectStartupError(BIN.destination, [...TINY, '--listen', addr], new RegExp(`--listen ${inUse.source}`)),
    ]);
  });

  it('a garbage --tls-cert, a key that does not match its certificate, a garbage --tls-ca: before the machine runs', async () => {
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, 'this is not a certificate\n');
    const tls = (cert: string, key: string, ca: string): string[] => ['--tls-cert', cert, '--tls-key', key, '--tls-ca', ca];
    const src = certs.source;
    await Promise.all([
      expectStartupError(BIN.source, [...TINY, '--migrate-to', 'tcp:127.0.0.1:1', ...tls(garbage, src.key, certs.ca)], /--tls-cert '.*garbage\.pem': no PEM certificate in the file/),
      expectStartupError(BIN.destination, [...TINY, '--listen', '127.0.0.1:0', ...tls(garbage, src.key, certs.ca)], /--tls-cert '.*garbage\.pem': no PEM certificate/),
      expectStartupError(BIN.source, [...TINY, '--migrate-to', 'tcp:127.0.0.1:1', ...tls(src.cert, certs.destination.key, certs.ca)], /--tls-key '.*destination\.key' does not match the certificate in --tls-cert '.*source\.crt'/),
      expectStartupError(BIN.source, [...TINY, '--migrate-to', 'tcp:127.0.0.1:1', ...tls(src.cert, garbage, certs.ca)], /--tls-key '.*garbage\.pem': not a private key in PEM/),
      expectStartupError(BIN.destination, [...TINY, '--listen', '127.0.0.1:0', ...tls(certs.destination.cert, certs.destination.key, garbage)], /--tls-ca '.*garbage\.pem': no PEM certificate/),
    ]);
  });

  it('a Unix path for --listen, a source with nothing to do, --workload on the destination', async () => {
    await Promise.all([
      expectStartupError(BIN.destination, [...TINY, '--listen', join(dir, 'mig.sock')], /--listen '.*mig\.sock': the migration listens on TCP only: give HOST:PORT/),
      expectStartupError(BIN.destination, [...TINY, '--listen', `unix:${join(dir, 'mig.sock')}`], /--listen 'unix:.*': the migration listens on TCP only/),
      expectStartupError(BIN.source, TINY, /nothing to do: give --migrate-to tcp:HOST:PORT to migrate at once, or --control HOST:PORT \/ --qmp ADDR/),
      expectStartupError(BIN.destination, [...TINY, '--listen', '127.0.0.1:0', '--workload', 'dirty-rate=0'], /--workload is a livemig-source option/),
      expectStartupError(BIN.destination, [...TINY, '--listen', '127.0.0.1:0', '--workload=dirty-rate=0'], /--workload is a livemig-source option/),
    ]);
  });
});

describe("errors in the operator's words", () => {
  it('livemig-ctl without the token, or with a wrong one, says so (not "Unexpected server response: 401")', async () => {
    const token = join(dir, 'token');
    const wrong = join(dir, 'wrong-token');
    writeFileSync(token, 'right-token\n');
    writeFileSync(wrong, 'wrong-token\n');
    const src = startSource([...TINY, '--control', '127.0.0.1:0', '--control-token-file', token]);
    const ws = await controlAddress(src);
    const [without, withWrong, withRight] = await Promise.all([run(CTL, ['--connect', ws, 'query-status']), run(CTL, ['--connect', ws, '--token-file', wrong, 'query-status']), run(CTL, ['--connect', ws, '--token-file', token, 'query-status'])]);
    expect(without.code).toBe(1);
    expect(without.stderr).toBe(`error: ${ws}: this control endpoint needs a token: pass --token-file FILE with the daemon's --control-token-file\n`);
    expect(withWrong.code).toBe(1);
    expect(withWrong.stderr).toBe(`error: ${ws}: the daemon refused the token from --token-file (it is not the one in the daemon's --control-token-file)\n`);
    expect(withRight.code, withRight.stderr).toBe(0);
  });

  it('livemig-ctl given a WebSocket address for a QMP socket port says to use tcp:', async () => {
    const src = startSource([...TINY, '--qmp', '127.0.0.1:0']);
    const qmp = await qmpSocketAddress(src);
    const r = await run(CTL, ['--connect', qmp, 'query-status']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the port answered with something that is not HTTP \(a plain QMP socket, --qmp\?\): use --connect tcp:HOST:PORT/);
    expect(r.stderr).not.toMatch(/Parse Error|HPE_/);
    const ok = await run(CTL, ['--connect', `tcp:${qmp}`, 'query-status']);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('a plain source against a TLS destination: the source says the destination expects TLS; the destination logs the peer and why', async () => {
    const tls = ['--tls-cert', certs.destination.cert, '--tls-key', certs.destination.key, '--tls-ca', certs.ca];
    const caps = ['--caps', 'return-path,switchover-ack,verify'];
    const { d: dst, uri } = await startDestination([...SMALL_MACHINE, ...caps, ...tls]);
    const src = startSource([...SMALL_MACHINE, ...caps, '--migrate-to', uri]);
    expect((await src.exited).code).toBe(1);
    expect(src.summary()['error-desc']).toMatch(/before it answered a single byte.*if the destination was started with --tls-cert\/--tls-key\/--tls-ca, it expects TLS and this source has none/);
    const refused = await dst.waitMsg('incoming connection refused: TLS handshake failed');
    expect(refused.peer).toMatch(/^(::ffff:)?127\.0\.0\.1:\d+$/);
    expect(refused.reason).toMatch(/the client does not speak TLS/);
  });
});

describe('--help and --version', () => {
  /** The option names a --help text lists in its Options section. */
  function listed(help: string): string[] {
    const section = help.slice(help.indexOf('\nOptions:\n'), help.indexOf('\n\n', help.indexOf('\nOptions:\n') + 1));
    return [...section.matchAll(/^ {2}(?:-\w, )?--([a-z][a-z-]*)/gm)].map((m) => m[1]!);
  }

  it.each([
    ['livemig-source', BIN.source, SOURCE_OPTIONS],
    ['livemig-destination', BIN.destination, DESTINATION_OPTIONS],
    ['livemig-ctl', CTL, CTL_OPTIONS],
  ] as Array<[string, string, OptionTable]>)('%s --help lists exactly the options its parser accepts, and --version', async (name, bin, table) => {
    const [help, version] = await Promise.all([run(bin, ['--help']), run(bin, ['--version'])]);
    expect(help.code).toBe(0);
    expect(listed(help.stdout).sort()).toEqual(Object.keys(argsConfig(table)).sort());
    expect(help.stdout).toMatch(/\nExit codes:\n {2}0 .*\n {2}1 .*\n {2}2 /);
    expect(help.stdout.match(/^ {2}npx livemig-/gm)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(new RegExp(`^${name} \\d+\\.\\d+\\.\\d+\\n$`));
  });

  it('the daemons explain device types with their keys and defaults, capabilities, parameters with units, sizes and the unix: form', async () => {
    // Continuation lines of a wrapped meaning joined back.
    const stdout = (await run(BIN.source, ['--help'])).stdout.replace(/\n {20,}/g, ' ');
    for (const text of ['ram: ', 'accel: ', 'cpu: ', 'page-size', '(default 4K)', 'alloc-ms', 'vcpus', 'Default machine (no --device):', '--device ram,id=ram0,size=512M,fill=random']) expect(stdout).toContain(text);
    for (const cap of ['return-path', 'switchover-ack', 'multifd', 'auto-converge', 'verify']) expect(stdout).toMatch(new RegExp(`\\n {2}${cap} +\\S`));
    expect(stdout).toMatch(/\n {2}downtime-limit +.*\[ms, default 300\]/);
    expect(stdout).toMatch(/\n {2}max-bandwidth +.*\[bytes\/s, default 0\]/);
    expect(stdout).toContain('dirty-rate=RATE[,pattern=uniform|hot:PCT]');
    expect(stdout).toContain('K (1024), M (1024^2), G (1024^3)');
    expect(stdout).toContain('unix:PATH');
    const dst = await run(BIN.destination, ['--help']);
    expect(dst.stdout).not.toContain('--workload SPEC');
  });

  it('an unknown option is a usage error pointing at --help, no stack trace', async () => {
    const r = await run(BIN.destination, ['--listen', '127.0.0.1:0', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--bogus'[\s\S]*--help lists every option/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});


describe('npm run bench: usage errors', () => {
  const BENCH = join(__dirname, '..', 'scripts', 'bench.mjs');
  it('an unknown scenario or option exits 2 with the usage, runs nothing and leaves the results file alone', async () => {
    const out = join(dir, 'bench-results.json');
    writeFileSync(out, '{"previous":true}\n');
    const [foo, bogus, reps] = await Promise.all([run(BENCH, ['--only', 'foo', '--out', out]), run(BENCH, ['--bogus', '--out', out]), run(BENCH, ['--reps', 'many', '--out', out])]);
    expect(foo.code).toBe(2);
    expect(foo.stderr).toMatch(/^bench: --only 'foo': unknown scenario 'foo' \(known: throughput, [a-z0-9, -]+\)\nusage: npm run -s bench/);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/^bench: Unknown option '--bogus'\nusage:/);
    expect(reps.code).toBe(2);
    expect(reps.stderr).toMatch(/--reps 'many': expected a positive integer/);
    for (const r of [foo, bogus, reps]) {
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(readFileSync(out, 'utf8')).toBe('{"previous":true}\n');
  });
});

describe('watch on a destination that exits on completion', () => {
  it('shows the ack as on before the migration, and final figures that are the final ones; query-migrate always has error-code', async () => {
    const caps = ['--caps', 'return-path,switchover-ack,verify'];
    const { d: dst, uri } = await startDestination([...SMALL_MACHINE, ...caps, '--control', '127.0.0.1:0', '--exit-on-complete']);
    const dstControl = await controlAddress(dst);
    const src = startSource([...SMALL_MACHINE, ...caps, '--workload', 'dirty-rate=16M', '--control', '127.0.0.1:0']);
    const srcControl = await controlAddress(src);
    let sawSetup!: () => void;
    const setupShown = new Promise<void>((resolve) => (sawSetup = resolve));
    const p = spawn(process.execPath, [CTL, '--connect', dstControl, 'watch', '--interval', '100'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (t: string) => {
      out += t;
      if (out.includes('progress setup')) sawSetup();
    });
    const watched = once(p, 'close'); // after stdout is drained, so `out` is whole
    await setupShown;
    const migrate = await run(CTL, ['--connect', srcControl, 'migrate', JSON.stringify({ uri })]);
    expect(migrate.code, migrate.stderr).toBe(0);
    const [code] = await watched;
    expect((await dst.exited).code).toBe(0);
    expect(code, out).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines.find((l) => l.startsWith('progress setup'))).toMatch(/ack on$/);
    const final = dst.summary();
    expect(final.status).toBe('completed');
    expect(final['error-code']).toBeNull();
    expect(final['error-desc']).toBeNull();
    // The figures printed at the end are the destination's last ones, not a poll from before the end.
    expect(lines).toContain(`received ${formatBytes(final['bytes-received'] as number)} (machine state ${formatBytes((final.devices as Array<{ size: number }>).reduce((n, d) => n + d.size, 0))})`);
    expect(lines).toContain('pre-allocated 2/2 resources');
    const q = await run(CTL, ['--connect', srcControl, 'query-migrate']);
    const info = JSON.parse(q.stdout).return;
    expect(info.status).toBe('completed');
    expect(info).toHaveProperty('error-code', null);
  });
});

describe('after a cancel', () => {
  it('query-migrate and the watch say what was still to send, not 0', async () => {
    const machine = ['--device', 'ram,id=ram0,size=64M', '--device', 'cpu,id=cpu0,vcpus=1'];
    const { uri } = await startDestination(machine);
    const src = startSource([...machine, '--control', '127.0.0.1:0', '--param', 'max-bandwidth=8M']);
    const ws = await controlAddress(src);
    let sawActive!: () => void;
    const active = new Promise<void>((resolve) => (sawActive = resolve));
    const p = spawn(process.execPath, [CTL, '--connect', ws, 'watch', '--interval', '100'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (t: string) => {
      out += t;
      if (/progress active .*sent [1-9]/.test(out)) sawActive();
    });
    const watched = once(p, 'close'); // after stdout is drained, so `out` is whole
    expect((await run(CTL, ['--connect', ws, 'migrate', JSON.stringify({ uri })])).code).toBe(0);
    await active;
    expect((await run(CTL, ['--connect', ws, 'migrate_cancel'])).code).toBe(0);
    const [code] = await watched;
    expect(code).toBe(1);
    const info = JSON.parse((await run(CTL, ['--connect', ws, 'query-migrate'])).stdout).return;
    expect(info.status).toBe('cancelled');
    expect(info['error-code']).toBe('MIG_ERR_CANCELLED');
    // 64 MiB at 8 MiB/s cannot have been sent in the moment before the cancel.
    expect(info.remaining).toBeGreaterThan(16 * 1024 * 1024);
    expect(info.ram.remaining).toBeGreaterThan(16 * 1024 * 1024);
    expect(info.devices.find((d: { id: string }) => d.id === 'ram0').pending).toBeGreaterThan(0);
    expect(out).toContain(`sent ${formatBytes(info.ram['precopy-bytes'] + info.ram['downtime-bytes'])} before it was cancelled, ${formatBytes(info.remaining)} still to send`);
    expect(out).not.toMatch(/in 0 passes/);
  });
});
