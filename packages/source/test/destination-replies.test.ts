/**
 * The source's side of the commit handshake and of the switchover-ack gate
 * (DestinationReplies): what the destination says on the return path, checked
 * against how far this side got. Driven directly, with a link that records
 * what it is told (fatal errors, wake-ups), so every out-of-order answer is a
 * case of its own: LOADED before the stream ended, RESUMED before RESUME, an
 * early SHUT ok, a second approval, acks for the wrong re-arm.
 */
import { describe, expect, it } from 'vitest';
import { MigError } from '@livemig/common/errors';
import { heldStateMessages } from '@livemig/common/wire';
import type { DestinationLink } from '../src/destination-link';
import { DestinationReplies, type RepliesOwner } from '../src/destination-replies';
import type { MigrationStatus } from '../src/migration-status';

interface Harness {
  replies: DestinationReplies;
  fatal: MigError[];
  /** Wake-ups so far (each change of state must wake the waits). */
  wakes: () => number;
  acks: number[];
  approvals: Array<[string, number]>;
  pongs: number[];
  link: { pinging: boolean };
  setStatus(s: MigrationStatus): void;
  decide(): void;
}

function harness(returnPath = true, opts: { pongThrows?: boolean; noWatchdog?: boolean } = {}): Harness {
  const fatal: MigError[] = [];
  let wakes = 0;
  const pongs: number[] = [];
  const link = {
    pinging: true,
    wakeup: { notify: () => void wakes++ },
    fatal: (err: MigError) => void fatal.push(err),
    watchdog: opts.noWatchdog ? null : {
      keepalive: {
        pong: (v: number) => {
          if (opts.pongThrows) throw new Error(`PONG ${v} out of order`);
          pongs.push(v);
        },
      },
    },
  };
  let status: MigrationStatus = 'active';
  let decided = false;
  const acks: number[] = [];
  const approvals: Array<[string, number]> = [];
  const owner: RepliesOwner = {
    status: () => status,
    phase: () => 'the test phase',
    onSwitchoverAck: (at) => void acks.push(at),
    onDeviceApproved: (id, ms) => void approvals.push([id, ms]),
    switchoverDecided: () => decided,
  };
  const replies = new DestinationReplies(owner, link as unknown as DestinationLink, returnPath);
  return {
    replies,
    fatal,
    wakes: () => wakes,
    acks,
    approvals,
    pongs,
    link,
    setStatus: (s) => void (status = s),
    decide: () => void (decided = true),
  };
}

/** Accepted, the stream ended, the machine stopped ('device'): LOADED may come. */
function untilStreamEnded(h: Harness): void {
  const sink = h.replies.sink();
  sink.configAccepted();
  h.setStatus('device');
  h.replies.endStream();
}

describe('DestinationReplies: the commit handshake (return path)', () => {
  it('the whole conversation in order: every step is visible, and wakes the waits', () => {
    const h = harness();
    const sink = h.replies.sink();
    const r = h.replies;
    expect(r.conversation).toBe('handshake');
    expect([r.configAccepted, r.streamEnded, r.loaded, r.committed, r.concluded, r.shutOk]).toEqual([false, false, false, false, false, false]);
    let w = h.wakes();
    sink.configAccepted();
    expect(r.conversation).toBe('accepted');
    expect(r.configAccepted).toBe(true);
    expect(r.streamEnded).toBe(false);
    expect(h.wakes()).toBeGreaterThan(w);
    h.setStatus('device');
    w = h.wakes();
    r.endStream();
    expect(h.wakes()).toBeGreaterThan(w);
    expect([r.configAccepted, r.streamEnded, r.loaded]).toEqual([true, true, false]);
    sink.loaded(true, [
      { deviceId: 'kv0', data: new Uint8Array([1, 2]) },
      { deviceId: 'accel0' },
    ]);
    expect(r.conversation).toBe('loaded');
    expect(r.loaded).toBe(true);
    expect(r.committed).toBe(false);
    expect(r.deviceMessages.get('kv0')).toEqual(new Uint8Array([1, 2]));
    expect(r.deviceMessages.get('accel0')).toEqual(new Uint8Array(0));
    r.commit();
    expect(r.committed).toBe(true);
    expect(r.concluded).toBe(false);
    const msg = { receiveMs: 1, loadMs: 2, verifyMs: 3, verified: true, devices: [], paused: false };
    const before = performance.now();
    sink.resumed(msg as never);
    expect(r.resumed).toBe(msg);
    expect(r.resumedAt).toBeGreaterThanOrEqual(before);
    expect(r.conversation).toBe('resumed');
    expect(r.concluded).toBe(true);
    expect(r.shutOk).toBe(false);
    expect(h.link.pinging).toBe(false);
    sink.shutOk();
    expect(r.conversation).toBe('concluded');
    expect(r.shutOk).toBe(true);
    expect(r.concluded).toBe(true);
    // Every earlier step still reads as done.
    expect([r.configAccepted, r.streamEnded, r.loaded, r.committed]).toEqual([true, true, true, true]);
    expect(h.fatal).toEqual([]);
  });

  it('onLoaded runs inside the callback that accepts LOADED (the commit leaves from there), and not for a LOADED out of place', () => {
    const h = harness();
    const sink = h.replies.sink();
    const seen: string[] = [];
    h.replies.onLoaded = () => seen.push(h.replies.conversation);
    sink.configAccepted();
    h.setStatus('device'); // stopped, but EOF not queued yet: LOADED is out of place
    sink.loaded(true, []);
    expect(seen).toEqual([]);
    expect(h.fatal).toHaveLength(1);

    const ok = harness();
    const calls: Array<[string, boolean]> = [];
    ok.replies.onLoaded = () => {
      calls.push([ok.replies.conversation, ok.replies.committed]);
      ok.replies.commit();
    };
    untilStreamEnded(ok);
    ok.replies.sink().loaded(true, []);
    // Called once, after LOADED was taken and before anything else could run.
    expect(calls).toEqual([['loaded', false]]);
    expect(ok.replies.committed).toBe(true);
    expect(ok.fatal).toEqual([]);
  });

  it('LOADED before the stream ended fails the migration', () => {
    const h = harness();
    const sink = h.replies.sink();
    sink.configAccepted();
    h.setStatus('device'); // stopped, but EOF not queued yet
    sink.loaded(true, []);
    expect(h.fatal).toHaveLength(1);
    expect(h.fatal[0]!.message).toMatch(/LOADED before the stream ended/);
    expect(h.fatal[0]!.code).toBe('MIG_ERR_PROTOCOL');
    expect(h.replies.loaded).toBe(false);
  });

  it('LOADED while the machine still runs (status not device) fails, even after EOF was queued', () => {
    const h = harness();
    const sink = h.replies.sink();
    sink.configAccepted();
    h.replies.endStream();
    h.setStatus('active');
    sink.loaded(true, []);
    expect(h.fatal.map((e) => e.message)).toEqual(['return path: LOADED before the stream ended']);
    expect(h.replies.conversation).toBe('stream-ended');
  });

  it('a second LOADED fails', () => {
    const h = harness();
    untilStreamEnded(h);
    const sink = h.replies.sink();
    sink.loaded(true, []);
    expect(h.fatal).toEqual([]);
    sink.loaded(true, []);
    expect(h.fatal.map((e) => e.message)).toEqual(['return path: LOADED before the stream ended']);
  });

  it('RESUMED before the source sent RESUME fails, and is not taken', () => {
    const h = harness();
    untilStreamEnded(h);
    const sink = h.replies.sink();
    sink.loaded(true, []);
    sink.resumed({ paused: false } as never);
    expect(h.fatal).toHaveLength(1);
    expect(h.fatal[0]!.message).toBe('return path: RESUMED before the source sent RESUME');
    expect(h.replies.resumed).toBeNull();
    expect(h.replies.concluded).toBe(false);
    expect(h.link.pinging).toBe(true);
  });

  it('a second RESUMED fails', () => {
    const h = harness();
    untilStreamEnded(h);
    const sink = h.replies.sink();
    sink.loaded(true, []);
    h.replies.commit();
    sink.resumed({ paused: false } as never);
    expect(h.fatal).toEqual([]);
    sink.resumed({ paused: true } as never);
    expect(h.fatal.map((e) => e.message)).toEqual(['return path: RESUMED before the source sent RESUME']);
  });

  it('SHUT ok before RESUMED (an early SHUT) fails, naming where the migration is', () => {
    for (const step of ['accepted', 'stream-ended', 'loaded', 'committed'] as const) {
      const h = harness();
      const sink = h.replies.sink();
      sink.configAccepted();
      if (step !== 'accepted') untilStreamEndedFrom(h);
      if (step === 'loaded' || step === 'committed') sink.loaded(true, []);
      if (step === 'committed') h.replies.commit();
      sink.shutOk();
      expect(h.fatal.map((e) => e.message), step).toEqual(['return path: the destination ended the migration (SHUT ok) during the test phase']);
      expect(h.replies.shutOk).toBe(false);
      expect(h.link.pinging).toBe(true);
    }
  });

  it('a second CONFIG_ACCEPTED fails', () => {
    const h = harness();
    const sink = h.replies.sink();
    sink.configAccepted();
    expect(h.fatal).toEqual([]);
    sink.configAccepted();
    expect(h.fatal.map((e) => e.message)).toEqual(['return path: CONFIG_ACCEPTED in state accepted']);
  });

  it('this side cannot commit before LOADED, nor end the stream before acceptance (a bug: StateError)', () => {
    const h = harness();
    expect(() => h.replies.endStream()).toThrow(/outgoing migration cannot go from handshake to stream-ended/);
    h.replies.sink().configAccepted();
    expect(() => h.replies.commit()).toThrow(/cannot go from accepted to committed/);
    h.replies.endStream();
    expect(() => h.replies.commit()).toThrow(/cannot go from stream-ended to committed/);
    expect(() => h.replies.endStream()).toThrow(/cannot go from stream-ended to stream-ended/);
  });
});

function untilStreamEndedFrom(h: Harness): void {
  h.setStatus('device');
  h.replies.endStream();
}

describe('DestinationReplies: without a return path', () => {
  it('SHUT ok answers EOF directly; loaded and committed never read true', () => {
    const h = harness(false);
    const sink = h.replies.sink();
    sink.configAccepted();
    h.setStatus('device');
    h.replies.endStream();
    expect(h.replies.loaded).toBe(false);
    sink.shutOk();
    expect(h.fatal).toEqual([]);
    expect(h.replies.shutOk).toBe(true);
    expect(h.replies.concluded).toBe(true);
    expect(h.replies.loaded).toBe(false);
    expect(h.replies.committed).toBe(false);
    expect(h.link.pinging).toBe(false);
  });

  it('SHUT ok before EOF was queued fails', () => {
    const h = harness(false);
    const sink = h.replies.sink();
    sink.configAccepted();
    sink.shutOk();
    expect(h.fatal.map((e) => e.message)).toEqual(['return path: the destination ended the migration (SHUT ok) during the test phase']);
  });
});

describe('DestinationReplies: the switchover-ack gate', () => {
  it('an ack for the current re-arms opens the gate; a stale one is ignored; one from the future fails', () => {
    const h = harness();
    h.replies.deviceAcks.set('accel0', { approved: false, rearms: 0 });
    const sink = h.replies.sink();
    sink.configAccepted();
    const w = h.wakes();
    sink.switchoverAck(0);
    expect(h.replies.ackAt).not.toBeNull();
    expect(h.acks).toEqual([h.replies.ackAt]);
    expect(h.wakes()).toBeGreaterThan(w);
    expect(h.replies.rearm('accel0')).toBe(1);
    expect(h.replies.ackAt).toBeNull();
    expect(h.replies.rearms).toBe(1);
    sink.switchoverAck(0); // sent before the destination loaded the re-arm
    expect(h.replies.ackAt).toBeNull();
    expect(h.acks).toHaveLength(1);
    expect(h.fatal).toEqual([]);
    sink.switchoverAck(1);
    expect(h.replies.ackAt).not.toBeNull();
    expect(h.acks).toHaveLength(2);
    sink.switchoverAck(2);
    expect(h.fatal.map((e) => e.message)).toEqual(['return path: SWITCHOVER_ACK after 2 re-arms, the source made 1']);
  });

  it('approvals: recorded once per re-arm; a second one fails; stale ones and unknown devices', () => {
    const h = harness();
    h.replies.deviceAcks.set('accel0', { approved: false, rearms: 0 });
    h.replies.deviceAcks.set('accel1', { approved: false, rearms: 0 });
    const sink = h.replies.sink();
    sink.configAccepted();
    sink.deviceApproved('accel0', 12, 0);
    expect(h.replies.deviceAcks.get('accel0')).toEqual({ approved: true, 'allocation-ms': 12, rearms: 0 });
    expect(h.replies.deviceAcks.get('accel1')).toEqual({ approved: false, rearms: 0 });
    expect(h.approvals).toEqual([['accel0', 12]]);
    sink.deviceApproved('accel0', 13, 0);
    expect(h.fatal.map((e) => e.message)).toEqual(["return path: second approval from 'accel0'"]);
    expect(h.approvals).toHaveLength(1);

    const g = harness();
    g.replies.deviceAcks.set('accel0', { approved: false, rearms: 0 });
    const s = g.replies.sink();
    s.configAccepted();
    s.deviceApproved('accel0', 5, 0);
    expect(g.replies.rearm('accel0')).toBe(1);
    expect(g.replies.deviceAcks.get('accel0')).toEqual({ approved: false, rearms: 1 });
    s.deviceApproved('accel0', 6, 0); // for the initial data since replaced
    expect(g.fatal).toEqual([]);
    expect(g.replies.deviceAcks.get('accel0')!.approved).toBe(false);
    s.deviceApproved('accel0', 7, 1);
    expect(g.replies.deviceAcks.get('accel0')).toEqual({ approved: true, 'allocation-ms': 7, rearms: 1 });
    expect(g.approvals).toEqual([
      ['accel0', 5],
      ['accel0', 7],
    ]);
    s.deviceApproved('accel0', 8, 2);
    expect(g.fatal.map((e) => e.message)).toEqual(["return path: approval from 'accel0' after 2 re-arms, the source made 1"]);
    s.deviceApproved('ram0', 1, 0);
    expect(g.fatal.map((e) => e.message)[1]).toBe("return path: approval from 'ram0', which is not a device that gates switchover");
  });

  it('a re-arm after the switchover decision fails the migration and leaves the ack standing', () => {
    const h = harness();
    h.replies.deviceAcks.set('accel0', { approved: true, rearms: 0 });
    const sink = h.replies.sink();
    sink.configAccepted();
    sink.switchoverAck(0);
    const at = h.replies.ackAt;
    h.decide();
    expect(h.replies.rearm('accel0')).toBe(1);
    expect(h.fatal).toHaveLength(1);
    expect(h.fatal[0]!.code).toBe('MIG_ERR_DEVICE');
    expect(h.fatal[0]!.message).toMatch(/'accel0' re-armed switchover-ack .* after the source decided to switch over/);
    expect(h.replies.ackAt).toBe(at);
    expect(h.replies.rearms).toBe(0);
    expect(h.replies.deviceAcks.get('accel0')).toEqual({ approved: true, rearms: 0 });
  });

  it('a re-arm of a device that does not gate switchover is a bug (StateError)', () => {
    const h = harness();
    expect(() => h.replies.rearm('ram0')).toThrow(/'ram0' re-armed switchover-ack, but it does not gate switchover/);
  });

  it('re-arms count per device and in total; each wakes the waits', () => {
    const h = harness();
    h.replies.deviceAcks.set('a', { approved: true, rearms: 0 });
    h.replies.deviceAcks.set('b', { approved: true, rearms: 0 });
    const w = h.wakes();
    expect(h.replies.rearm('a')).toBe(1);
    expect(h.replies.rearm('a')).toBe(2);
    expect(h.replies.rearm('b')).toBe(1);
    expect(h.replies.rearms).toBe(3);
    expect(h.wakes()).toBe(w + 3);
  });
});

describe('DestinationReplies: keepalive and the challenge', () => {
  it('a PONG goes to the keepalive and wakes the waits; one out of order fails the migration', () => {
    const h = harness();
    const w = h.wakes();
    h.replies.sink().pong(7);
    expect(h.pongs).toEqual([7]);
    expect(h.wakes()).toBe(w + 1);
    const bad = harness(true, { pongThrows: true });
    bad.replies.sink().pong(3);
    expect(bad.fatal).toHaveLength(1);
    expect(bad.fatal[0]!.code).toBe('MIG_ERR_RETURN_PATH');
    expect(bad.fatal[0]!.message).toMatch(/PONG 3 out of order/);
  });

  it('a PONG before the watchdog runs only wakes the waits', () => {
    const h = harness(true, { noWatchdog: true });
    h.replies.sink().pong(1);
    expect(h.fatal).toEqual([]);
    expect(h.wakes()).toBe(1);
  });

  it("LOADED's device messages: one without a device id is kept under ''", () => {
    const h = harness();
    untilStreamEnded(h);
    h.replies.sink().loaded(false, [{ data: new Uint8Array([3]) }]);
    expect([...h.replies.deviceMessages]).toEqual([['', new Uint8Array([3])]]);
  });

  it('the challenge is kept as data, and wakes the waits', () => {
    const h = harness();
    const w = h.wakes();
    const nonce = new Uint8Array([1]);
    const mac = new Uint8Array([2]);
    h.replies.sink().authChallenge(nonce, mac);
    expect(h.replies.challenge).toEqual({ nonce, mac });
    expect(h.wakes()).toBe(w + 1);
    expect(h.replies.conversation).toBe('handshake');
  });

  it('a return-path error is fatal as it is', () => {
    const h = harness();
    const err = new MigError('MIG_ERR_PEER', 'x');
    h.replies.sink().error(err);
    expect(h.fatal).toEqual([err]);
  });
});

describe('DestinationReplies: a recovery (precopy-resume)', () => {
  /** Accepted, a gating device approved and the ack came, then the link broke: a recovery begins. */
  function recovering(): Harness & { sink: ReturnType<DestinationReplies['sink']> } {
    const h = harness();
    const sink = h.replies.sink();
    h.replies.deviceAcks.set('accel0', { approved: false, rearms: 0 });
    sink.configAccepted();
    h.replies.rearm('accel0');
    sink.deviceApproved('accel0', 7, 1);
    sink.switchoverAck(1);
    sink.authChallenge(new Uint8Array([1]), new Uint8Array([2]));
    expect(h.replies.ackAt).not.toBeNull();
    h.replies.beginRecovery();
    return Object.assign(h, { sink });
  }

  it('beginRecovery forgets the ack, the approvals (keeping their re-arm numbers) and the old challenge, and wakes the waits', () => {
    const w = harness().wakes();
    const h = recovering();
    const r = h.replies;
    expect(r.conversation).toBe('recovering');
    expect(r.ackAt).toBeNull();
    expect(r.challenge).toBeNull();
    expect(r.deviceAcks.get('accel0')).toEqual({ approved: false, rearms: 1 });
    expect(r.held).not.toBeNull();
    expect(r.recovered).toBe(false);
    expect(r.configAccepted).toBe(true); // 'recovering' is past 'accepted'
    expect(h.wakes()).toBeGreaterThan(w);
    expect(h.fatal).toEqual([]);
  });

  it('held-state reports then RESUME_ACK: recovered, with what each device holds and the destination count', () => {
    const h = recovering();
    for (const m of heldStateMessages('ram0', new Uint8Array([9, 8, 7]))) h.sink.recvBitmap(m.recvBitmap!);
    for (const m of heldStateMessages('cpu0', null)) h.sink.recvBitmap(m.recvBitmap!);
    expect(h.replies.recovered).toBe(false);
    h.sink.resumeAck(3);
    expect(h.fatal).toEqual([]);
    expect(h.replies.conversation).toBe('accepted');
    expect(h.replies.recovered).toBe(true);
    expect(h.replies.destinationResumes).toBe(3);
    expect(h.replies.held!.get('ram0')).toEqual(new Uint8Array([9, 8, 7]));
    expect(h.replies.held!.get('cpu0')).toBeNull();
    // Approvals and the ack come again after RESUME_ACK, for the same re-arm.
    h.sink.deviceApproved('accel0', 0, 1);
    h.sink.switchoverAck(1);
    expect(h.fatal).toEqual([]);
    expect(h.replies.deviceAcks.get('accel0')).toMatchObject({ approved: true, rearms: 1 });
    expect(h.replies.ackAt).not.toBeNull();
    h.replies.endRecovery();
    expect(h.replies.held).toBeNull();
    expect(h.replies.recovered).toBe(false);
  });

  it('RESUME_ACK while a report is still in pieces is a protocol error', () => {
    const h = recovering();
    const big = new Uint8Array(4 * 1024 * 1024).map((_, i) => (i * 2654435761) >>> 24);
    const pieces = heldStateMessages('ram0', big);
    expect(pieces.length).toBeGreaterThan(1);
    h.sink.recvBitmap(pieces[0]!.recvBitmap!);
    h.sink.resumeAck(1);
    expect(h.fatal.map((e) => [e.code, e.message])).toEqual([['MIG_ERR_PROTOCOL', 'return path: RESUME_ACK before every held-state report was complete']]);
    expect(h.replies.recovered).toBe(false);
  });

  it('a held-state report outside a recovery, and RESUME_ACK outside one, are protocol errors', () => {
    const h = harness();
    const sink = h.replies.sink();
    sink.configAccepted();
    sink.recvBitmap(heldStateMessages('ram0', null)[0]!.recvBitmap!);
    sink.resumeAck(1);
    expect(h.fatal.map((e) => [e.code, e.message])).toEqual([
      ['MIG_ERR_PROTOCOL', 'return path: held-state report outside a recovery'],
      ['MIG_ERR_PROTOCOL', 'return path: RESUME_ACK before every held-state report was complete'],
    ]);
    expect(h.replies.destinationResumes).toBe(0);
  });

  it('a report that does not assemble (sent twice) fails the migration, naming the device', () => {
    const h = recovering();
    const piece = heldStateMessages('cpu0', null)[0]!.recvBitmap!;
    h.sink.recvBitmap(piece);
    expect(h.fatal).toEqual([]);
    h.sink.recvBitmap(piece);
    expect(h.fatal.map((e) => [e.code, e.message])).toEqual([['MIG_ERR_PROTOCOL', "return path: second held-state report for 'cpu0'"]]);
  });

  it('a second RESUME_ACK (the recovery already over) is refused by state', () => {
    const h = recovering();
    h.sink.resumeAck(1);
    expect(h.fatal).toEqual([]);
    h.sink.resumeAck(2);
    expect(h.fatal.map((e) => e.message)).toEqual(['return path: RESUME_ACK in state accepted']);
    expect(h.replies.destinationResumes).toBe(1);
  });

  it('abandonRecovery: back to accepted with no reports; only from a recovery', () => {
    const h = recovering();
    h.replies.abandonRecovery();
    expect(h.replies.conversation).toBe('accepted');
    expect(h.replies.held).toBeNull();
    expect(h.replies.recovered).toBe(false);
    // From another state it changes nothing but the reports.
    const g = harness();
    g.replies.sink().configAccepted();
    g.replies.endStream();
    g.replies.abandonRecovery();
    expect(g.replies.conversation).toBe('stream-ended');
    expect(() => g.replies.beginRecovery()).toThrow('outgoing migration cannot go from stream-ended to recovering');
  });
});
