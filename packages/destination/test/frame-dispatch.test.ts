/**
 * The load state machine's dispatch (FrameDispatch), driven frame by frame
 * with recording parts: what each frame does in each phase, what it refuses
 * and with which words, and which points it publishes, in order.
 */
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { ProtocolError } from '@livemig/common/errors';
import { livemig, type DecodedFrame, type DecodedFrameMessage } from '@livemig/common/wire';
import { Machine, parseDeviceList, parseWorkloadSpec } from '@livemig/common/devices';
import { FrameDispatch, type DispatchParts } from '../src/frame-dispatch';
import { SectionTable } from '../src/section-table';
import type { LoadPoint } from '../src/probes';
import { refusal } from '../../common/test/helpers/refusal';

const C = livemig.CommandType;
const T = livemig.SectionType;

function setup(opts: { returnPath?: boolean; multifd?: boolean; verify?: boolean; finishAt?: LoadPoint } = {}) {
  const events: string[] = [];
  const machine = new Machine(parseDeviceList(['ram,id=ram0,size=64K', 'cpu,id=cpu0']), parseWorkloadSpec('dirty-rate=0'), 'destination');
  const sections = new SectionTable(machine);
  let rpOpen = false;
  const rp = {
    get isOpen() {
      return rpOpen;
    },
    openReturnPath: () => {
      rpOpen = true;
      events.push('rp.open');
    },
    send: (m: unknown) => void events.push(`rp.send:${JSON.stringify(m)}`),
  };
  const end = {
    eofAt: 0,
    switchoverAt: 0,
    sourcePaused: false,
    receiveDigests: (d: unknown[]) => void events.push(`digests:${d.length}`),
    run: async (_s: SectionTable, verify: boolean) => void events.push(`end.run:${verify}`),
    resume: () => void events.push('end.resume'),
  };
  let resumeSync: (() => void) | null = null;
  const receiver = opts.multifd
    ? {
        mainReached: (v: number, cb: () => void) => {
          events.push(`multifd.mainReached:${v}`);
          resumeSync = cb;
        },
      }
    : null;
  const parts = {
    machine,
    caps: { 'return-path': opts.returnPath ?? true },
    log: pino({ level: 'silent' }),
    rp,
    reader: { pauseForSync: () => void events.push('reader.pause'), resumeAfterSync: () => void events.push('reader.resume') },
    sections,
    setup: { returnPathOpened: () => void events.push('setup.rpOpened') },
    end,
    timers: { stopIdleDigest: () => void events.push('timers.stopIdleDigest') },
    channels: { receiver },
  } as unknown as DispatchParts;
  const d: FrameDispatch = new FrameDispatch(
    parts,
    {
      reached: (p) => {
        events.push(`reached:${p}`);
        if (p === opts.finishAt) d.phases.fail();
      },
    },
    opts.verify ?? false,
  );
  const frame = (message: { body: string | undefined; [k: string]: unknown }, payload: Buffer[] = [], inPlace = false): DecodedFrame<DecodedFrameMessage> => ({
    message: message as unknown as DecodedFrameMessage,
    payload,
    payloadLength: payload.reduce((n, b) => n + b.length, 0),
    inPlace,
    wireBytes: 0,
  });
  const cmd = (type: number, value?: number) => frame({ body: 'command', command: { type, value } as livemig.Command });
  const section = (s: livemig.Section.$Properties, payload: Buffer[] = []) => frame({ body: 'section', section: s as livemig.Section }, payload);
  return { d, events, machine, sections, end, frame, cmd, section, resumeSync: () => resumeSync };
}

const ramStart = { type: T.SECTION_START, sectionId: 1, deviceId: 'ram0', deviceType: 'ram', version: 1, header: livemig.devices.RamData.encode({ pageSize: 4096, totalBytes: 65536 }).finish() };
const ramPart = (first: number, fill: number) => ({
  s: { type: T.SECTION_PART, sectionId: 1, header: livemig.devices.RamData.encode({ normalRuns: [first, 1] }).finish() },
  payload: [Buffer.alloc(4096, fill)],
});

describe('FrameDispatch', () => {
  it('a whole stream: each frame moves the phases on and reaches its points, in order', async () => {
    const h = setup({ verify: true });
    const { d, events } = h;
    expect([d.phase, d.streaming, d.finished]).toEqual(['precopy', true, false]);
    d.handleFrame(h.cmd(C.CMD_OPEN_RETURN_PATH));
    expect(events).toEqual(['rp.open', 'setup.rpOpened']);
    d.handleFrame(h.cmd(C.CMD_PING, 5));
    expect(events.at(-1)).toBe('rp.send:{"pong":{"value":5}}');
    d.handleFrame(h.cmd(C.CMD_PING));
    expect(events.at(-1)).toBe('rp.send:{"pong":{"value":0}}');
    d.handleFrame(h.section(ramStart));
    const p = ramPart(2, 0x5a);
    events.length = 0;
    d.handleFrame(h.section(p.s, p.payload));
    expect(events).toEqual(['reached:section']);
    const ram = h.machine.device('ram0') as unknown as { memory: { view(p: number, n: number): Buffer } };
    expect(ram.memory.view(2, 1).every((b) => b === 0x5a)).toBe(true);
    const before = performance.now();
    d.handleFrame(h.cmd(C.CMD_SWITCHOVER_START));
    expect(h.end.switchoverAt).toBeGreaterThanOrEqual(before);
    expect([d.phase, d.streaming]).toEqual(['switchover', true]);
    expect(events.at(-1)).toBe('reached:switchover');
    events.length = 0;
    d.handleFrame(h.section({ type: T.SECTION_END, sectionId: 1 }));
    // END publishes no 'section' point (only PARTs do).
    expect(events).toEqual([]);
    d.handleFrame(h.frame({ body: 'verify', verify: { digests: [{ deviceId: 'ram0' }, { deviceId: 'cpu0' }] } as livemig.Verify }));
    expect(events).toEqual(['digests:2']);
    const t0 = performance.now();
    d.handleFrame(h.frame({ body: 'eof', eof: { sourcePaused: true } as livemig.Eof }));
    expect(h.end.eofAt).toBeGreaterThanOrEqual(t0);
    expect(h.end.sourcePaused).toBe(true);
    expect(d.phase).toBe('loading');
    expect(d.streaming).toBe(false);
    expect(events.slice(1)).toEqual(['timers.stopIdleDigest', 'reached:eof', 'end.run:true']);
    d.phases.go('loaded');
    d.handleFrame(h.cmd(C.CMD_PING, 9));
    d.handleFrame(h.cmd(C.CMD_RESUME));
    expect(events.slice(-3)).toEqual(['rp.send:{"pong":{"value":9}}', 'reached:resume', 'end.resume']);
  });

  it('an EOF without sourcePaused leaves the machine free to run; verify off runs the end without a check', () => {
    const h = setup();
    h.d.handleFrame(h.cmd(C.CMD_SWITCHOVER_START));
    h.d.handleFrame(h.section(ramStart));
    h.end.sourcePaused = true;
    h.d.handleFrame(h.frame({ body: 'eof', eof: {} as livemig.Eof }));
    expect(h.end.sourcePaused).toBe(false);
    expect(h.events.at(-1)).toBe('end.run:false');
    const n = setup();
    n.d.handleFrame(n.cmd(C.CMD_SWITCHOVER_START));
    n.d.handleFrame(n.frame({ body: 'eof' }));
    expect(n.end.sourcePaused).toBe(false);
  });

  it('refuses frames out of place, naming them', () => {
    const h = setup();
    const { d } = h;
    expect(refusal(() => d.handleFrame(h.frame({ body: 'command', command: { type: C.CMD_PING } as livemig.Command }, [Buffer.from('x')])), ProtocolError)).toBe("'command' frame with a payload");
    expect(refusal(() => d.handleFrame(h.frame({ body: undefined }, [Buffer.from('x')])), ProtocolError)).toBe("'unknown' frame with a payload");
    expect(refusal(() => d.handleFrame(h.cmd(C.CMD_PING)), ProtocolError)).toBe('PING before OPEN_RETURN_PATH');
    expect(h.events).toEqual([]);
    expect(refusal(() => d.handleFrame(h.frame({ body: 'header' })), ProtocolError)).toBe("unexpected 'header' frame in state precopy");
    expect(refusal(() => d.handleFrame(h.frame({ body: undefined })), ProtocolError)).toBe("unexpected 'unknown' frame in state precopy");
    expect(refusal(() => d.handleFrame(h.frame({ body: 'eof' })), ProtocolError)).toBe('EOF before SWITCHOVER_START');
    expect(refusal(() => d.handleFrame(h.frame({ body: 'verify', verify: {} as livemig.Verify })), ProtocolError)).toBe('digests before switchover');
    expect(refusal(() => d.handleFrame(h.cmd(C.CMD_RESUME)), ProtocolError)).toBe('RESUME in state precopy (only after LOADED)');
    expect(refusal(() => d.handleFrame(h.cmd(C.CMD_MULTIFD_SYNC, 1)), ProtocolError)).toBe('MULTIFD_SYNC but multifd is off');
    d.handleFrame(h.cmd(C.CMD_OPEN_RETURN_PATH));
    expect(refusal(() => d.handleFrame(h.cmd(C.CMD_OPEN_RETURN_PATH)), ProtocolError)).toBe('OPEN_RETURN_PATH received twice');
    d.handleFrame(h.cmd(C.CMD_SWITCHOVER_START));
    expect(refusal(() => d.handleFrame(h.frame({ body: 'verify', verify: { digests: [] } as unknown as livemig.Verify })), ProtocolError)).toBe('digests sent but verify is off');
    expect(refusal(() => d.handleFrame(h.frame({ body: 'configuration' })), ProtocolError)).toBe("unexpected 'configuration' frame in state switchover");
    d.handleFrame(h.frame({ body: 'eof' }));
    expect(refusal(() => d.handleFrame(h.frame({ body: 'header' })), ProtocolError)).toBe("'header' frame after EOF");
    expect(refusal(() => d.handleFrame(h.section({ type: T.SECTION_PART, sectionId: 1 })), ProtocolError)).toBe("'section' frame after EOF");
    d.phases.go('loaded');
    expect(refusal(() => d.handleFrame(h.frame({ body: 'header' })), ProtocolError)).toBe("'header' frame after EOF");
  });

  it('OPEN_RETURN_PATH with return-path off is refused; digests with verify off too', () => {
    const h = setup({ returnPath: false });
    expect(refusal(() => h.d.handleFrame(h.cmd(C.CMD_OPEN_RETURN_PATH)), ProtocolError)).toBe('OPEN_RETURN_PATH but return-path is off');
    expect(h.events).toEqual([]);
  });

  it('MULTIFD_SYNC: the main channel stops until every channel reached the same point', () => {
    const h = setup({ multifd: true });
    h.d.handleFrame(h.cmd(C.CMD_MULTIFD_SYNC, 3));
    expect(h.events).toEqual(['reader.pause', 'multifd.mainReached:3']);
    h.resumeSync()!();
    expect(h.events.at(-1)).toBe('reader.resume');
    h.d.handleFrame(h.cmd(C.CMD_MULTIFD_SYNC));
    expect(h.events.at(-1)).toBe('multifd.mainReached:0');
  });

  it('a point subscriber that fails the migration stops the frame there', () => {
    const a = setup({ finishAt: 'section' });
    a.d.handleFrame(a.section(ramStart));
    const p = ramPart(3, 0x11);
    a.d.handleFrame(a.section(p.s, p.payload));
    const ram = a.machine.device('ram0') as unknown as { memory: { view(p: number, n: number): Buffer } };
    expect(ram.memory.view(3, 1).every((b) => b === 0)).toBe(true);
    // Finished: every later frame is ignored, even a bad one.
    expect(a.d.finished).toBe(true);
    expect(() => a.d.handleFrame(a.frame({ body: 'header' }))).not.toThrow();

    const b = setup({ finishAt: 'eof' });
    b.d.handleFrame(b.cmd(C.CMD_SWITCHOVER_START));
    b.d.handleFrame(b.frame({ body: 'eof' }));
    expect(b.events).not.toContain('end.run:false');

    const c = setup({ finishAt: 'resume' });
    c.d.handleFrame(c.cmd(C.CMD_SWITCHOVER_START));
    c.d.handleFrame(c.frame({ body: 'eof' }));
    c.d.phases.go('loaded');
    c.d.handleFrame(c.cmd(C.CMD_RESUME));
    expect(c.events.at(-1)).toBe('reached:resume');
  });

  it('pageDevice: only a multifd device of this machine, while streaming, before its END; one loader per device', () => {
    const h = setup();
    const { d } = h;
    expect(refusal(() => d.pageDevice('nope'), ProtocolError)).toBe("multifd pages for 'nope', which is not a device of this machine that may use multifd");
    expect(refusal(() => d.pageDevice('cpu0'), ProtocolError)).toBe("multifd pages for 'cpu0', which is not a device of this machine that may use multifd");
    const loader = d.pageDevice('ram0');
    expect(loader.device).toBe(h.machine.device('ram0'));
    expect(d.pageDevice('ram0')).toBe(loader);
    d.handleFrame(h.section(ramStart));
    const p = ramPart(4, 0x22);
    expect(loader.header(p.s)).toEqual(livemig.devices.RamData.decode(p.s.header));
    loader.load(p.s, p.payload, 4096, false);
    const ram = h.machine.device('ram0') as unknown as { memory: { view(p: number, n: number): Buffer } };
    expect(ram.memory.view(4, 1).every((b) => b === 0x22)).toBe(true);
    d.handleFrame(h.cmd(C.CMD_SWITCHOVER_START));
    d.handleFrame(h.section({ type: T.SECTION_END, sectionId: 1 }));
    expect(refusal(() => d.pageDevice('ram0'), ProtocolError)).toBe("multifd pages for 'ram0' after its END");
    d.handleFrame(h.frame({ body: 'eof' }));
    expect(refusal(() => d.pageDevice('ram0'), ProtocolError)).toBe("multifd pages for 'ram0' in state loading");
  });

  it('payloadTargets: only sections, only while streaming', () => {
    const h = setup();
    const { d } = h;
    d.handleFrame(h.section(ramStart));
    const p = ramPart(5, 0);
    const msg = { body: 'section', section: p.s } as unknown as DecodedFrameMessage;
    expect(d.payloadTargets(msg, 4096)!.reduce((n, b) => n + b.length, 0)).toBe(4096);
    expect(d.payloadTargets({ body: 'command', section: p.s } as unknown as DecodedFrameMessage, 4096)).toBeNull();
    expect(d.payloadTargets({ body: 'section' } as unknown as DecodedFrameMessage, 4096)).toBeNull();
    d.handleFrame(h.cmd(C.CMD_SWITCHOVER_START));
    expect(d.payloadTargets(msg, 4096)).not.toBeNull();
    d.handleFrame(h.section({ type: T.SECTION_END, sectionId: 1 }));
    d.handleFrame(h.frame({ body: 'eof' }));
    expect(d.payloadTargets(msg, 4096)).toBeNull();
  });

  it('a Verify frame without digests hands on an empty list', () => {
    const h = setup({ verify: true });
    h.d.handleFrame(h.cmd(C.CMD_SWITCHOVER_START));
    h.d.handleFrame(h.frame({ body: 'verify', verify: {} }));
    expect(h.events.at(-1)).toBe('digests:0');
  });

  it('a frame of no known kind after EOF is named unknown', () => {
    const h = setup();
    h.d.handleFrame(h.cmd(C.CMD_SWITCHOVER_START));
    h.d.handleFrame(h.frame({ body: 'eof' }));
    expect(refusal(() => h.d.handleFrame(h.frame({ body: undefined })), ProtocolError)).toBe("'unknown' frame after EOF");
  });

  it('remembers whether the source sends digests', () => {
    expect(setup({ verify: true }).d.sourceVerify).toBe(true);
    expect(setup().d.sourceVerify).toBe(false);
  });
});
