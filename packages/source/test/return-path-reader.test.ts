/**
 * ReturnPathReader, message by message: what each one hands the sink (values
 * and their defaults), where each phase refuses what, with which words, and that
 * the first error is the last thing the sink hears.
 */
import { describe, expect, it } from 'vitest';
import type { MigError, PeerError } from '@livemig/common/errors';
import { encodeRpMessage, type RpMessage } from '@livemig/common/wire';
import { ReturnPathReader, type ReturnPathExpectations, type ReturnPathSink } from '../src/return-path-reader';

function reader(expect: Partial<ReturnPathExpectations> = {}) {
  const calls: unknown[][] = [];
  const errors: MigError[] = [];
  const sink: ReturnPathSink = {
    authChallenge: (nonce, mac) => void calls.push(['authChallenge', Buffer.from(nonce).toString('hex'), Buffer.from(mac).toString('hex')]),
    configAccepted: () => void calls.push(['configAccepted']),
    pong: (v) => void calls.push(['pong', v]),
    switchoverAck: (rearms) => void calls.push(['ack', rearms]),
    deviceApproved: (id, ms, rearms) => void calls.push(['approved', id, ms, rearms]),
    loaded: (verified, messages) => void calls.push(['loaded', verified, messages.map((m) => m.deviceId)]),
    resumed: (m) => void calls.push(['resumed', m.paused === true]),
    shutOk: () => void calls.push(['shutOk']),
    recvBitmap: (piece) => void calls.push(['recvBitmap', piece.deviceId]),
    resumeAck: (resumes) => void calls.push(['resumeAck', resumes]),
    error: (e) => void errors.push(e),
  };
  const r = new ReturnPathReader(sink, { returnPath: true, switchoverAck: true, auth: false, ...expect });
  const send = (...msgs: RpMessage[]) => {
    for (const m of msgs) r.push(encodeRpMessage(m));
  };
  return { r, send, calls, errors };
}

describe('ReturnPathReader: what the sink gets', () => {
  it('values as sent, and their defaults when absent', () => {
    const h = reader({ auth: true });
    h.send(
      { authChallenge: { nonce: Buffer.from('0102', 'hex'), mac: Buffer.from('0a0b', 'hex') } },
      { configAccepted: {} },
      { pong: { value: 4 } },
      { pong: {} },
      { deviceApproved: { deviceId: 'accel0', ms: 12, rearms: 2 } },
      { deviceApproved: {} },
      { switchoverAck: {} },
      { switchoverAck: { rearms: 3 } },
      { loaded: { verified: true, deviceMessages: [{ deviceId: 'kv0', data: Buffer.from('x') }] } },
      { resumed: { paused: true } },
      { pong: { value: 5 } },
      { shut: { ok: true } },
    );
    expect(h.errors).toEqual([]);
    expect(h.calls).toEqual([
      ['authChallenge', '0102', '0a0b'],
      ['configAccepted'],
      ['pong', 4],
      ['pong', 0],
      ['approved', 'accel0', 12, 2],
      ['approved', '', 0, 0],
      ['ack', 0],
      ['ack', 3],
      ['loaded', true, ['kv0']],
      ['resumed', true],
      ['pong', 5],
      ['shutOk'],
    ]);
  });

  it('a challenge without nonce or mac hands on empty ones; LOADED without fields is unverified with no messages', () => {
    const h = reader({ auth: true });
    h.send({ authChallenge: {} }, { configAccepted: {} }, { loaded: {} });
    expect(h.errors).toEqual([]);
    expect(h.calls).toEqual([['authChallenge', '', ''], ['configAccepted'], ['loaded', false, []]]);
  });

  it('the challenge and the acceptance come without a return path too (return-path off, auth on)', () => {
    const h = reader({ auth: true, returnPath: false, switchoverAck: false });
    h.send({ authChallenge: { nonce: Buffer.from('01', 'hex') } }, { configAccepted: {} }, { shut: { ok: true } });
    expect(h.errors).toEqual([]);
    expect(h.calls).toEqual([['authChallenge', '01', ''], ['configAccepted'], ['shutOk']]);
  });

  it('LOADED verified:false is unverified', () => {
    const h = reader();
    h.send({ configAccepted: {} }, { loaded: { verified: false } });
    expect(h.calls.at(-1)).toEqual(['loaded', false, []]);
  });
});

describe('ReturnPathReader: refusals', () => {
  const cases: Array<[string, Partial<ReturnPathExpectations>, RpMessage[], string, string?]> = [
    ['a second challenge', { auth: true }, [{ authChallenge: {} }, { configAccepted: {} }, { authChallenge: {} }], 'return path: second authentication challenge'],
    ['a second challenge before acceptance', { auth: true }, [{ authChallenge: {} }, { authChallenge: {} }], "return path: 'authChallenge' message before the destination accepted the configuration"],
    ['a second LOADED', {}, [{ configAccepted: {} }, { loaded: {} }, { loaded: {} }], 'return path: second LOADED'],
    ['a second RESUMED', {}, [{ configAccepted: {} }, { loaded: {} }, { resumed: {} }, { resumed: {} }], 'return path: second RESUMED'],
    ['an ack after LOADED', {}, [{ configAccepted: {} }, { loaded: {} }, { switchoverAck: {} }], "return path: 'switchoverAck' message in state loaded"],
    ['an approval after RESUMED', {}, [{ configAccepted: {} }, { loaded: {} }, { resumed: {} }, { deviceApproved: {} }], "return path: 'deviceApproved' message in state resumed"],
    ['CONFIG_ACCEPTED after LOADED', {}, [{ configAccepted: {} }, { loaded: {} }, { configAccepted: {} }], 'return path: second CONFIG_ACCEPTED'],
    ['an approval with switchover-ack off', { switchoverAck: false }, [{ configAccepted: {} }, { deviceApproved: { deviceId: 'a' } }], 'return path: device approval but switchover-ack is off'],
    ['an ack for no more re-arms than the last', {}, [{ configAccepted: {} }, { switchoverAck: { rearms: 2 } }, { switchoverAck: { rearms: 2 } }], 'return path: second SWITCHOVER_ACK'],
    ['an ack for fewer re-arms than the last', {}, [{ configAccepted: {} }, { switchoverAck: { rearms: 2 } }, { switchoverAck: { rearms: 1 } }], 'return path: second SWITCHOVER_ACK'],
    ['LOADED without a return path', { returnPath: false, switchoverAck: false }, [{ configAccepted: {} }, { loaded: {} }], "return path: 'loaded' message but return-path is off"],
    ['a SHUT without a code or reason', {}, [{ shut: { ok: false } }], 'destination failed: no reason given', 'unknown'],
    ['a SHUT after SHUT', {}, [{ configAccepted: {} }, { shut: { ok: true } }, { shut: { ok: true } }], "return path: 'shut' message after SHUT"],
  ];
  for (const [name, caps, msgs, message, peerCode] of cases) {
    it(`refuses ${name}`, () => {
      const h = reader(caps);
      h.send(...msgs);
      expect(h.errors).toHaveLength(1);
      expect(h.errors[0]!.message).toBe(message);
      if (peerCode) expect((h.errors[0] as PeerError).peerCode).toBe(peerCode);
      // Nothing after the refused message reached the sink.
      const seen = h.calls.length;
      h.send({ pong: { value: 1 } });
      expect(h.calls).toHaveLength(seen);
      expect(h.errors).toHaveLength(1);
    });
  }

  it('a SHUT ok is the last word: nothing before it is lost, everything after it is refused', () => {
    const h = reader();
    h.send({ configAccepted: {} }, { shut: { ok: true } });
    expect(h.calls).toEqual([['configAccepted'], ['shutOk']]);
    h.send({ configAccepted: {} });
    expect(h.errors.map((e) => e.message)).toEqual(["return path: 'configAccepted' message after SHUT"]);
  });

  it('a refusing SHUT names the destination\'s code and reason', () => {
    const h = reader();
    h.send({ shut: { ok: false, code: 'MIG_ERR_VERIFY', reason: 'verification failed' } });
    expect(h.errors).toHaveLength(1);
    expect(h.errors[0]!.code).toBe('MIG_ERR_PEER');
    expect(h.errors[0]!.message).toBe('destination failed: verification failed');
    expect((h.errors[0] as PeerError).peerCode).toBe('MIG_ERR_VERIFY');
    expect(h.calls).toEqual([]);
  });

  it('a frame of an unknown kind is named as unknown', () => {
    const h = reader();
    h.send({ configAccepted: {} });
    h.r.push(Buffer.from([0, 0, 0, 2, 0x70, 0x01]));
    expect(h.errors.map((e) => e.message)).toEqual(["return path: unknown message type 'unknown'"]);
  });
});
