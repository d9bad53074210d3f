/**
 * livemig-ctl end to end: one command over each transport (reply printed,
 * error reply → exit 1 with the desc, bad usage → exit 2), and `watch` in
 * non-TTY mode following a migration started with livemig-ctl to its end.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ctl } from './helpers/ctl';
import { SMALL_MACHINE, controlAddress, killAll, killEach, qmpSocketAddress, startDestination, startSource } from './helpers/daemons';

const ACK = ['--caps', 'return-path,switchover-ack,verify'];

// The cases run concurrently: each kills its own daemons when it finishes; killAll is the backstop.
afterAll(killAll);
const dir = mkdtempSync(join(tmpdir(), 'livemig-ctl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.concurrent('livemig-ctl', () => {
  it('sends one command over the WebSocket or a QMP socket and prints the reply', async ({ expect, onTestFinished }) => {
    const sock = join(dir, 'src.sock');
    const src = startSource([...SMALL_MACHINE, '--control', '127.0.0.1:0', '--qmp', `unix:${sock}`]);
    onTestFinished(() => killEach(src));
    const ws = await controlAddress(src);
    await qmpSocketAddress(src);

    const status = await ctl(['--connect', ws, 'query-status']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual({ return: { status: 'running', running: true, singlestep: false } });

    const params = await ctl(['--connect', `unix:${sock}`, 'migrate-set-parameters', '{"downtime-limit": 123}']);
    expect(params.code).toBe(0);
    expect(JSON.parse(params.stdout)).toEqual({ return: {} });
    const q = await ctl(['--connect', `unix:${sock}`, 'query-migrate-parameters']);
    expect(JSON.parse(q.stdout).return['downtime-limit']).toBe(123);

    const bad = await ctl(['--connect', ws, 'migrate', '{}']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain("Parameter 'uri' is missing");
    const unknown = await ctl(['--connect', `unix:${sock}`, 'frobnicate']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('The command frobnicate has not been found (CommandNotFound)');

    const usage = await ctl(['--connect', ws, 'migrate', '{not json']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('not valid JSON');
    const noAddr = await ctl(['query-status']);
    expect(noAddr.code).toBe(2);
    const refused = await ctl(['--connect', `unix:${join(dir, 'nobody.sock')}`, 'query-status']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('nobody.sock');
  });

  it('watch (no TTY): plain lines for events and progress, final figures, exit 0 on completion', async ({ expect, onTestFinished }) => {
    const { d: dst, uri } = await startDestination([...SMALL_MACHINE, ...ACK, '--exit-on-complete']);
    onTestFinished(() => killEach(dst));
    const src = startSource([...SMALL_MACHINE, ...ACK, '--qmp', '127.0.0.1:0', '--control', '127.0.0.1:0']);
    onTestFinished(() => killEach(src));
    const ws = await controlAddress(src);
    const tcp = `tcp:${await qmpSocketAddress(src)}`;
    let watching!: () => void;
    const started = new Promise<void>((resolve) => (watching = resolve));
    const watch = ctl(['--connect', ws, 'watch', '--interval', '50'], (line) => {
      if (line.startsWith('watching livemig-source')) watching();
    });
    await started;
    const go = await ctl(['--connect', tcp, 'migrate', JSON.stringify({ uri })]);
    expect(go.code).toBe(0);
    const w = await watch;
    expect(w.stderr).toBe('');
    expect(w.code).toBe(0);
    const lines = w.stdout.trimEnd().split('\n');
    expect(lines.some((l) => / MIGRATION status=setup$/.test(l))).toBe(true);
    expect(lines.some((l) => / MIGRATION_SWITCHOVER_ACK wait-ms=\d+$/.test(l))).toBe(true);
    expect(lines.some((l) => / MIGRATION status=completed$/.test(l))).toBe(true);
    expect(lines.some((l) => /^progress (setup|active)/.test(l))).toBe(true);
    expect(lines).toContain('verified: true');
    expect(lines.some((l) => /^downtime \d+ ms = final-transfer \d+ ms \+ destination-load \d+ ms \+ verify \d+ ms$/.test(l))).toBe(true);
    // No terminal control sequences when stdout is not a TTY.
    expect(w.stdout).not.toContain('\u001b[');
    expect((await dst.exited).code).toBe(0);

    // Watching a daemon whose migration completed shows the final figures at once.
    const again = await ctl(['--connect', tcp, 'watch']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('migration completed in');
  });
});

describe.concurrent('livemig-ctl with a control token', () => {
  it('presents the token from --token-file on the WebSocket and on a QMP socket; without it, refused', async ({ expect, onTestFinished }) => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'ctl-test-token\n', { mode: 0o600 });
    const src = startSource([...SMALL_MACHINE, '--control', '127.0.0.1:0', '--qmp', '127.0.0.1:0', '--control-token-file', tokenFile]);
    onTestFinished(() => killEach(src));
    const ws = await controlAddress(src);
    const qmp = await qmpSocketAddress(src);
    const withToken = await ctl(['--connect', ws, '--token-file', tokenFile, 'query-status']);
    expect(withToken.code, withToken.stderr).toBe(0);
    expect(JSON.parse(withToken.stdout).return.status).toBe('running');
    const viaSocket = await ctl(['--connect', `tcp:${qmp}`, '--token-file', tokenFile, 'query-status']);
    expect(viaSocket.code, viaSocket.stderr).toBe(0);
    const without = await ctl(['--connect', ws, 'query-status']);
    expect(without.code).not.toBe(0);
    expect(without.stderr).toMatch(/this control endpoint needs a token: pass --token-file FILE/);
    expect(without.stderr).not.toMatch(/Unexpected server response/);
    const missing = await ctl(['--connect', ws, '--token-file', join(dir, 'no-such-file'), 'query-status']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--token-file");
  });
});
