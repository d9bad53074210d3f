/**
 * A QMP connection against a fake transport: the error boundary (deep, odd,
 * throwing requests get error replies, never a rejection), the parse limits,
 * and backpressure (reading stops above the high-water mark, resumes below
 * the low one, a client past the cap is dropped; events count too).
 */
import { describe, expect, it } from 'vitest';
import { QmpDispatcher } from '../src/qmp/dispatcher';
import {
  QMP_INPUT_QUEUE_CHARS,
  QMP_OUTPUT_CAP,
  QMP_OUTPUT_HIGH_WATER,
  QMP_OUTPUT_LOW_WATER,
  QmpConnection,
  type QmpTransport,
} from '../src/qmp/connection';
import { MAX_QMP_JSON_DEPTH, jsonDepth, parseQmpJson, QmpInputError } from '../src/qmp/json-limits';
import { createLogger } from '../src/logger';
import { QmpSession } from '../src/qmp/session';

const log = createLogger({ name: 'test', level: 'silent' });

class FakeTransport implements QmpTransport {
  readonly sent: any[] = [];
  private unflushed: Array<{ bytes: number; flushed: () => void }> = [];
  buffered = 0;
  paused = false;
  pauses = 0;
  ended = false;
  destroyed = false;
  /** Bytes each message takes in the buffer (the kernel's buffers are full: nothing leaves until flush()). */
  write(text: string, flushed: () => void): void {
    this.sent.push(JSON.parse(text));
    this.buffered += text.length;
    this.unflushed.push({ bytes: text.length, flushed });
  }
  pauseReading(): void {
    this.paused = true;
    this.pauses++;
  }
  resumeReading(): void {
    this.paused = false;
  }
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
  /** The client reads `bytes` (or everything). */
  flush(bytes = Infinity): void {
    while (this.unflushed.length > 0 && bytes > 0) {
      const m = this.unflushed.shift()!;
      this.buffered -= m.bytes;
      bytes -= m.bytes;
      m.flushed();
    }
  }
}

function setup() {
  const d = new QmpDispatcher('livemig-test', '1.0.0');
  d.register('big', () => ({ blob: 'x'.repeat(64 * 1024) }));
  d.register('bigint', () => ({ n: 1n })); // JSON.stringify throws on a BigInt
  d.register('weird', () => {
    // A handler that throws something that is not an Error and cannot be printed.
    throw Object.create(null) as unknown;
  });
  const t = new FakeTransport();
  const c = new QmpConnection(d, t, log);
  return { d, t, c };
}

/** Resolves once `pred` holds, checking after each turn of the event loop. */
async function until(pred: () => boolean, turns = 100_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (pred()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('condition never held');
}

const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;

describe('QMP parse limits', () => {
  it('measures nesting outside strings and stops at the limit', () => {
    expect(jsonDepth('{"a":[1,{"b":"[[[["}]}')).toBe(3);
    expect(jsonDepth('"\\"[["')).toBe(0);
    expect(jsonDepth(deep(100_000), 10)).toBe(11);
    expect(() => parseQmpJson(deep(MAX_QMP_JSON_DEPTH + 1))).toThrow(QmpInputError);
    expect(parseQmpJson(deep(MAX_QMP_JSON_DEPTH))).toBeInstanceOf(Array);
  });
});

describe('QmpConnection error boundary', () => {
  it('answers a deeply nested id with an error reply, before and after negotiation', async () => {
    const { t, c } = setup();
    expect(t.sent.shift()).toHaveProperty('QMP');
    const text = `{"execute":"query-version","id":${deep(50_000)}}`;
    c.receive(text);
    await until(() => t.sent.length === 1);
    expect(t.sent.shift()).toEqual({ error: { class: 'GenericError', desc: `JSON parse error, JSON nesting is deeper than the ${MAX_QMP_JSON_DEPTH} levels a QMP request may have` } });
    c.receive('{"execute":"qmp_capabilities"}');
    c.receive(text);
    c.receive('{"execute":"query-version","id":7}');
    await until(() => t.sent.length === 3);
    expect(t.sent[1].error.desc).toMatch(/nesting is deeper/);
    expect(t.sent[2]).toMatchObject({ return: { package: 'livemig-test 1.0.0' }, id: 7 });
  });

  it('a handler throwing a non-Error still gets a reply; garbage gets parse errors; order is kept', async () => {
    const { t, c } = setup();
    t.sent.shift();
    for (const text of ['{"execute":"qmp_capabilities"}', '{"execute":"weird","id":1}', 'garbage', '{"execute":"query-version","id":2}']) c.receive(text);
    await until(() => t.sent.length === 4);
    expect(t.sent[1]).toMatchObject({ error: { class: 'GenericError' }, id: 1 });
    expect(t.sent[2].error.desc).toMatch(/^JSON parse error/);
    expect(t.sent[3].id).toBe(2);
  });
});

describe('QmpSession error boundary', () => {
  it('a reply that cannot be serialised still gets an answer; a sink that throws costs the connection, not a rejection', async () => {
    const { t, c } = setup();
    t.sent.shift();
    c.receive('{"execute":"qmp_capabilities"}');
    c.receive('{"execute":"bigint","id":1}');
    c.receive('{"execute":"query-version","id":2}');
    await until(() => t.sent.length === 3);
    expect(t.sent[1].error.desc).toMatch(/^internal error: the reply could not be serialised/);
    expect(t.sent[2].id).toBe(2);

    const d = new QmpDispatcher('t', '1.0.0');
    let closes = 0;
    let calls = 0;
    const s = new QmpSession(d, {
      send: () => {
        if (++calls > 1) throw new RangeError('Maximum call stack size exceeded');
      },
      close: () => void closes++,
    });
    await expect(s.handleText('{"execute":"qmp_capabilities"}')).resolves.toBeUndefined();
    expect(closes).toBe(1);
  });
});

describe('QmpConnection backpressure', () => {
  it('stops reading and handling above the high-water mark, resumes below the low one', async () => {
    const { t, c } = setup();
    c.receive('{"execute":"qmp_capabilities"}');
    for (let i = 0; i < 100; i++) c.receive(`{"execute":"big","id":${i}}`);
    await until(() => t.paused);
    // Replies stop at the mark: one 64 KiB reply past it at most.
    const replies = () => t.sent.filter((m) => typeof m.id === 'number').length;
    await new Promise((r) => setImmediate(r));
    expect(t.buffered).toBeLessThan(QMP_OUTPUT_HIGH_WATER + 70 * 1024);
    expect(replies()).toBeLessThan(20);
    const before = replies();
    t.flush(QMP_OUTPUT_HIGH_WATER - QMP_OUTPUT_LOW_WATER - 100 * 1024); // still above the low mark
    await new Promise((r) => setImmediate(r));
    expect(t.paused).toBe(true);
    expect(replies()).toBe(before);
    t.flush(); // the client reads everything
    await until(() => replies() > before);
    // Keep reading: every request is answered, in order.
    while (replies() < 100) {
      t.flush();
      await new Promise((r) => setImmediate(r));
    }
    expect(t.sent.filter((m) => typeof m.id === 'number').map((m) => m.id)).toEqual([...Array(100).keys()]);
    expect(t.paused).toBe(false);
    expect(t.destroyed).toBe(false);
  });

  it('stops reading while requests pile up unhandled', () => {
    // A handler that never returns keeps the queue from draining.
    const d = new QmpDispatcher('t', '1.0.0');
    d.register('hang', () => new Promise(() => undefined));
    const t2 = new FakeTransport();
    const c2 = new QmpConnection(d, t2, log);
    c2.receive('{"execute":"qmp_capabilities"}');
    c2.receive('{"execute":"hang"}');
    const filler = `{"execute":"query-version","id":"${'y'.repeat(1000)}"}`;
    for (let i = 0; i * filler.length <= QMP_INPUT_QUEUE_CHARS; i++) c2.receive(filler);
    expect(t2.paused).toBe(true);
    expect(t2.destroyed).toBe(false);
  });

  it('drops a client that leaves more than the cap unread (events count)', async () => {
    const { d, t, c } = setup();
    c.receive('{"execute":"qmp_capabilities"}');
    await until(() => t.sent.length === 2);
    const payload = { text: 'e'.repeat(16 * 1024) };
    for (let i = 0; i * 16 * 1024 <= QMP_OUTPUT_CAP + 64 * 1024 && !t.destroyed; i++) {
      d.emitEvent('FLOOD', payload);
      d.flushEvents();
    }
    expect(t.destroyed).toBe(true);
    // Nothing more is written to a dropped client.
    const n = t.sent.length;
    d.emitEvent('AFTER');
    d.flushEvents();
    expect(t.sent.length).toBe(n);
  });
});
