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
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { argsConfig, type OptionTable } from '../packages/common/src/cli';
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
  return once(p, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }));
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

