/**
 * The end-of-migration warm-up (wire/end-warm-up.ts) warms only if its sample
 * messages are the real ones: each must survive its own round trip as the
 * message kind it stands for (a renamed or removed field would otherwise leave
 * the end cold again, silently).
 */
import { describe, expect, it } from 'vitest';
import { FRAME_PREFIX_BYTES } from '../src/constants';
import { encodeFrameHeader, encodeRpMessage } from '../src/wire/frame-encoder';
import { livemig } from '../src/wire/messages';
import { SAMPLE_FRAMES, SAMPLE_REPLIES, warmEndOfMigration } from '../src/wire/end-warm-up';

describe('warmEndOfMigration', () => {
  it('samples every message of the end, each decoding back to its own kind and values', () => {
    const frames = SAMPLE_FRAMES.map((f) => livemig.Frame.decode(encodeFrameHeader(f, 0).subarray(FRAME_PREFIX_BYTES)));
    expect(frames.map((f) => f.body)).toEqual(['command', 'command', 'verify', 'eof']);
    expect(frames.map((f) => f.command?.type).slice(0, 2)).toEqual([livemig.CommandType.CMD_SWITCHOVER_START, livemig.CommandType.CMD_RESUME]);
    expect(frames[2]!.verify!.digests![0]!.deviceId).toBe('warm-up');
    const replies = SAMPLE_REPLIES.map((m) => livemig.RpMessage.decode(encodeRpMessage(m).subarray(FRAME_PREFIX_BYTES)));
    expect(replies.map((m) => m.body)).toEqual(['loaded', 'resumed', 'shut']);
    expect([...replies[0]!.loaded!.deviceMessages![0]!.data!]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(replies[1]!.resumed!.devices![0]).toMatchObject({ deviceId: 'warm-up', loadMs: 1.5 });
    expect(replies[2]!.shut!.ok).toBe(true);
  });

  it('runs once per process and never throws', () => {
    expect(() => {
      warmEndOfMigration();
      warmEndOfMigration();
    }).not.toThrow();
  });
});
