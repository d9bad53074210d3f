/**
 * The QMP envelope without transports: the JSON streamer at every split point,
 * the session's negotiation gate, the dispatcher's argument schemas.
 */
import fc from 'fast-check';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { JsonStreamer } from '../src/qmp/json-streamer';
import { QmpDispatcher, parseQmpRequest, qmpTimestamp } from '../src/qmp/dispatcher';
import { QmpSession } from '../src/qmp/session';
import { checkArgs } from '../src/qmp/args';
import { FrameTooLargeError } from '../src/errors';

const TEXTS = ['{"execute":"qmp_capabilities"}', '{"execute":"x","arguments":{"s":"}{\\"]["},"id":[1,{"a":2}]}', '[1,2]', 'nonsense'];
const STREAM = `${TEXTS[0]}\r\n  ${TEXTS[1]}${TEXTS[2]}\n${TEXTS[3]}\n`;

describe('JsonStreamer', () => {
  it('cuts whole texts, at every split point of the stream', () => {
    for (let i = 0; i <= STREAM.length; i++) {
      const s = new JsonStreamer(1024);
      expect([...s.push(STREAM.slice(0, i)), ...s.push(STREAM.slice(i))]).toEqual(TEXTS);
      expect(s.pending).toBe(0);
    }
  });

  it('byte at a time, and at random split points', () => {
    const s = new JsonStreamer(1024);
    const out: string[] = [];
    for (const ch of STREAM) out.push(...s.push(ch));
    expect(out).toEqual(TEXTS);
    fc.assert(
      fc.property(fc.array(fc.nat(STREAM.length), { maxLength: 6 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const st = new JsonStreamer(1024);
        const got: string[] = [];
        let prev = 0;
        for (const p of [...points, STREAM.length]) {
          got.push(...st.push(STREAM.slice(prev, p)));
          prev = p;
        }
        expect(got).toEqual(TEXTS);
      }),
      // Pinned: a failure replays with the same inputs (fast-check prints the seed and path).
      { seed: 0x9e7e1, numRuns: 300 },
    );
  });

  it('refuses a pending text over the maximum', () => {
    const s = new JsonStreamer(16);
    expect(() => s.push('{"execute":"aaaaaaaaaaaaaaaaaaaaa')).toThrow(FrameTooLargeError);
  });
});

describe('QMP envelope', () => {
  it('checks the request shape with QEMU texts and echoes the id', () => {
    expect(parseQmpRequest(3)).toEqual({ reply: { error: { class: 'GenericError', desc: 'QMP input must be a JSON object' } } });
    expect(parseQmpRequest({ execute: 'a', id: null })).toEqual({ execute: 'a', args: {}, id: null });
    expect(parseQmpRequest({ execute: 'a', arguments: 1, id: 5 })).toEqual({ reply: { error: { class: 'GenericError', desc: "QMP input member 'arguments' must be an object" }, id: 5 } });
    expect(parseQmpRequest({ arguments: {} })).toEqual({ reply: { error: { class: 'GenericError', desc: "QMP input lacks member 'execute'" } } });
  });

  it('timestamps in QEMU form', () => {
    expect(qmpTimestamp(1_700_000_000_123.456)).toEqual({ seconds: 1_700_000_000, microseconds: 123_456 });
  });

  it('argument schemas name the bad argument', () => {
    const schema = { uri: { type: 'string', required: true }, n: { type: 'int' }, size: { type: 'size' } } as const;
    expect(() => checkArgs({}, schema)).toThrow("Parameter 'uri' is missing");
    expect(() => checkArgs({ uri: null }, schema)).toThrow("Invalid parameter type for 'uri', expected: string");
    expect(() => checkArgs({ uri: 'u', n: 1.5 }, schema)).toThrow("Invalid parameter type for 'n', expected: integer");
    expect(() => checkArgs({ uri: 'u', size: '1M' }, schema)).not.toThrow();
    expect(() => checkArgs({ uri: 'u', extra: 1 }, schema, 'x[0].')).toThrow("Parameter 'x[0].extra' is unexpected");
  });
});

describe('QmpSession', () => {
  function session() {
    const d = new QmpDispatcher('livemig-test', '1.2.3');
    d.register('echo', (a) => a, { text: { type: 'string', required: true } });
    d.register('boom', () => {
      throw new Error('kaput');
    });
    const sent: any[] = [];
    const s = new QmpSession(d, { send: (m) => sent.push(m) });
    return { d, s, sent };
  }

  it('greets, gates on negotiation, delivers events only once negotiated', async () => {
    const { d, s, sent } = session();
    expect(sent.shift()).toEqual({ QMP: { version: { qemu: { major: 1, minor: 2, micro: 3 }, package: 'livemig-test 1.2.3' }, capabilities: [] } });
    d.emitEvent('EARLY');
    await s.handleText('{"execute":"echo","arguments":{"text":"a"},"id":1}');
    expect(sent.shift()).toEqual({ error: { class: 'CommandNotFound', desc: "Expecting capabilities negotiation with 'qmp_capabilities'" }, id: 1 });
    await s.handleText('{"execute":"qmp_capabilities","arguments":{"enable":[]}}');
    expect(sent.shift()).toEqual({ return: {} });
    d.emitEvent('LATE', { n: 1 });
    // Stamped now, written on the next turn of the event loop (never inside the emitter's step).
    expect(sent).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(sent.shift()).toMatchObject({ event: 'LATE', data: { n: 1 }, timestamp: { seconds: expect.any(Number), microseconds: expect.any(Number) } });
    // An event emitted before a reply is ready reaches the client before that reply.
    d.emitEvent('BEFORE_REPLY');
    await s.handleText('{"execute":"echo","arguments":{"text":"b"},"id":"o"}');
    expect(sent.splice(0, 2).map((m) => m.event ?? m.id)).toEqual(['BEFORE_REPLY', 'o']);
    await s.handleText('{"execute":"echo","arguments":{"text":"a"},"id":"e"}');
    expect(sent.shift()).toEqual({ return: { text: 'a' }, id: 'e' });
    await s.handleText('{"execute":"echo","arguments":{"txt":"a"},"id":"e"}');
    expect(sent.shift()).toEqual({ error: { class: 'GenericError', desc: "Parameter 'txt' is unexpected" }, id: 'e' });
    await s.handleText('{"execute":"boom","id":2}');
    expect(sent.shift()).toEqual({ error: { class: 'GenericError', desc: 'kaput' }, id: 2 });
    await s.handleText('{"execute":"query-commands","id":3}');
    expect(sent.shift().return.map((c: { name: string }) => c.name)).toEqual(['boom', 'echo', 'qmp_capabilities', 'query-commands', 'query-version']);
    s.close();
    d.emitEvent('AFTER');
    d.flushEvents();
    expect(sent).toEqual([]);
  });

  it('held events (holdEvents) wait, stamped when emitted, until releaseEvents; a reply still flushes them first', async () => {
    const { d, s, sent } = session();
    sent.shift();
    await s.handleText('{"execute":"qmp_capabilities"}');
    sent.shift();
    const turn = () => new Promise((r) => setImmediate(r));
    // The event clock (performance) is faked so that a whole second passes between emitting
    // and releasing without waiting for it; setImmediate stays real.
    vi.useFakeTimers({ toFake: ['performance'], now: Date.now() });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    d.holdEvents();
    d.emitEvent('STOP');
    const stampedAt = performance.timeOrigin + performance.now();
    d.emitEvent('MIGRATION', { status: 'device' });
    await turn();
    await turn();
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1000);
    d.releaseEvents();
    // Released: out on the next turn, in order, with the time they were emitted.
    expect(sent).toEqual([]);
    await turn();
    expect(sent.map((m) => m.event)).toEqual(['STOP', 'MIGRATION']);
    const at = sent[0].timestamp.seconds * 1000 + sent[0].timestamp.microseconds / 1000;
    expect(at).toBeLessThanOrEqual(stampedAt + 1);
    sent.length = 0;
    // While held, a client's request still gets the events before its reply (order kept).
    d.holdEvents();
    d.emitEvent('HELD');
    await s.handleText('{"execute":"echo","arguments":{"text":"x"},"id":9}');
    expect(sent.map((m) => m.event ?? m.id)).toEqual(['HELD', 9]);
    d.releaseEvents();
    d.releaseEvents(); // twice: no-op
    d.emitEvent('FREE');
    await turn();
    expect(sent.map((m) => m.event ?? m.id)).toEqual(['HELD', 9, 'FREE']);
    s.close();
  });
});
