/**
 * The end of an incoming migration, driven directly (FinalLoad): after EOF
 * every device's final load, the digest check, then LOADED and the wait for
 * the commit (return path) or the resume at once; the resume itself (RESUMED
 * with the figures, SHUT ok, paused when autostart is off or the source was
 * paused). The parts around it are recorders, so the order of what it does is
 * visible.
 */
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { ProtocolError, type MigError } from '@livemig/common/errors';
import type { RpMessage } from '@livemig/common/wire';
import type { Machine } from '@livemig/common/devices';
import { FinalLoad, type FinalLoadOwner } from '../src/final-load';
import type { ReturnPathWriter } from '../src/return-path-writer';
import type { SectionTable } from '../src/section-table';

interface FakeDevice {
  id: string;
  loadComplete(): Promise<void>;
  completionMessage?(): Uint8Array;
}

function setup(opts: { rpOpen?: boolean; autostart?: boolean; digests?: Record<string, string>; finishedAfter?: 'loads' | 'loaded'; sendThrows?: boolean; devices?: FakeDevice[] } = {}) {
  const events: string[] = [];
  const sent: RpMessage[] = [];
  const shuts: boolean[] = [];
  const warnings: string[] = [];
  const logs: Array<{ level: number; msg: string; err?: string; ms?: number }> = [];
  let finished = false;
  const devices: FakeDevice[] = opts.devices ?? [
    { id: 'ram0', loadComplete: async () => void events.push('loadComplete:ram0') },
    { id: 'kv0', loadComplete: async () => void events.push('loadComplete:kv0'), completionMessage: () => new Uint8Array([7]) },
    { id: 'cpu0', loadComplete: async () => void events.push('loadComplete:cpu0'), completionMessage: () => new Uint8Array(0) },
  ];
  const machine = {
    devices,
    autostart: opts.autostart ?? true,
    digests: () => new Map(Object.entries(opts.digests ?? { ram0: 'aa', kv0: 'bb', cpu0: 'cc' }).map(([k, v]) => [k, Buffer.from(v, 'hex')])),
    start: () => void events.push('start'),
    stop: (why: string) => void events.push(`stop:${why}`),
  };
  const rp = {
    isOpen: opts.rpOpen ?? true,
    send: (m: RpMessage) => {
      if (opts.sendThrows) throw new Error('socket gone');
      events.push(`send:${Object.keys(m)[0]}`);
      sent.push(m);
    },
    shut: (ok: boolean) => {
      events.push(`shut:${ok}`);
      shuts.push(ok);
    },
  };
  const fails: MigError[] = [];
  const owner: FinalLoadOwner = {
    finished: () => finished,
    reached: (p) => {
      events.push(`reached:${p}`);
      if (opts.finishedAfter === 'loaded') finished = true;
    },
    awaitCommit: () => void events.push('awaitCommit'),
    completed: (paused) => void events.push(`completed:${paused}`),
    fail: (e) => {
      events.push('fail');
      fails.push(e);
    },
  };
  const log = pino(
    { level: 'debug' },
    {
      write: (s: string) => {
        const o = JSON.parse(s) as { level: number; msg: string; err?: string; ms?: number };
        logs.push(o);
        if (o.level >= 40) warnings.push(o.msg);
      },
    },
  );
  const end = new FinalLoad(machine as unknown as Machine, rp as unknown as ReturnPathWriter, log, owner);
  let ended = true;
  const sections = {
    checkAllEnded: () => {
      if (!ended) throw new ProtocolError("stream ended without the final section of 'cpu0'");
    },
    settled: async (d: FakeDevice) => {
      events.push(`settled:${d.id}`);
      if (opts.finishedAfter === 'loads') finished = true;
    },
  };
  return {
    end,
    events,
    sent,
    shuts,
    fails,
    warnings,
    logs,
    sections: sections as unknown as SectionTable,
    notEnded: () => void (ended = false),
  };
}

const digestsOf = (d: Record<string, string>) => Object.entries(d).map(([deviceId, hex]) => ({ deviceId, digest: Buffer.from(hex, 'hex') }));

describe('FinalLoad.run', () => {
  it('return path, verify on: final loads (each after its async loads), verify, LOADED with the device messages, then wait for the commit', async () => {
    const h = setup();
    h.end.switchoverAt = performance.now();
    h.end.receiveDigests(digestsOf({ ram0: 'aa', kv0: 'bb', cpu0: 'cc' }));
    await h.end.run(h.sections, true);
    expect(h.fails).toEqual([]);
    // Each device's final load follows its own settled().
    for (const id of ['ram0', 'kv0', 'cpu0']) expect(h.events.indexOf(`settled:${id}`)).toBeLessThan(h.events.indexOf(`loadComplete:${id}`));
    expect(h.events.slice(-3)).toEqual(['reached:loaded', 'awaitCommit', 'send:loaded']);
    expect(h.end.verified).toBe(true);
    expect(h.sent).toEqual([{ loaded: { verified: true, deviceMessages: [{ deviceId: 'kv0', data: new Uint8Array([7]) }] } }]);
    expect(Object.keys(h.end.deviceLoadMs).sort()).toEqual(['cpu0', 'kv0', 'ram0']);
    for (const ms of Object.values(h.end.deviceLoadMs)) expect(ms).toBeGreaterThanOrEqual(0);
    expect(h.end.loadedAt).toBeGreaterThanOrEqual(h.end.switchoverAt);
    expect(h.end.verifyMs).toBeGreaterThanOrEqual(0);
    expect(h.events).not.toContain('start');
  });

  it('the figures are durations of this run, not clock readings', async () => {
    const h = setup();
    h.end.receiveDigests(digestsOf({ ram0: 'aa', kv0: 'bb', cpu0: 'cc' }));
    const t0 = performance.now();
    h.end.switchoverAt = t0;
    await h.end.run(h.sections, true);
    const took = performance.now() - t0;
    for (const ms of Object.values(h.end.deviceLoadMs)) expect(ms).toBeLessThanOrEqual(took);
    expect(h.end.verifyMs).toBeLessThanOrEqual(took);
    const computed = h.logs.find((l) => l.msg === 'destination digests computed');
    expect(computed).toBeDefined();
    expect(computed!.ms).toBeGreaterThanOrEqual(0);
    expect(computed!.ms!).toBeLessThanOrEqual(Math.ceil(took));
  });

  it('a digest sent without bytes is an empty digest', async () => {
    const h = setup({ devices: [{ id: 'ram0', loadComplete: async () => undefined }], digests: { ram0: '' } });
    h.end.receiveDigests([{ deviceId: 'ram0' }]);
    await h.end.run(h.sections, true);
    expect(h.fails).toEqual([]);
    expect(h.end.verified).toBe(true);
  });

  it('verify off: no check (verified stays null), LOADED says not verified', async () => {
    const h = setup({ digests: { ram0: 'ff' } });
    await h.end.run(h.sections, false);
    expect(h.fails).toEqual([]);
    expect(h.end.verified).toBeNull();
    expect(h.sent[0]!.loaded!.verified).toBe(false);
  });

  it('verify on without digests fails the migration (VerifyError), and sends nothing', async () => {
    const h = setup();
    await h.end.run(h.sections, true);
    expect(h.fails).toHaveLength(1);
    expect(h.fails[0]!.code).toBe('MIG_ERR_VERIFY');
    expect(h.fails[0]!.message).toBe('verify is on but the source sent no digests');
    expect(h.sent).toEqual([]);
    expect(h.events).not.toContain('reached:loaded');
  });

  it('a device with no source digest, or a different one, fails verification naming it', async () => {
    const missing = setup();
    missing.end.receiveDigests(digestsOf({ ram0: 'aa', cpu0: 'cc' }));
    await missing.end.run(missing.sections, true);
    expect(missing.fails.map((e) => [e.code, e.message])).toEqual([['MIG_ERR_VERIFY', "verification failed: no source digest for 'kv0'"]]);
    expect(missing.end.verified).toBeNull();

    const differs = setup({ digests: { ram0: 'aa', kv0: '0123456789abcdef0123', cpu0: 'cc' } });
    differs.end.receiveDigests(digestsOf({ ram0: 'aa', kv0: 'fedcba9876543210fedc', cpu0: 'cc' }));
    await differs.end.run(differs.sections, true);
    expect(differs.fails).toHaveLength(1);
    expect(differs.fails[0]!.code).toBe('MIG_ERR_VERIFY');
    expect(differs.fails[0]!.message).toBe("verification failed for 'kv0': destination state 0123456789abcdef… differs from source fedcba9876543210…");
    expect(differs.sent).toEqual([]);
  });

  it('digests sent twice are refused; a digest without a device id is kept under ""', () => {
    const h = setup();
    h.end.receiveDigests([{ digest: new Uint8Array([1]) }]);
    expect(() => h.end.receiveDigests([])).toThrow(ProtocolError);
    expect(() => h.end.receiveDigests([])).toThrow('digests sent twice');
  });

  it('a device without its final section fails the migration before any final load', async () => {
    const h = setup();
    h.notEnded();
    await h.end.run(h.sections, false);
    expect(h.fails.map((e) => [e.code, e.message])).toEqual([['MIG_ERR_PROTOCOL', "stream ended without the final section of 'cpu0'"]]);
    expect(h.events.filter((e) => e.startsWith('loadComplete'))).toEqual([]);
  });

  it('a failing final load fails the migration as a device error', async () => {
    const h = setup({ devices: [{ id: 'accel0', loadComplete: async () => Promise.reject(new Error('allocation failed')) }] });
    await h.end.run(h.sections, false);
    expect(h.fails).toHaveLength(1);
    expect(h.fails[0]!.code).toBe('MIG_ERR_DEVICE');
    expect(h.fails[0]!.message).toMatch(/allocation failed/);
  });

  it('stops when the migration finished during the final loads, or at the loaded point', async () => {
    const a = setup({ finishedAfter: 'loads' });
    a.end.receiveDigests(digestsOf({ ram0: 'aa', kv0: 'bb', cpu0: 'cc' }));
    await a.end.run(a.sections, true);
    expect(a.events).not.toContain('reached:loaded');
    expect(a.sent).toEqual([]);
    expect(a.end.loadedAt).toBe(0);
    expect(a.end.verified).toBeNull();

    const b = setup({ finishedAfter: 'loaded' });
    await b.end.run(b.sections, false);
    expect(b.events).toContain('reached:loaded');
    expect(b.events).not.toContain('awaitCommit');
    expect(b.sent).toEqual([]);
  });

  it('without a return path: resumes at once (start, SHUT ok, completed), no LOADED and no RESUMED', async () => {
    const h = setup({ rpOpen: false });
    await h.end.run(h.sections, false);
    expect(h.fails).toEqual([]);
    expect(h.events.slice(-4)).toEqual(['reached:loaded', 'start', 'shut:true', 'completed:false']);
    expect(h.sent).toEqual([]);
  });
});

describe('FinalLoad.resume', () => {
  it('runs the machine, sends RESUMED with the figures, then SHUT ok', () => {
    const h = setup();
    h.end.switchoverAt = 100;
    h.end.eofAt = 130;
    h.end.loadedAt = 180;
    h.end.verifyMs = 4;
    h.end.verified = true;
    h.end.deviceLoadMs.ram0 = 60;
    h.end.deviceLoadMs.kv0 = 75;
    h.end.resume();
    expect(h.events).toEqual(['start', 'send:resumed', 'shut:true', 'completed:false']);
    expect(h.sent[0]).toEqual({
      resumed: {
        receiveMs: 30,
        loadMs: 50,
        verifyMs: 4,
        verified: true,
        devices: [
          { deviceId: 'ram0', loadMs: 60 },
          { deviceId: 'kv0', loadMs: 75 },
        ],
        paused: false,
      },
    });
  });

  it('not verified: RESUMED says so', () => {
    const h = setup();
    h.end.resume();
    expect(h.sent[0]!.resumed!.verified).toBe(false);
    expect(h.sent[0]!.resumed!.devices).toEqual([]);
  });

  it('autostart off: the machine is left paused, RESUMED and completed say so', () => {
    const h = setup({ autostart: false });
    h.end.resume();
    expect(h.events).toEqual(['stop:paused', 'send:resumed', 'shut:true', 'completed:true']);
    expect(h.sent[0]!.resumed!.paused).toBe(true);
  });

  it('the source was paused (EOF said so): left paused here too', () => {
    const h = setup();
    h.end.sourcePaused = true;
    h.end.resume();
    expect(h.events).toEqual(['stop:paused', 'send:resumed', 'shut:true', 'completed:true']);
  });

  it('a return path that fails no longer undoes the resume: a warning, and completed all the same', () => {
    const h = setup({ sendThrows: true });
    h.end.resume();
    expect(h.events).toEqual(['start', 'completed:false']);
    expect(h.warnings).toEqual(['could not confirm the resume to the source']);
    expect(h.logs.find((l) => l.level === 40)!.err).toBe('socket gone');
  });
});
