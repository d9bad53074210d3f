/**
 * ReturnPathWriter: what goes back to the source and when nothing may: a
 * closed socket gets nothing, a source that leaves too much unread is a
 * stall, SHUT carries its code and reason, shutQuietly never throws.
 */
import { describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { StallError } from '@livemig/common/errors';
import { MAX_RP_QUEUED_BYTES, createReturnPathDecoder } from '@livemig/common/wire';
import { ReturnPathWriter } from '../src/return-path-writer';

function socket(writableLength = 0) {
  const written: Buffer[] = [];
  const s = { writable: true, writableLength, write: (b: Buffer) => (written.push(b), true) };
  const decoded = () => createReturnPathDecoder().push(Buffer.concat(written)).map(({ message: m }) =>
      m.body === 'shut' ? { shut: { ok: m.shut!.ok, code: m.shut!.code, reason: m.shut!.reason } } : { [m.body ?? 'unknown']: { value: m.pong?.value } },
    );
  return { s, written, decoded, w: new ReturnPathWriter(s as unknown as Socket) };
}

describe('ReturnPathWriter', () => {
  it('opens once asked to', () => {
    const { w } = socket();
    expect(w.isOpen).toBe(false);
    w.openReturnPath();
    expect(w.isOpen).toBe(true);
  });

  it('sends whole messages; nothing when the socket is no longer writable', () => {
    const h = socket();
    h.w.send({ pong: { value: 3 } });
    expect(h.decoded()).toEqual([{ pong: { value: 3 } }]);
    h.s.writable = false;
    h.w.send({ pong: { value: 4 } });
    h.w.shut(true);
    h.w.shutQuietly(false, 'MIG_ERR_X', 'why');
    expect(h.written).toHaveLength(1);
  });

  it('a source that left more than the bound unread is a stall; exactly the bound is not', () => {
    const at = socket(MAX_RP_QUEUED_BYTES);
    expect(() => at.w.send({ pong: { value: 1 } })).not.toThrow();
    const over = socket(MAX_RP_QUEUED_BYTES + 1);
    expect(() => over.w.send({ pong: { value: 1 } })).toThrow(StallError);
    expect(() => over.w.send({ pong: { value: 1 } })).toThrow(`the source is not reading the return path (${MAX_RP_QUEUED_BYTES + 1} bytes queued)`);
    expect(() => over.w.shut(true)).toThrow(StallError);
    expect(over.written).toHaveLength(0);
    // On the way out of a failure the bound does not matter: the SHUT is written, never thrown.
    expect(() => over.w.shutQuietly(false, 'MIG_ERR_STALL', 'stalled')).not.toThrow();
    expect(over.decoded()).toEqual([{ shut: { ok: false, code: 'MIG_ERR_STALL', reason: 'stalled' } }]);
  });

  it('SHUT: ok, or the code and reason; empty code and reason by default', () => {
    const h = socket();
    h.w.shut(true);
    h.w.shut(false, 'MIG_ERR_VERIFY', 'digests differ');
    h.w.shutQuietly(true);
    expect(h.decoded()).toEqual([
      { shut: { ok: true, code: '', reason: '' } },
      { shut: { ok: false, code: 'MIG_ERR_VERIFY', reason: 'digests differ' } },
      { shut: { ok: true, code: '', reason: '' } },
    ]);
  });
});
