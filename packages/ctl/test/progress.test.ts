/** livemig-ctl without daemons: addresses, the command line, progress formatting and the renderer. */
import { describe, expect, it } from 'vitest';
import { parseConnectAddress } from '../src/connect-address';
import { parseInvocation } from '../src/main';
import { formatEvent, formatFinal, formatProgressLine, progressSnapshot } from '../src/progress-format';
import { ProgressRenderer } from '../src/progress';

const MiB = 1024 * 1024;
const ACTIVE = {
  status: 'active',
  'total-time': 1500,
  'expected-downtime': 42,
  ram: { transferred: 80 * MiB, remaining: 8 * MiB, total: 64 * MiB, mbps: 2188.16, 'precopy-bytes': 90 * MiB, 'downtime-bytes': 0, 'dirty-sync-count': 4 },
  'dirty-sync-count': 4,
  remaining: 9 * MiB,
  'switchover-acked': false,
  devices: [
    { id: 'ram0', type: 'ram', size: 64 * MiB, 'switchover-ack': 'not-needed' },
    { id: 'accel0', type: 'accel', size: 16 * MiB, resources: 2, 'switchover-ack': 'pending' },
  ],
};
const COMPLETED = {
  ...ACTIVE,
  status: 'completed',
  'expected-downtime': undefined,
  remaining: 0,
  downtime: 18,
  'downtime-breakdown': { 'final-transfer': 10, 'destination-load': 5, verify: 3, 'per-device': { ram0: 7, accel0: 9 } },
  'switchover-acked': true,
  'switchover-ack-wait': 633,
  verified: true,
};

describe('parseConnectAddress', () => {
  it.each([
    ['127.0.0.1:4444', { kind: 'ws', url: 'ws://127.0.0.1:4444/' }],
    ['[::1]:4444', { kind: 'ws', url: 'ws://[::1]:4444/' }],
    ['ws://localhost:1/', { kind: 'ws', url: 'ws://localhost:1/' }],
    ['tcp:127.0.0.1:4445', { kind: 'tcp', host: '127.0.0.1', port: 4445 }],
    ['unix:/tmp/x.sock', { kind: 'unix', path: '/tmp/x.sock' }],
  ])('%s', (text, want) => {
    expect(parseConnectAddress(text)).toMatchObject(want);
  });

  it.each(['', 'localhost', 'tcp:host', '127.0.0.1:99999', 'unix:'])('refuses %j naming it', (text) => {
    expect(() => parseConnectAddress(text)).toThrow(/--connect/);
  });
});

describe('parseInvocation', () => {
  it('reads the address, the command and one JSON object of arguments', () => {
    expect(parseInvocation(['--connect', 'unix:/s', 'migrate', '{"uri":"tcp:127.0.0.1:1"}'])).toMatchObject({ command: 'migrate', args: { uri: 'tcp:127.0.0.1:1' }, address: { kind: 'unix' } });
    expect(parseInvocation(['query-status'], { LIVEMIG_CONNECT: '127.0.0.1:1' })).toMatchObject({ command: 'query-status', args: undefined });
    expect(parseInvocation(['watch', '-c', '127.0.0.1:1', '--interval', '500'])).toMatchObject({ command: 'watch', intervalMs: 500 });
  });

  it.each([
    [['query-status'], /--connect ADDR is required/],
    [['--connect', '127.0.0.1:1'], /a COMMAND is required/],
    [['--connect', '127.0.0.1:1', 'migrate', '{uri}'], /not valid JSON/],
    [['--connect', '127.0.0.1:1', 'migrate', '[1]'], /must be a JSON object/],
    [['--connect', '127.0.0.1:1', 'migrate', '{}', '{}'], /unexpected argument/],
    [['--connect', '127.0.0.1:1', '--bogus', 'x'], /bogus/],
    [['--connect', '127.0.0.1:1', 'watch', '--interval', 'fast'], /--interval/],
  ])('%j is a usage error', (argv, re) => {
    expect(() => parseInvocation(argv, {})).toThrow(re);
  });
});

describe('progress formatting', () => {
  it('a source snapshot while active', () => {
    const s = progressSnapshot(ACTIVE);
    expect(s).toMatchObject({ role: 'source', status: 'active', pass: 4, transferred: 90 * MiB, remaining: 9 * MiB, total: 80 * MiB, mbps: 2188.16, expectedDowntime: 42, ack: 'waiting for accel0' });
    expect(s.fraction).toBeCloseTo(71 / 80);
    expect(formatProgressLine(s)).toBe('active pass 4 | 1.5 s | sent 90.0 MiB, 9.0 MiB left of 80.0 MiB | 2188.2 Mbps | expected downtime 42 ms | ack waiting for accel0');
  });

  it('a destination snapshot shows allocation progress', () => {
    const s = progressSnapshot({ status: 'active', 'bytes-received': 2 * MiB, 'switchover-ack-pending': 1, devices: [{ id: 'accel0', size: MiB, resources: 4, 'allocated-resources': 1, 'switchover-ack': 'pending' }] });
    expect(s.role).toBe('destination');
    expect(formatProgressLine(s)).toContain('ack waiting for accel0 1/4');
  });

  it('the destination bar tracks the data received, pre-allocation is shown apart', () => {
    const info = {
      status: 'active',
      'total-time': 900,
      'bytes-received': 20 * MiB,
      'switchover-acked': true,
      'switchover-ack-wait': 700,
      devices: [
        { id: 'ram0', size: 64 * MiB, 'switchover-ack': 'not-needed' },
        { id: 'accel0', size: 16 * MiB, resources: 4, 'allocated-resources': 4, 'switchover-ack': 'approved' },
      ],
    };
    const s = progressSnapshot(info);
    expect(s.fraction).toBeCloseTo(20 / 80);
    expect(s.prealloc).toEqual({ done: 4, total: 4 });
    expect(formatProgressLine(s)).toBe('active | 0.9 s | received 20.0 MiB (state 80.0 MiB) | pre-allocated 4/4 | ack acked after 700 ms');
  });

  it('the ack follows the capability before the stream names the devices', () => {
    const waiting = { status: 'setup', 'socket-address': '127.0.0.1:1', devices: [{ id: 'accel0', size: MiB, resources: 4, 'allocated-resources': 0, 'switchover-ack': 'not-needed' }] };
    expect(progressSnapshot(waiting, { switchoverAck: true }).ack).toBe('on');
    expect(progressSnapshot(waiting, { switchoverAck: false }).ack).toBe('off');
  });

  it.each([200, 120, 100, 80, 60, 40])('the line fits %i columns, shortening and dropping by priority', (width) => {
    const line = formatProgressLine(progressSnapshot({ ...ACTIVE, 'total-time': 123_456, remaining: 999.9 * 1024 * MiB }), width);
    expect(line.length).toBeLessThanOrEqual(width);
    expect(line.startsWith('active pass 4 | 123.5 s')).toBe(true);
    if (width >= 60) expect(line).toContain('left');
    if (width <= 80) expect(line).not.toContain('ack');
    if (width >= 200) expect(line).toContain('expected downtime 42 ms | ack waiting for accel0');
  });

  it('a cancelled migration says what was left to send, not "0 passes"', () => {
    const cancelled = { ...ACTIVE, status: 'cancelled', 'dirty-sync-count': 0, ram: { ...ACTIVE.ram, 'dirty-sync-count': 0, 'precopy-bytes': 440 * MiB }, remaining: 3000 * MiB, 'error-desc': 'migration cancelled by user' };
    const lines = formatFinal(cancelled);
    expect(lines[0]).toBe('migration cancelled in 1500 ms: migration cancelled by user');
    expect(lines).toContain('sent 440.0 MiB before it was cancelled, 2.9 GiB still to send (0 dirty-bitmap syncs)');
  });

  it('final figures', () => {
    expect(formatFinal(COMPLETED)).toEqual([
      'migration completed in 1500 ms',
      'downtime 18 ms = final-transfer 10 ms + destination-load 5 ms + verify 3 ms',
      '  per device (load after switchover): ram0 7 ms, accel0 9 ms',
      'sent 90.0 MiB, 4 dirty-bitmap syncs, 2188.2 Mbps',
      'switchover-ack: acked after 633 ms',
      'verified: true',
    ]);
    expect(formatFinal({ status: 'failed', 'error-desc': 'connection to the destination lost', ram: {} })[0]).toBe('migration failed: connection to the destination lost');
    expect(formatFinal({ ...COMPLETED, 'destination-paused': true })[3]).toBe('the destination left the machine paused (it was paused here, or stopped there during the migration): cont on the destination starts it');
  });

  it('events', () => {
    expect(formatEvent({ event: 'MIGRATION', data: { status: 'active' }, timestamp: { seconds: 0, microseconds: 5000 } })).toBe('00:00:00.005 MIGRATION status=active');
    expect(formatEvent({ event: 'STOP', timestamp: { seconds: 1, microseconds: 0 } })).toBe('00:00:01.000 STOP');
  });
});

describe('ProgressRenderer (plain lines)', () => {
  it('prints a line on each status change and at most one per interval otherwise', () => {
    let now = 0;
    const out: string[] = [];
    const r = new ProgressRenderer({ stream: { write: (t: string) => out.push(t) }, tty: false, minIntervalMs: 1000, now: () => now });
    r.update({ status: 'none' });
    r.update({ ...ACTIVE, status: 'setup' });
    r.update(ACTIVE);
    now = 500;
    r.update({ ...ACTIVE, 'total-time': 2000 });
    now = 1200;
    r.update({ ...ACTIVE, 'total-time': 2700 });
    r.event({ event: 'STOP', timestamp: { seconds: 0, microseconds: 0 } });
    r.finish(COMPLETED);
    r.update(ACTIVE);
    const lines = out.join('').trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('progress '))).toHaveLength(3);
    expect(lines).toContain('00:00:00.000 STOP');
    expect(lines.at(-1)).toBe('verified: true');
  });

  it('draws a bar on a TTY and prints events above it', () => {
    let text = '';
    const stream = { isTTY: true, columns: 200, write: (t: string) => ((text += t), true), cursorTo: () => true, clearLine: () => true, moveCursor: () => true, on: () => stream, removeListener: () => stream };
    const r = new ProgressRenderer({ stream });
    expect(r.isTTY).toBe(true);
    r.update(ACTIVE);
    r.event({ event: 'MIGRATION_PASS', data: { pass: 5 }, timestamp: { seconds: 0, microseconds: 0 } });
    r.finish(COMPLETED);
    expect(text).toContain('[');
    expect(text).toContain('ack acked after 633 ms');
    expect(text).toContain('downtime 18 ms');
  });

  it.each([80, 100, 160])('the live bar line fits a %i-column terminal', (columns) => {
    let text = '';
    const stream = { isTTY: true, columns, write: (t: string) => ((text += t), true), cursorTo: () => true, clearLine: () => true, moveCursor: () => true, on: () => stream, removeListener: () => stream };
    const r = new ProgressRenderer({ stream });
    r.update({ ...ACTIVE, 'total-time': 61_000 });
    r.finish();
    // cli-progress writes the line after cursor moves; every visible line must fit.
    const lines = text.split(/\r|\n|\u001b\[[0-9;?]*[A-Za-z]/).filter((l) => l.includes('['));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(columns - 1);
    expect(lines.at(-1)).toContain('61.0 s');
  });
});

describe('precopy-resume: the pause in watch', () => {
  const PAUSED = { ...ACTIVE, status: 'precopy-paused', 'expected-downtime': undefined, resumes: 1, ram: { ...ACTIVE.ram, 'resent-after-resume': 3 * MiB } };
  const ev = (status: string, seconds = 0) => ({ event: 'MIGRATION', data: { status }, timestamp: { seconds, microseconds: 0 } });

  it('a paused migration says so, for how long, and how often it was resumed', () => {
    const s = progressSnapshot(PAUSED, { pausedSince: 1000, now: 4200 });
    expect(s).toMatchObject({ status: 'precopy-paused', pausedMs: 3200, resumes: 1, resent: 3 * MiB });
    expect(formatProgressLine(s)).toBe('precopy-paused pass 4 | 1.5 s | link broken 3.2 s, waiting for resume | resumed 1× | sent 90.0 MiB, 9.0 MiB left of 80.0 MiB | 2188.2 Mbps | ack waiting for accel0');
    expect(formatProgressLine(progressSnapshot({ ...PAUSED, status: 'precopy-recover' }, { pausedSince: 0, now: 500 }))).toContain('link broken 0.5 s, reconnecting');
    // Without the moment it began (watch started during the pause) it still says it is broken.
    expect(formatProgressLine(progressSnapshot(PAUSED))).toContain('link broken, waiting for resume');
    // Not paused: no pause field, and no resume count until there was one.
    expect(progressSnapshot(ACTIVE, { pausedSince: 1000, now: 4250 }).pausedMs).toBeNull();
    expect(formatProgressLine(progressSnapshot({ ...ACTIVE, resumes: 0 }))).not.toContain('resumed');
  });

  it('the pause outlives the shortening: after the status it is the last field dropped', () => {
    const s = progressSnapshot({ ...PAUSED, 'total-time': 123_456 }, { pausedSince: 0, now: 61_000 });
    const narrow = formatProgressLine(s, 40);
    expect(narrow.length).toBeLessThanOrEqual(40);
    expect(narrow).toContain('61.0 s');
    expect(formatProgressLine(s, 70)).toContain('link broken 61.0 s');
  });

  it('the final figures count the resumes and what was sent after the first', () => {
    const lines = formatFinal({ ...COMPLETED, resumes: 3, ram: { ...COMPLETED.ram, 'resent-after-resume': 512 * MiB } });
    expect(lines).toContain('resumed 3 times after a break; 512.0 MiB sent after the first resume');
    expect(formatFinal({ ...COMPLETED, resumes: 0 }).some((l) => l.startsWith('resumed'))).toBe(false);
  });

  it('the renderer clocks the pause from the precopy-paused event until the migration is active again', () => {
    let now = 0;
    const out: string[] = [];
    const r = new ProgressRenderer({ stream: { write: (t: string) => out.push(t) }, tty: false, minIntervalMs: 1000, now: () => now });
    r.update(ACTIVE);
    now = 2000;
    r.event(ev('precopy-paused'));
    now = 4500;
    r.update(PAUSED);
    expect(r.snapshot?.pausedMs).toBe(2500);
    // A resume attempt that fails pauses again: one pause, clocked from its start.
    r.event(ev('precopy-recover'));
    r.event(ev('precopy-paused'));
    now = 6000;
    r.update(PAUSED);
    expect(r.snapshot?.pausedMs).toBe(4000);
    r.event(ev('active'));
    r.update({ ...ACTIVE, resumes: 1 });
    expect(r.snapshot?.pausedMs).toBeNull();
    const progress = out.join('').split('\n').filter((l) => l.startsWith('progress '));
    expect(progress.some((l) => l.includes('link broken 2.5 s, waiting for resume'))).toBe(true);
    expect(progress.at(-1)).toContain('resumed 1×');
  });
});
