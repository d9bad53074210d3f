/**
 * multifd-compression=zstd on the destination: a channel inflates each packet
 * on its own thread (MultifdChannel.inflateNow), straight into guest memory
 * when the packet's pages are one region there, else through a reused buffer
 * copied into its regions; a packet split across receive chunks is joined
 * first. Whatever the path, guest memory ends up holding the source's pages, and a bad
 * packet is a ProtocolError naming the channel, never a crash.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProtocolError, type MigError } from '@livemig/common/errors';
import { compressPages, inflateZstdPacket, livemig, type DecodedFrame, type DecodedFrameMessage } from '@livemig/common/wire';
import { Machine, RamDevice, encodeRamHeader, parseDeviceSpec, type RamSpec } from '@livemig/common/devices';
import { MultifdChannel, type ChannelSink } from '../src/multifd-receiver';
import { SectionTable, type PageLoader } from '../src/section-table';
import type { AcceptedConnection } from '../src/handshake';

const PAGE = 4096;

/** Pages that compress (text-like) with some noise, as memory has them. */
function pagesOf(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n * PAGE);
  for (let at = 0, i = seed; at < b.length; i++) at += b.write(`mov rax, ${(i * 2654435761) % 9973}; `, at);
  randomBytes(512).copy(b, 100);
  return b;
}

function setup(): { ram: RamDevice; channel: MultifdChannel; errors: MigError[]; dsts: Buffer[] } {
  const ram = new RamDevice(parseDeviceSpec('ram,id=ram0,size=1M') as RamSpec, 'destination');
  const table = new SectionTable(new Machine([ram], { role: 'destination' }));
  ram.loadSetup({ switchoverAck: false, approveSwitchover: () => {} } as unknown as Parameters<RamDevice['loadSetup']>[0]);
  table.accept({ type: livemig.SectionType.SECTION_START, sectionId: 1, deviceId: 'ram0', deviceType: 'ram', version: 1 }, false);
  const loader: PageLoader = {
    device: ram,
    header: (s) => table.header(ram, s),
    load: (s, payload, length, inPlace) => table.load(ram, s, payload, length, inPlace),
  };
  const socket = Object.assign(new EventEmitter(), { destroy: () => {} });
  const reader = { pauseForSync: () => {}, handOver: () => {}, resumeAfterSync: () => {}, holdReading: () => {} };
  const channel = new MultifdChannel({ peer: 'test', socket, reader } as unknown as AcceptedConnection);
  const dsts: Buffer[] = [];
  const sink: ChannelSink = {
    pageDevice: () => loader,
    reached: () => {},
    inflate: null,
    packetBuffer: null,
    recycle: null,
    inflateNow: (dst, src, expected) => {
      dsts.push(dst);
      inflateZstdPacket(dst, src, expected);
    },
  };
  channel.attach(0, sink);
  const errors: MigError[] = [];
  channel.on('error', (e) => errors.push(e));
  return { ram, channel, errors, dsts };
}

/** A compressed PART frame for `normalRuns` holding `pages`, its payload cut into `pieces` slices (as receive chunks would). */
function packet(normalRuns: number[], pages: Buffer, pieces: number, frameBytes?: Buffer): DecodedFrame<DecodedFrameMessage> {
  const frame = frameBytes ?? compressPages('zstd', 1, pages);
  const cut: Buffer[] = [];
  const step = Math.ceil(frame.length / pieces);
  for (let at = 0; at < frame.length; at += step) cut.push(frame.subarray(at, Math.min(frame.length, at + step)));
  const section = { type: livemig.SectionType.SECTION_PART, sectionId: 1, deviceId: 'ram0', header: encodeRamHeader({ normalRuns, zeroRuns: [], seq: 1 }), compressed: true, rawLength: pages.length };
  return { message: { body: 'section', section } as unknown as DecodedFrameMessage, payload: cut, payloadLength: frame.length, inPlace: false, wireBytes: frame.length + 32 };
}

describe('zstd packets inflated on the channel\'s thread', () => {
  it('inflates a one-run packet straight into guest memory (no buffer between)', () => {
    const { ram, channel, dsts } = setup();
    const pages = pagesOf(16, 1);
    channel.handleFrame(packet([10, 16], pages, 1));
    expect(ram.memory.read(10 * PAGE, pages.length).equals(pages)).toBe(true);
    // The output given to the codec was a view of guest memory itself.
    expect(dsts[0]!.buffer).toBe(ram.memory.view(10, 16).buffer);
    expect(dsts[0]!.byteOffset).toBe(ram.memory.view(10, 16).byteOffset);
  });

  it('inflates a packet of several runs, split across receive chunks, through reused buffers into each run', () => {
    const { ram, channel, dsts } = setup();
    const a = pagesOf(12, 2);
    channel.handleFrame(packet([0, 4, 20, 8], a, 3));
    expect(ram.memory.read(0, 4 * PAGE).equals(a.subarray(0, 4 * PAGE))).toBe(true);
    expect(ram.memory.read(20 * PAGE, 8 * PAGE).equals(a.subarray(4 * PAGE))).toBe(true);
    expect(ram.isZeroPage(5)).toBe(true);
    const b = pagesOf(12, 3);
    channel.handleFrame(packet([100, 2, 200, 10], b, 2));
    expect(ram.memory.read(100 * PAGE, 2 * PAGE).equals(b.subarray(0, 2 * PAGE))).toBe(true);
    expect(ram.memory.read(200 * PAGE, 10 * PAGE).equals(b.subarray(2 * PAGE))).toBe(true);
    // The second packet reused the first one's buffer (no allocation per packet).
    expect(dsts[1]!.buffer).toBe(dsts[0]!.buffer);
  });

  it('refuses a packet that is no zstd frame, or that inflates to more than its runs describe: a ProtocolError naming the channel', () => {
    const { channel } = setup();
    expect(() => channel.handleFrame(packet([0, 2], Buffer.alloc(2 * PAGE), 1, randomBytes(300)))).toThrow(ProtocolError);
    expect(() => channel.handleFrame(packet([0, 2], Buffer.alloc(2 * PAGE), 1, randomBytes(300)))).toThrow(/multifd channel 0: zstd packet is not one well-formed zstd frame/);
    const three = compressPages('zstd', 1, pagesOf(3, 4));
    expect(() => channel.handleFrame(packet([0, 2], Buffer.alloc(2 * PAGE), 2, three))).toThrow(/multifd channel 0: zstd packet does not decode to 8192 bytes/);
  });
});
