/**
 * The bulk path of the frame decoder: payload sinks (pushed and direct bytes),
 * pushEach ordering, and pause/resume at multifd sync points — at every split point.
 */
import { describe, expect, it } from 'vitest';
import { type DecodedFrame } from '../src/wire/frame-decoder';
import { decoder as testDecoder, frame, type Msg } from './helpers/test-framing';

const decoder = (sink?: (m: Msg, n: number) => Buffer[] | null) => testDecoder(sink ? { sink } : {});


const payloadA = Buffer.from(Array.from({ length: 300 }, (_, i) => i & 0xff));
const payloadB = Buffer.from('the second payload');
const wire = Buffer.concat([frame(1, payloadA), frame(2, Buffer.alloc(0)), frame(3, payloadB)]);

describe('FrameDecoder payload sinks', () => {
  it('writes a sunk payload into its regions at every split point, and leaves others as slices', () => {
    for (let cut = 0; cut <= wire.length; cut++) {
      const target = Buffer.alloc(400, 0xee);
      const d = decoder((m, n) => (m.id === 1 ? [target.subarray(10, 110), target.subarray(200, 200 + n - 100)] : null));
      const frames: DecodedFrame<Msg>[] = [];
      d.pushEach(wire.subarray(0, cut), (f) => frames.push(f));
      d.pushEach(wire.subarray(cut), (f) => frames.push(f));
      expect(frames.map((f) => f.message.id)).toEqual([1, 2, 3]);
      expect(frames[0]!.inPlace).toBe(true);
      expect(frames[0]!.payload).toEqual([]);
      expect(Buffer.concat([target.subarray(10, 110), target.subarray(200, 400)])).toEqual(payloadA);
      expect(target[110]).toBe(0xee);
      expect(frames[2]!.inPlace).toBe(false);
      expect(Buffer.concat(frames[2]!.payload)).toEqual(payloadB);
      expect(d.atFrameBoundary).toBe(true);
    }
  });

  it('offers the unfilled region for direct reads and completes the frame from them', () => {
    const target = Buffer.alloc(300);
    const d = decoder(() => [target.subarray(0, 120), target.subarray(120)]);
    const frames: DecodedFrame<Msg>[] = [];
    const onFrame = (f: DecodedFrame<Msg>): void => void frames.push(f);
    const head = frame(1, payloadA);
    const headerEnd = head.length - payloadA.length;
    // The header and the first 50 payload bytes arrive as a pushed chunk…
    d.pushEach(head.subarray(0, headerEnd + 50), onFrame);
    expect(d.pendingBytes).toBe(0);
    // …the rest is "read" straight into the regions the decoder names.
    let sent = 50;
    while (sent < payloadA.length) {
      const t = d.directTarget();
      expect(t).not.toBeNull();
      const n = Math.min(t!.length, 70);
      payloadA.copy(t!, 0, sent, sent + n);
      sent += n;
      d.pushDirect(n, onFrame);
    }
    expect(frames).toHaveLength(1);
    expect(frames[0]!.inPlace).toBe(true);
    expect(target).toEqual(payloadA);
    expect(d.directTarget()).toBeNull();
  });

  it('rejects sink regions that do not cover the payload', () => {
    const d = decoder(() => [Buffer.alloc(10)]);
    expect(() => d.push(frame(1, payloadA))).toThrow(/cover 10 of 300/);
  });

  it('lets the sink see the effects of the frames before it (pushEach)', () => {
    const seen: number[] = [];
    const handled: number[] = [];
    const d = decoder((m) => {
      seen.push(m.id, handled.length);
      return null;
    });
    d.pushEach(wire, (f) => handled.push(f.message.id));
    // Frame 3's sink decision came after frames 1 and 2 were handled.
    expect(seen).toEqual([1, 0, 3, 2]);
  });
});

describe('FrameDecoder pause/resume', () => {
  it('stops after the frame that paused it, keeps the rest, and goes on at resume', () => {
    const d = decoder();
    const out: number[] = [];
    const onFrame = (f: DecodedFrame<Msg>): void => {
      out.push(f.message.id);
      if (f.message.id === 1) d.pause();
    };
    d.pushEach(wire, onFrame);
    expect(out).toEqual([1]);
    expect(d.isPaused).toBe(true);
    expect(d.pendingBytes).toBe(wire.length - frame(1, payloadA).length);
    d.pushEach(frame(4, Buffer.from('x')), onFrame);
    expect(out).toEqual([1]);
    d.resume(onFrame);
    expect(out).toEqual([1, 2, 3, 4]);
    expect(d.atFrameBoundary).toBe(true);
  });
});
