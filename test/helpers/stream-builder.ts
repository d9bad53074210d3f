/**
 * Builds a valid migration stream in memory, frame by frame, the way the
 * source writes it (header, configuration, [OPEN_RETURN_PATH, PING], START
 * sections, precopy PARTs, SWITCHOVER_START, the rest, END/FULL, Verify, EOF),
 * from the real device save handlers — the seed corpus for the fuzz suites.
 * The commit (CMD_RESUME) is returned separately: it may only follow LOADED.
 */
import fc from 'fast-check';
import { MAX_HEADER_BYTES, ROUND_BYTES, STREAM_MAGIC, STREAM_VERSION, encodeFrame, livemig, type FrameMessage } from '@livemig/common/wire';
import { Machine, deviceConfig, parseDeviceList, parseWorkloadSpec, type SectionWriter } from '@livemig/common/devices';

export interface StreamCaps {
  returnPath: boolean;
  switchoverAck: boolean;
  verify: boolean;
}

export interface BuiltStream {
  /** Every frame of the stream, in order, each one contiguous buffer. */
  frames: Buffer[];
  /** CMD_RESUME, to send once the destination said LOADED (return path only). */
  resume: Buffer;
  digests: Record<string, string>;
}

function frameBytes(frame: FrameMessage, payload: readonly Buffer[] = []): Buffer {
  return Buffer.concat(encodeFrame(frame, payload));
}

export function buildStream(deviceSpecs: readonly string[], caps: StreamCaps): BuiltStream {
  const machine = new Machine(parseDeviceList(deviceSpecs), parseWorkloadSpec('dirty-rate=0'), 'source');
  try {
    const frames: Buffer[] = [];
    const writers = machine.devices.map((device, i): SectionWriter => ({
      write(type, header, payload) {
        const named = type === livemig.SectionType.SECTION_START || type === livemig.SectionType.SECTION_FULL;
        const h = header && header.length > 0 ? { header } : {};
        const section: livemig.Section.$Properties = named
          ? { type, sectionId: i + 1, deviceId: device.id, deviceType: device.type.name, version: device.version, ...h }
          : { type, sectionId: i + 1, ...h };
        const bytes = frameBytes({ section }, payload ?? []);
        frames.push(bytes);
        return bytes.length;
      },
    }));
    frames.push(frameBytes({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION } }));
    frames.push(
      frameBytes({
        configuration: {
          devices: machine.devices.map(deviceConfig),
          capabilities: { returnPath: caps.returnPath, switchoverAck: caps.switchoverAck, multifd: false, verify: caps.verify },
        },
      }),
    );
    if (caps.returnPath) {
      frames.push(frameBytes({ command: { type: livemig.CommandType.CMD_OPEN_RETURN_PATH } }));
      frames.push(frameBytes({ command: { type: livemig.CommandType.CMD_PING, value: 1 } }));
    }
    machine.devices.forEach((d, i) => d.saveSetup(writers[i]!, { switchoverAck: caps.switchoverAck, rearmSwitchover: () => 1 }));
    const iterate = (final: boolean): void => {
      for (;;) {
        let written = 0;
        machine.devices.forEach((d, i) => {
          if (d.iterable) written += d.saveLiveIterate(writers[i]!, ROUND_BYTES, final);
        });
        if (written === 0) return;
      }
    };
    iterate(false);
    frames.push(frameBytes({ command: { type: livemig.CommandType.CMD_SWITCHOVER_START } }));
    for (const d of machine.devices) d.statePendingExact();
    iterate(true);
    machine.devices.forEach((d, i) => d.saveLiveCompletePrecopy(writers[i]!));
    const digests = machine.digests();
    if (caps.verify) frames.push(frameBytes({ verify: { digests: [...digests].map(([deviceId, digest]) => ({ deviceId, digest })) } }));
    frames.push(frameBytes({ eof: {} }));
    for (const d of machine.devices) d.saveCleanup();
    return {
      frames,
      resume: frameBytes({ command: { type: livemig.CommandType.CMD_RESUME } }),
      digests: Object.fromEntries([...digests].map(([id, d]) => [id, d.toString('hex')])),
    };
  } finally {
    machine.close();
  }
}

/** Seeded mutations of a stream: what the fuzz suites feed the destination. */
export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'drop-frame'; index: number }
  | { kind: 'dup-frame'; index: number }
  | { kind: 'swap-frames'; a: number; b: number }
  | { kind: 'garbage'; at: number; bytes: Uint8Array }
  | { kind: 'length'; index: number; value: number };

/** Applies frame-level mutations first (in order), then byte-level ones, to a copy. */
export function mutate(frames: readonly Buffer[], mutations: readonly Mutation[]): Buffer {
  let list = frames.map((f) => Buffer.from(f));
  const pick = (i: number): number => ((i % list.length) + list.length) % list.length;
  for (const m of mutations) {
    if (list.length === 0) break;
    switch (m.kind) {
      case 'drop-frame':
        list.splice(pick(m.index), 1);
        break;
      case 'dup-frame': {
        const i = pick(m.index);
        list.splice(i, 0, Buffer.from(list[i]!));
        break;
      }
      case 'swap-frames': {
        const a = pick(m.a);
        const b = pick(m.b);
        [list[a], list[b]] = [list[b]!, list[a]!];
        break;
      }
      case 'length': {
        const f = list[pick(m.index)]!;
        if (f.length >= 4) f.writeUInt32BE(m.value >>> 0, 0);
        break;
      }
      default:
        break;
    }
  }
  let bytes = Buffer.concat(list);
  for (const m of mutations) {
    if (bytes.length === 0) break;
    switch (m.kind) {
      case 'flip': {
        const i = m.at % bytes.length;
        bytes[i] = bytes[i]! ^ (1 << (m.bit & 7));
        break;
      }
      case 'truncate':
        bytes = bytes.subarray(0, m.at % bytes.length);
        break;
      case 'garbage': {
        const i = m.at % (bytes.length + 1);
        bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from(m.bytes), bytes.subarray(i)]);
        break;
      }
      default:
        break;
    }
  }
  list = [];
  return bytes;
}

/** Random mutations of a valid stream: bit flips, truncations, spliced, dropped and duplicated frames, garbage, hostile lengths. */
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop-frame' as const), index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dup-frame' as const), index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('swap-frames' as const), a: fc.nat(), b: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('garbage' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('length' as const),
      index: fc.nat(),
      value: fc.oneof(fc.nat(), fc.constant(0), fc.constant(0xffffffff), fc.integer({ min: MAX_HEADER_BYTES, max: MAX_HEADER_BYTES + 8 })),
    }),
  },
);
