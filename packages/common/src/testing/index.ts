/**
 * Test helpers (the package's "./testing" entry): an in-memory section writer
 * that produces real frames, and a loader that feeds them back to a device, so
 * a device's save and load sides can be tested against each other without
 * sockets. The contract suite (contract-suite.ts) runs on any device type.
 */
import { createStreamDecoder } from '../wire/codecs';
import { encodeFrame } from '../wire/frame-encoder';
import { livemig } from '../wire/messages';
import type { Device, LoadContext, SectionKind, SectionWriter } from '../devices/device';

/** Collects a device's sections as encoded wire bytes. */
export class MemorySectionWriter implements SectionWriter {
  readonly chunks: Buffer[] = [];
  readonly device: Device;
  readonly sectionId: number;
  sections = 0;

  constructor(device: Device, sectionId = 1) {
    this.device = device;
    this.sectionId = sectionId;
  }

  write(type: SectionKind, header?: Uint8Array | null, payload: readonly Buffer[] = []): number {
    const named = type === livemig.SectionType.SECTION_START || type === livemig.SectionType.SECTION_FULL;
    const h = header && header.length > 0 ? { header } : {};
    const section = named
      ? { type, sectionId: this.sectionId, deviceId: this.device.id, deviceType: this.device.type.name, version: this.device.version, ...h }
      : { type, sectionId: this.sectionId, ...h };
    // Copy payload views now: the device may change its memory afterwards, as
    // the running machine would; a socket would have taken the bytes.
    const frame = encodeFrame({ section }, payload.map((p) => Buffer.from(p)));
    this.sections++;
    let n = 0;
    for (const b of frame) {
      this.chunks.push(b);
      n += b.length;
    }
    return n;
  }

  /** Everything written so far, and forget it. */
  take(): Buffer {
    const all = Buffer.concat(this.chunks);
    this.chunks.length = 0;
    return all;
  }
}

/**
 * Decodes frames from `bytes` and loads each section into `device` (the
 * version from the START/FULL section, as the engine does). Returns the
 * sections loaded; promises an async loadState returned are in `pending`.
 */
export function loadSections(device: Device, bytes: Buffer, chunkSize = 65536, pending: Array<Promise<void>> = []): number {
  const dec = createStreamDecoder();
  let n = 0;
  let version = device.version;
  for (let off = 0; off < bytes.length; off += chunkSize) {
    for (const f of dec.push(bytes.subarray(off, off + chunkSize))) {
      const s = f.message.section;
      if (!s) throw new Error(`expected a section, got ${f.message.body}`);
      const type = s.type ?? 0;
      if (s.version) version = s.version;
      const header = device.decodeHeader(type, version, s.header ?? new Uint8Array(0));
      const r = device.loadState({ type, version, header, payload: f.payload, payloadLength: f.payloadLength });
      if (r) pending.push(r);
      n++;
    }
  }
  return n;
}

/** A LoadContext that records approvals, re-arms and progress. */
export function recordingLoadContext(switchoverAck: boolean): LoadContext & { approvals: Array<[string, number]>; rearms: Array<[string, number]>; progressCalls: number } {
  const ctx = {
    switchoverAck,
    approvals: [] as Array<[string, number]>,
    rearms: [] as Array<[string, number]>,
    progressCalls: 0,
    approveSwitchover(deviceId: string, ms: number) {
      ctx.approvals.push([deviceId, ms]);
    },
    rearmSwitchover(deviceId: string, rearm: number) {
      ctx.rearms.push([deviceId, rearm]);
    },
    progress() {
      ctx.progressCalls++;
    },
  };
  return ctx;
}

/** A SaveContext for tests: re-arms are counted (the engine's would gate switchover). */
export function saveContext(switchoverAck: boolean, verify = false): { switchoverAck: boolean; verify: boolean; rearms: string[]; rearmSwitchover(deviceId: string): number } {
  const ctx = {
    switchoverAck,
    verify,
    rearms: [] as string[],
    rearmSwitchover(deviceId: string): number {
      ctx.rearms.push(deviceId);
      return ctx.rearms.filter((d) => d === deviceId).length;
    },
  };
  return ctx;
}

export { checkDeviceContract, ContractViolation, type ContractOptions } from './contract-suite';
