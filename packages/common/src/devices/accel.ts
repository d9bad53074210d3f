/**
 * `accel`: a VFIO-like device (hw/vfio/migration.c) whose destination must
 * allocate resources before it can take the state.
 *
 * Source: in precopy it first sends its *initial data* (a description of the
 * resources to allocate), then resource contents by dirty chunk; with
 * switchover-ack the section completing the initial data carries the
 * INIT_DATA_SENT mark. At stop it sends the dirty rest and its non-iterable
 * device state.
 *
 * Destination: on the INIT_DATA_SENT mark it starts allocating (real, touched
 * memory plus `alloc-ms` per resource) in the background, while the stream
 * keeps loading; contents that arrive for a resource not yet allocated are
 * staged in that resource's future memory (written in place, chunks tracked),
 * which its allocation then adopts: it touches only the chunks nothing was
 * staged in. Staging never copies, so memory stays within the device's size. When allocation is done the device approves switchover. Without the
 * mark (switchover-ack off) the driver cannot know the initial data is final,
 * so allocation happens at the final load, inside the downtime: that is the
 * cost switchover-ack removes.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHash } from 'node:crypto';
import { ACCEL_FRAME_BYTES, DEVICE_VERSIONS } from '../constants';
import { DirtyBitmap } from '../dirty-bitmap';
import { digestFast, digestWhole, hashBytes, UnitDigest } from '../digest';
import { DeviceError, ProtocolError } from '../errors';
import { fillSeeded, type Rng } from '../prng';
import { SliceCursor } from '../wire/slice-cursor';
import { livemig } from '../wire/messages';
import { canonicalSize } from '../sizes';
import type { Device, DeviceRole, DeviceSpec, DeviceStatus, DeviceType, IncomingSection, LoadContext, SaveContext, SectionKind, SectionWriter } from './device';
import { decodeWith } from './header-codec';

export interface AccelSpec extends DeviceSpec {
  readonly type: 'accel';
  readonly resources: number;
  readonly resourceSize: number;
  readonly allocMs: number;
  readonly initialSize: number;
  readonly stateSize: number;
  readonly dirtyRate: number;
}

/** Most resources one accel may have (spec and x-accel-resize). */
export const ACCEL_MAX_RESOURCES = 1024;

/** The `accel` device type (registered in builtins.ts). */
export const accelType: DeviceType<AccelSpec> = {
  name: 'accel',
  help: 'VFIO-like accelerator: its precopy initial data tells the destination what to pre-allocate; needs switchover-ack to keep allocation out of the downtime',
  keys: {
    id: { help: 'device id' },
    resources: { def: '1', help: 'resources the destination allocates (1-1024)' },
    'resource-size': { def: '1M', help: 'bytes per resource' },
    'alloc-ms': { def: '0', help: 'extra allocation latency per resource, ms' },
    'initial-size': { def: '64K', help: 'bytes of precopy initial data' },
    'state-size': { def: '0', help: 'bytes of non-iterable state sent at stop' },
    'dirty-rate': { def: '0', help: 'bytes/s of resource contents the device dirties' },
    seed: { def: 'from the id', help: 'seed of its contents' },
  },
  version: DEVICE_VERSIONS.accel,
  iterable: true,
  multifd: false,
  parse: (r) => ({
    ...r.base,
    type: 'accel',
    resources: r.count('resources', 1, ACCEL_MAX_RESOURCES),
    resourceSize: r.size('resource-size', 4096, 16 * 1024 ** 3),
    allocMs: r.count('alloc-ms', 0, 3_600_000),
    initialSize: r.size('initial-size', 0, 1024 ** 3),
    stateSize: r.size('state-size', 0, 16 * 1024 ** 3),
    dirtyRate: r.size('dirty-rate'),
  }),
  // `resources` is the configured count; x-accel-resize changes the running count, which the initial data carries.
  shape: (spec) =>
    `resources=${spec.resources},resource-size=${canonicalSize(spec.resourceSize)},initial-size=${canonicalSize(spec.initialSize)},state-size=${canonicalSize(spec.stateSize)}`,
  create: (spec, role) => new AccelDevice(spec, role),
  commands: [
    {
      // SPEC: x-accel-resize {"id", "resources"} on the source: more resources on the running machine.
      name: 'x-accel-resize',
      role: 'source',
      args: { resources: { type: 'int', required: true } },
      run(device, args) {
        const n = args.resources;
        if (typeof n !== 'number' || !Number.isInteger(n)) throw new DeviceError(`x-accel-resize: 'resources' must be an integer`);
        (device as AccelDevice).resize(n);
        return {};
      },
    },
  ],
};

/** accel's own section header (AccelData in proto/devices.proto). */
export function encodeAccelHeader(h: livemig.devices.IAccelData): Uint8Array {
  return livemig.devices.AccelData.encode(h).finish();
}

/** Granularity of dirty tracking and staging for resource contents. */
export const ACCEL_CHUNK_BYTES = 64 * 1024;
const INIT_MAGIC = 0x41434e49; // "ACNI"
const INIT_HEADER_BYTES = 16;
/** Allocation touches memory in steps this big, yielding in between. */
const TOUCH_STEP = 4 * 1024 * 1024;

const Kind = livemig.devices.AccelChunkKind;
const Section = livemig.SectionType;

type Allocation =
  | { state: 'none' }
  | { state: 'running'; promise: Promise<void> }
  | { state: 'done'; ms: number }
  | { state: 'failed'; error: Error };

export class AccelDevice implements Device {
  readonly type = accelType;
  readonly version = accelType.version;
  readonly iterable = true;
  readonly spec: AccelSpec;
  readonly id: string;
  private readonly chunksPerResource: number;
  /** Resources now: the spec's, until x-accel-resize (source) or re-sent initial data (destination) changes it. */
  private resourceCount: number;
  private totalChunks: number;
  /** Resource memory: always present on the source; on the destination once allocated. */
  private resources: Buffer[] | null;
  private readonly initData: Buffer;
  private readonly deviceState: Buffer;
  private dirtyLog: DirtyBitmap;
  private toSend: DirtyBitmap;
  private digestUnits!: UnitDigest;
  private readonly role: DeviceRole;
  private workloadCarry = 0;

  // save-side progress
  private switchoverAck = false;
  private saveCtx: SaveContext | null = null;
  /** Re-arm number of the initial data being sent (0: the first); put in its first section. */
  private rearm = 0;
  /** The next initial-data section starts it over (carries `reinit`). */
  private restartPending = false;
  private initSent = 0;
  private initMarkSent = false;
  private stateSent = 0;
  private chunkCursor = 0;
  transferred = 0;

  // load-side progress
  private loadCtx: LoadContext | null = null;
  /**
   * precopy-resume, per resource chunk: on the source the number of the frame
   * it last went in (0: not yet), on the destination the number of the frame
   * it was last loaded from whole (0: none; a chunk starting to land in place
   * is zeroed first). As RAM's batch numbers: a chunk whose latest frame was
   * lost goes again though an older copy is held. Sized with the resource count.
   */
  private frameOf: Uint32Array = new Uint32Array(0);
  /** Source: the last frame number given (per migration). */
  private frameSeq = 0;
  private initReceived = 0;
  private initMarkReceived = false;
  /** The last re-arm number loaded (initial data started over that often). */
  private loadedRearm = 0;
  private stateReceived = 0;
  /** Destination: per resource not allocated yet, the memory its early contents went to. */
  private staged: Array<{ buf: Buffer; chunks: DirtyBitmap } | undefined> = [];
  /** Destination: the resources allocated so far (all of them once allocation is done). */
  private ready: Buffer[] = [];
  private allocation: Allocation = { state: 'none' };
  /** Bumped by loadCleanup so an allocation still running knows it was abandoned. */
  private generation = 0;
  /** Cancels the allocation's timers when loadCleanup abandons it (no timer outlives a failed load). */
  private allocationAbort: AbortController | null = null;
  allocatedResources = 0;
  /** The background allocation, settled (resolved) however it ends, even abandoned. */
  private background: Promise<void> = Promise.resolve();

  constructor(spec: AccelSpec, role: DeviceRole) {
    if (spec.resourceSize % 4096 !== 0) throw new DeviceError(`device '${spec.id}': resource-size must be a multiple of 4K`);
    this.spec = spec;
    this.id = spec.id;
    this.role = role;
    this.resourceCount = spec.resources;
    this.chunksPerResource = Math.ceil(spec.resourceSize / ACCEL_CHUNK_BYTES);
    this.totalChunks = this.chunksPerResource * spec.resources;
    this.initData = Buffer.alloc(spec.initialSize);
    this.deviceState = Buffer.alloc(spec.stateSize);
    if (role === 'source') {
      this.resources = [];
      for (let r = 0; r < spec.resources; r++) {
        this.resources.push(seededResource(spec, r));
      }
      writeInitData(this.initData, spec, spec.resources);
      fillSeeded(this.deviceState, spec.seed, `accel:${spec.id}:state`);
    } else {
      this.resources = null;
      // Touch the buffers the stream will write into, so their pages are resident before
      // the state lands (at stop, machine stopped) rather than faulted in then.
      this.initData.fill(0);
      this.deviceState.fill(0);
    }
    this.dirtyLog = new DirtyBitmap(this.totalChunks);
    this.toSend = new DirtyBitmap(this.totalChunks);
    this.makeDigestUnits();
  }

  private makeDigestUnits(): void {
    this.digestUnits = new UnitDigest(this.totalChunks, ACCEL_CHUNK_BYTES, (u, out, o) => {
      const res = this.resources?.[Math.floor(u / this.chunksPerResource)];
      if (!res) throw new DeviceError(`${this.id}: digest of a resource that is not allocated`);
      const start = (u % this.chunksPerResource) * ACCEL_CHUNK_BYTES;
      hashBytes(res.subarray(start, Math.min(res.length, start + ACCEL_CHUNK_BYTES)), out, o);
    });
  }

  /** A new resource count: bitmaps and digest units sized for it (dirty bits of the kept chunks kept). */
  private setResourceCount(n: number): void {
    const old = this.totalChunks;
    this.resourceCount = n;
    this.totalChunks = this.chunksPerResource * n;
    const dirty = new DirtyBitmap(this.totalChunks);
    const toSend = new DirtyBitmap(this.totalChunks);
    for (let c = this.dirtyLog.nextSet(0); c >= 0 && c < Math.min(old, this.totalChunks); c = this.dirtyLog.nextSet(c + 1)) dirty.set(c);
    for (let c = this.toSend.nextSet(0); c >= 0 && c < Math.min(old, this.totalChunks); c = this.toSend.nextSet(c + 1)) toSend.set(c);
    this.dirtyLog = dirty;
    this.toSend = toSend;
    const frameOf = new Uint32Array(this.totalChunks);
    frameOf.set(this.frameOf.subarray(0, Math.min(old, this.totalChunks)));
    this.frameOf = frameOf;
    this.makeDigestUnits();
  }

  /** Resources the device has now. */
  get resourcesNow(): number {
    return this.resourceCount;
  }

  /**
   * x-accel-resize on the source: the running device gets more resources
   * (VFIO PRECOPY_INFO_REINIT). Its initial data now describes them, so a
   * migration in progress sends it again (first, as always) with all contents,
   * and with switchover-ack re-arms the approval: the destination prepares
   * again and the source may not switch over until it approved again.
   */
  resize(resources: number): void {
    if (this.role !== 'source') throw new DeviceError(`${this.id}: x-accel-resize is for the source's device`);
    if (!Number.isInteger(resources) || resources <= this.resourceCount || resources > ACCEL_MAX_RESOURCES) {
      throw new DeviceError(`${this.id}: x-accel-resize: resources must grow, from ${this.resourceCount} up to ${ACCEL_MAX_RESOURCES} (got ${resources})`);
    }
    for (let r = this.resourceCount; r < resources; r++) this.resources!.push(seededResource(this.spec, r));
    this.setResourceCount(resources);
    writeInitData(this.initData, this.spec, resources);
    if (!this.saveCtx) return;
    // A migration is running: the initial data starts over, and every chunk goes again (its new home is new memory).
    this.initSent = 0;
    this.initMarkSent = false;
    this.toSend.setAll();
    this.restartPending = true;
    this.rearm = this.switchoverAck ? this.saveCtx.rearmSwitchover(this.id) : this.rearm + 1;
  }

  get stateBytes(): number {
    return this.resourceCount * this.spec.resourceSize + this.spec.stateSize + this.spec.initialSize;
  }

  // ---- the running machine ----

  /** The workload simulator's writes: resource contents at the spec's dirty-rate for `seconds`. */
  simulateWrites(seconds: number, rng: Rng): void {
    if (!this.resources || this.resources.length < this.resourceCount) return;
    const want = (this.spec.dirtyRate * seconds) / 4096 + this.workloadCarry;
    const n = Math.floor(want);
    this.workloadCarry = want - n;
    for (let i = 0; i < n; i++) {
      const chunk = rng.below(this.totalChunks);
      const res = this.resources[Math.floor(chunk / this.chunksPerResource)]!;
      const off = (chunk % this.chunksPerResource) * ACCEL_CHUNK_BYTES + rng.below(Math.min(ACCEL_CHUNK_BYTES, res.length) >>> 2) * 4;
      if (off + 4 <= res.length) res.writeUInt32LE(rng.nextU32(), off);
      this.dirtyLog.set(chunk);
      this.digestUnits.markStale(chunk);
    }
    // The device's internal (non-iterable) state changes while it works too (not when idle).
    if (this.spec.dirtyRate > 0 && this.deviceState.length >= 4) this.deviceState.writeUInt32LE(rng.nextU32(), rng.below(this.deviceState.length >>> 2) * 4);
  }

  // ---- save side ----

  saveSetup(out: SectionWriter, ctx: SaveContext): void {
    this.switchoverAck = ctx.switchoverAck;
    this.saveCtx = ctx;
    this.rearm = 0;
    // Resized before this migration: the initial data's first section says to how many.
    this.restartPending = this.resourceCount !== this.spec.resources;
    this.initSent = 0;
    this.initMarkSent = false;
    this.stateSent = 0;
    this.chunkCursor = 0;
    this.transferred = 0;
    this.toSend.setAll();
    this.dirtyLog.clearAll();
    this.frameOf = new Uint32Array(this.totalChunks);
    this.frameSeq = 0;
    this.transferred += out.write(Section.SECTION_START, encodeAccelHeader({ kind: Kind.ACCEL_SETUP }));
  }

  statePendingEstimate(): number {
    return this.initialDataPending() + this.toSend.count * ACCEL_CHUNK_BYTES + (this.spec.stateSize - this.stateSent);
  }

  statePendingExact(): number {
    this.toSend.absorb(this.dirtyLog);
    return this.statePendingEstimate();
  }

  initialDataPending(): number {
    const bytes = this.spec.initialSize - this.initSent;
    if (bytes > 0) return bytes;
    return this.switchoverAck && !this.initMarkSent ? 1 : 0;
  }

  saveLiveIterate(out: SectionWriter, budget: number, final: boolean): number {
    let written = 0;
    // 1. Initial data first: it is what lets the destination start allocating.
    while (this.initSent < this.spec.initialSize && written < budget) {
      const n = Math.min(ACCEL_FRAME_BYTES, this.spec.initialSize - this.initSent);
      const last = this.initSent + n === this.spec.initialSize;
      const mark = last && this.switchoverAck;
      const restart = this.takeRestart();
      written += out.write(Section.SECTION_PART, encodeAccelHeader({ kind: Kind.ACCEL_INIT_DATA, offset: this.initSent, initDataSent: mark, ...restart }), [
        this.initData.subarray(this.initSent, this.initSent + n),
      ]);
      this.initSent += n;
      if (mark) this.initMarkSent = true;
    }
    if (this.spec.initialSize === 0 && ((this.switchoverAck && !this.initMarkSent) || this.restartPending)) {
      const restart = this.takeRestart();
      written += out.write(Section.SECTION_PART, encodeAccelHeader({ kind: Kind.ACCEL_NO_DATA, initDataSent: this.switchoverAck, ...restart }));
      if (this.switchoverAck) this.initMarkSent = true;
    }
    // 2. Dirty resource chunks, contiguous chunks of one resource per frame.
    while (written < budget && this.toSend.count > 0) written += this.writeResourceFrame(out);
    // 3. At stop: the non-iterable device state.
    if (final) {
      while (written < budget && this.stateSent < this.spec.stateSize) {
        const n = Math.min(ACCEL_FRAME_BYTES, this.spec.stateSize - this.stateSent);
        written += out.write(Section.SECTION_PART, encodeAccelHeader({ kind: Kind.ACCEL_DEVICE_STATE, offset: this.stateSent }), [
          this.deviceState.subarray(this.stateSent, this.stateSent + n),
        ]);
        this.stateSent += n;
      }
    }
    this.transferred += written;
    return written;
  }

  /** The restart fields for the first initial-data section after a resize (once). */
  private takeRestart(): { reinit?: number; resources?: number } {
    if (!this.restartPending) return {};
    this.restartPending = false;
    return this.rearm > 0 ? { reinit: this.rearm, resources: this.resourceCount } : { resources: this.resourceCount };
  }

  private writeResourceFrame(out: SectionWriter): number {
    let c = this.toSend.nextSet(this.chunkCursor);
    if (c < 0) c = this.toSend.nextSet(0);
    if (c < 0) return 0;
    const resIndex = Math.floor(c / this.chunksPerResource);
    const res = this.resources![resIndex]!;
    const firstChunk = c;
    let count = 0;
    const maxChunks = ACCEL_FRAME_BYTES / ACCEL_CHUNK_BYTES;
    while (count < maxChunks && c < (resIndex + 1) * this.chunksPerResource && this.toSend.test(c)) {
      this.toSend.clear(c);
      c++;
      count++;
    }
    this.chunkCursor = c >= this.totalChunks ? 0 : c;
    const start = (firstChunk % this.chunksPerResource) * ACCEL_CHUNK_BYTES;
    const end = Math.min(res.length, start + count * ACCEL_CHUNK_BYTES);
    const seq = ++this.frameSeq;
    this.frameOf.fill(seq, firstChunk, firstChunk + count);
    return out.write(Section.SECTION_PART, encodeAccelHeader({ kind: Kind.ACCEL_RESOURCE_DATA, resource: resIndex, offset: start, seq }), [res.subarray(start, end)]);
  }

  saveLiveCompletePrecopy(out: SectionWriter): void {
    this.transferred += out.write(Section.SECTION_END, encodeAccelHeader({ kind: Kind.ACCEL_NO_DATA }));
  }

  saveCleanup(): void {
    this.saveCtx = null;
    this.toSend.clearAll();
    this.initSent = 0;
    this.initMarkSent = false;
    this.stateSent = 0;
  }

  /**
   * precopy-resume: the destination holds `held` (receivedState()): its
   * re-arm and resource count, how much initial data (and whether the mark),
   * and which chunks. If it lacks the latest (re)initialization, the initial
   * data starts over with every chunk (as after a resize); else initial data
   * goes on from where it got to, and only the chunks it lacks go again (what
   * was dirtied since is tracked anyway). Its allocation and approval stay
   * there, so switchover-ack is not re-armed.
   */
  resumeFrom(held: Uint8Array): number {
    const h = decodeHeldState(held, this.id);
    if (h.rearm !== this.rearm || h.resources !== this.resourceCount || h.frames.length !== this.totalChunks * 4) {
      this.restartPending = this.rearm > 0 || this.resourceCount !== this.spec.resources;
      this.initSent = 0;
      this.initMarkSent = false;
      this.chunkCursor = 0;
      this.toSend.setAll();
      return this.spec.initialSize + this.totalChunks * ACCEL_CHUNK_BYTES;
    }
    if (h.initReceived > this.spec.initialSize) throw new ProtocolError(`${this.id}: the destination holds ${h.initReceived} bytes of ${this.spec.initialSize} of initial data`);
    this.initSent = h.initReceived;
    this.initMarkSent = h.initMark;
    this.chunkCursor = 0;
    const heldOf = new Uint32Array(this.totalChunks);
    new Uint8Array(heldOf.buffer).set(h.frames);
    let lacking = 0;
    for (let c = 0; c < this.totalChunks; c++) {
      const sent = this.frameOf[c]!;
      if (sent !== 0 && heldOf[c] === sent) continue;
      lacking++;
      if (sent !== 0) this.toSend.set(c); // never sent: still in toSend
    }
    return this.spec.initialSize - h.initReceived + lacking * ACCEL_CHUNK_BYTES;
  }

  // ---- load side ----

  loadSetup(ctx: LoadContext): void {
    this.loadCtx = ctx;
    this.loadedRearm = 0;
    this.initReceived = 0;
    this.initMarkReceived = false;
    this.stateReceived = 0;
    this.frameOf = new Uint32Array(this.totalChunks);
  }

  /** precopy-resume: what the source's resumeFrom() needs (see encodeHeldState). */
  receivedState(): Uint8Array {
    return encodeHeldState({
      rearm: this.loadedRearm,
      resources: this.resourceCount,
      initReceived: this.initReceived,
      initMark: this.initMarkReceived,
      frames: new Uint8Array(this.frameOf.buffer.slice(this.frameOf.byteOffset, this.frameOf.byteOffset + this.frameOf.byteLength)),
    });
  }

  switchoverAckNeeded(): boolean {
    return true;
  }

  /**
   * Bulk path: initial data, device state and the contents of allocated
   * resources are received straight into place (checked here, before any byte
   * lands; loadState then only does the bookkeeping). Contents for a resource
   * not allocated yet are staged by loadState as before.
   */
  decodeHeader(_type: SectionKind, _version: number, bytes: Uint8Array): livemig.devices.IAccelData {
    return decodeWith(livemig.devices.AccelData, bytes, this.id);
  }

  payloadTargets(_type: SectionKind, header: unknown, len: number): Buffer[] | null {
    const accel = header as livemig.devices.IAccelData;
    if (len === 0) return null;
    // A restart or a resize re-sizes the device first: loadState handles it (staged, not in place).
    if (accel.reinit || accel.resources) return null;
    const off = accel.offset ?? 0;
    switch (accel.kind) {
      case Kind.ACCEL_INIT_DATA:
        this.checkInitChunk(off, len);
        return [this.initData.subarray(off, off + len)];
      case Kind.ACCEL_DEVICE_STATE:
        this.checkStateChunk(off, len);
        return [this.deviceState.subarray(off, off + len)];
      case Kind.ACCEL_RESOURCE_DATA: {
        const resource = accel.resource ?? 0;
        this.checkResourceChunk(resource, off, len);
        const target = this.resources?.[resource] ?? this.ready[resource];
        if (!target) return null;
        // From its first byte on, the chunk is no longer the copy that arrived whole before.
        const first = resource * this.chunksPerResource + off / ACCEL_CHUNK_BYTES;
        this.frameOf.fill(0, first, first + Math.ceil(len / ACCEL_CHUNK_BYTES));
        return [target.subarray(off, off + len)];
      }
      default:
        return null;
    }
  }

  private checkInitChunk(off: number, len: number): void {
    if (off !== this.initReceived || off + len > this.spec.initialSize) {
      throw new ProtocolError(`${this.id}: initial data at ${off}+${len} does not follow ${this.initReceived} of ${this.spec.initialSize}`);
    }
  }

  private checkStateChunk(off: number, len: number): void {
    if (off !== this.stateReceived || off + len > this.spec.stateSize) {
      throw new ProtocolError(`${this.id}: device state at ${off}+${len} does not follow ${this.stateReceived} of ${this.spec.stateSize}`);
    }
  }

  private checkResourceChunk(resource: number, offset: number, len: number): void {
    if (resource >= this.resourceCount || !Number.isSafeInteger(offset) || offset < 0 || offset % ACCEL_CHUNK_BYTES !== 0 || offset + len > this.spec.resourceSize) {
      throw new ProtocolError(`${this.id}: resource data ${resource}@${offset}+${len} is outside ${this.resourceCount}×${this.spec.resourceSize}`);
    }
  }

  loadState(section: IncomingSection): void {
    const accel = section.header as livemig.devices.IAccelData;
    if (accel.reinit) this.restartInitialData(accel);
    else if (accel.resources) this.resizeBeforeLoad(accel.resources);
    const cursor = new SliceCursor(section.payload, section.payloadLength);
    const inPlace = section.inPlace === true;
    const len = section.payloadLength;
    switch (accel.kind) {
      case Kind.ACCEL_SETUP:
        if (section.type !== Section.SECTION_START || len !== 0) throw new ProtocolError(`${this.id}: malformed setup section`);
        break;
      case Kind.ACCEL_INIT_DATA: {
        const off = accel.offset ?? 0;
        this.checkInitChunk(off, len);
        if (!inPlace) cursor.copyTo(this.initData, off, len);
        this.initReceived += len;
        break;
      }
      case Kind.ACCEL_RESOURCE_DATA:
        this.loadResourceData(accel.resource ?? 0, accel.offset ?? 0, len, inPlace ? null : cursor, accel.seq ?? 0);
        break;
      case Kind.ACCEL_DEVICE_STATE: {
        const off = accel.offset ?? 0;
        this.checkStateChunk(off, len);
        if (!inPlace) cursor.copyTo(this.deviceState, off, len);
        this.stateReceived += len;
        break;
      }
      case Kind.ACCEL_NO_DATA:
        if (len !== 0) throw new ProtocolError(`${this.id}: marker section with a payload`);
        break;
      default:
        throw new ProtocolError(`${this.id}: unknown accel chunk kind ${String(accel.kind)}`);
    }
    if (accel.initDataSent) this.onInitDataSent();
  }

  /**
   * The source's device was resized (x-accel-resize): its initial data starts
   * over and describes `resources`. What was prepared is abandoned (contents
   * come again, all of them); with switchover-ack one more approval is owed.
   */
  private restartInitialData(accel: livemig.devices.IAccelData): void {
    const rearm = accel.reinit ?? 0;
    const n = accel.resources ?? 0;
    if (rearm <= this.loadedRearm) throw new ProtocolError(`${this.id}: re-arm ${rearm} after ${this.loadedRearm}`);
    if (n < this.resourceCount || n > ACCEL_MAX_RESOURCES) throw new ProtocolError(`${this.id}: initial data restarted for ${n} resources (has ${this.resourceCount}, at most ${ACCEL_MAX_RESOURCES})`);
    if ((accel.offset ?? 0) !== 0) throw new ProtocolError(`${this.id}: initial data restarted at offset ${accel.offset}`);
    this.loadedRearm = rearm;
    const ctx = this.loadCtx!;
    this.abandonPreparation();
    this.initReceived = 0;
    this.initMarkReceived = false;
    this.setResourceCount(n);
    this.frameOf = new Uint32Array(this.totalChunks);
    if (ctx.switchoverAck) ctx.rearmSwitchover(this.id, rearm);
  }

  /** The source's device was resized before this migration: its first initial data says to how many resources. */
  private resizeBeforeLoad(n: number): void {
    if (this.initReceived !== 0 || this.allocation.state !== 'none') throw new ProtocolError(`${this.id}: a resource count (${n}) after the initial data began`);
    if (n < 1 || n > ACCEL_MAX_RESOURCES) throw new ProtocolError(`${this.id}: initial data for ${n} resources (at most ${ACCEL_MAX_RESOURCES})`);
    if (n !== this.resourceCount) this.setResourceCount(n);
    this.frameOf = new Uint32Array(this.totalChunks);
  }

  /** Drops the allocation (running or done) and what was staged or allocated for it. */
  private abandonPreparation(): void {
    this.generation++;
    this.allocationAbort?.abort();
    this.allocationAbort = null;
    this.resources = null;
    this.ready = [];
    this.staged = [];
    this.allocation = { state: 'none' };
    this.allocatedResources = 0;
    this.digestUnits.markAllStale();
  }

  /** QEMU's VFIO_MIG_FLAG_DEV_INIT_DATA_SENT handling. */
  private onInitDataSent(): void {
    const ctx = this.loadCtx!;
    if (!ctx.switchoverAck) throw new ProtocolError(`${this.id}: Received INIT_DATA_SENT but switchover ack is not used`);
    if (this.initMarkReceived) throw new ProtocolError(`${this.id}: INIT_DATA_SENT received twice`);
    if (this.initReceived !== this.spec.initialSize) {
      throw new ProtocolError(`${this.id}: INIT_DATA_SENT after ${this.initReceived} of ${this.spec.initialSize} bytes of initial data`);
    }
    this.initMarkReceived = true;
    const generation = this.generation;
    this.startAllocation().then(
      () => {
        if (generation === this.generation && this.allocation.state === 'done') ctx.approveSwitchover(this.id, this.allocation.ms);
      },
      () => {
        /* reported by loadComplete() */
      },
    );
  }

  /** `cursor` null: the bytes are already in the allocated resource (payloadTargets). */
  private loadResourceData(resource: number, offset: number, len: number, cursor: SliceCursor | null, seq: number): void {
    this.checkResourceChunk(resource, offset, len);
    const target = this.resources?.[resource] ?? this.ready[resource];
    const firstChunk = resource * this.chunksPerResource + offset / ACCEL_CHUNK_BYTES;
    const chunks = Math.ceil(len / ACCEL_CHUNK_BYTES);
    if (!cursor || target) {
      if (cursor) cursor.copyTo(target!, offset, len);
      for (let c = firstChunk, o = 0; o < len; c++, o += ACCEL_CHUNK_BYTES) this.digestUnits.markStale(c);
      this.frameOf.fill(seq, firstChunk, firstChunk + chunks);
      return;
    }
    // Not allocated yet: stage in the memory the allocation will adopt, in place.
    const staged = this.stagingFor(resource);
    const base = resource * this.chunksPerResource;
    // The staging memory is not zeroed (allocation touches only chunks nothing
    // was staged in), so a chunk staged for the first time by a partial write
    // gets the rest of it zeroed here: as in an allocated resource, bytes no
    // write reached read as zero, never as old heap contents. Only the tail
    // past the write is zeroed; the offset is chunk-aligned, so only the last
    // chunk can be partial.
    const end = offset + len;
    const lastChunk = firstChunk + Math.ceil(len / ACCEL_CHUNK_BYTES) - 1;
    const lastChunkEnd = Math.min(this.spec.resourceSize, (lastChunk - base + 1) * ACCEL_CHUNK_BYTES);
    if (len > 0 && end < lastChunkEnd && !staged.chunks.test(lastChunk - base)) staged.buf.fill(0, end, lastChunkEnd);
    cursor.copyTo(staged.buf, offset, len);
    for (let c = firstChunk, o = 0; o < len; c++, o += ACCEL_CHUNK_BYTES) {
      staged.chunks.set(c - base);
      this.digestUnits.markStale(c);
    }
    this.frameOf.fill(seq, firstChunk, firstChunk + chunks);
  }

  private startAllocation(): Promise<void> {
    switch (this.allocation.state) {
      case 'running':
        return this.allocation.promise;
      case 'done':
        return Promise.resolve();
      case 'failed':
        return Promise.reject(this.allocation.error);
      case 'none':
        break;
    }
    checkInitData(this.initData, this.spec, this.resourceCount, this.id);
    const generation = this.generation;
    const abort = new AbortController();
    this.allocationAbort = abort;
    const t0 = performance.now();
    const promise = (async () => {
      const resources: Buffer[] = [];
      this.ready = resources;
      for (let r = 0; r < this.resourceCount; r++) {
        // Contents arriving while this resource is being allocated must land in this same memory.
        const buf = this.stagingFor(r).buf;
        for (let off = 0; off < buf.length; off += TOUCH_STEP) {
          // Touch (zero) the step, except chunks that already hold staged contents.
          this.touch(r, buf, off, Math.min(buf.length, off + TOUCH_STEP));
          await yieldToLoop();
          if (generation !== this.generation) return;
        }
        if (this.spec.allocMs > 0) await sleep(this.spec.allocMs, undefined, { signal: abort.signal });
        if (generation !== this.generation) return;
        resources.push(buf);
        this.staged[r] = undefined;
        this.allocatedResources = r + 1;
        this.loadCtx?.progress(this.id, r + 1, this.resourceCount);
      }
      this.resources = resources;
      this.allocation = { state: 'done', ms: performance.now() - t0 };
      // verify: digest the new resources now, before approving switchover, rather
      // than all of them at the final verify, inside the downtime.
      if (this.loadCtx?.verify) {
        while (this.digestUnits.refresh(TOUCH_STEP) > 0) {
          await yieldToLoop();
          if (generation !== this.generation) return;
        }
      }
    })().catch((err: unknown) => {
      if (generation !== this.generation) return; // abandoned by loadCleanup: nothing to report
      const error = err instanceof Error ? err : new Error(String(err));
      this.allocation = { state: 'failed', error };
      throw error;
    });
    this.allocation = { state: 'running', promise };
    this.background = promise.catch(() => undefined);
    return promise;
  }

  private stagingFor(resource: number): { buf: Buffer; chunks: DirtyBitmap } {
    let staged = this.staged[resource];
    if (!staged) {
      staged = { buf: Buffer.allocUnsafeSlow(this.spec.resourceSize), chunks: new DirtyBitmap(this.chunksPerResource) };
      this.staged[resource] = staged;
    }
    return staged;
  }

  /** Zeroes buf[start, end) chunk by chunk, skipping chunks of resource `r` that hold staged contents. */
  private touch(r: number, buf: Buffer, start: number, end: number): void {
    const staged = this.staged[r]!;
    if (staged.chunks.count === 0) {
      buf.fill(0, start, end);
      return;
    }
    for (let off = start; off < end; off += ACCEL_CHUNK_BYTES) {
      if (!staged.chunks.test(off / ACCEL_CHUNK_BYTES)) buf.fill(0, off, Math.min(end, off + ACCEL_CHUNK_BYTES));
    }
  }

  async loadComplete(): Promise<void> {
    if (this.initReceived !== this.spec.initialSize) throw new ProtocolError(`${this.id}: stream ended after ${this.initReceived} of ${this.spec.initialSize} bytes of initial data`);
    if (this.stateReceived !== this.spec.stateSize) throw new ProtocolError(`${this.id}: stream ended after ${this.stateReceived} of ${this.spec.stateSize} bytes of device state`);
    await this.startAllocation();
  }

  /** Resolves once any background allocation has stopped running (done, failed or abandoned). */
  whenAllocationSettled(): Promise<void> {
    return this.background;
  }

  /** Allocation time, once done (for DEVICE_PREALLOCATED and the summary). */
  get allocationMs(): number | null {
    return this.allocation.state === 'done' ? this.allocation.ms : null;
  }

  loadCleanup(): void {
    this.abandonPreparation();
    this.loadCtx = null;
    this.frameOf = new Uint32Array(this.totalChunks);
    // A failed load forgets a restart's size: the next stream's initial data says it again.
    if (this.resourceCount !== this.spec.resources) this.setResourceCount(this.spec.resources);
  }

  // ---- verify ----

  digest(): Buffer {
    // The device state is hashed whole at stop, so with the fast word hash (digestFast), not SHA-256.
    return createHash('sha256').update(this.digestUnits.digest()).update(digestWhole(this.initData)).update(digestFast(this.deviceState)).digest();
  }

  refreshDigest(budgetBytes: number): number {
    return this.resources && this.resources.length === this.resourceCount ? this.digestUnits.refresh(budgetBytes) : 0;
  }

  status(): DeviceStatus {
    return {
      id: this.id,
      type: this.type.name,
      resources: this.resourceCount,
      'resource-size': this.spec.resourceSize,
      'initial-data-pending': this.initialDataPending(),
      pending: this.statePendingEstimate(),
      transferred: this.transferred,
      'allocated-resources': this.resources ? this.resources.length : this.allocatedResources,
      'allocation-ms': this.allocationMs,
    };
  }
}

/** Initial data: a header saying what to allocate, then device-specific bytes. */
function writeInitData(buf: Buffer, spec: AccelSpec, resources: number): void {
  fillSeeded(buf, spec.seed, `accel:${spec.id}:init`);
  if (buf.length < INIT_HEADER_BYTES) return;
  buf.writeUInt32BE(INIT_MAGIC, 0);
  buf.writeUInt32BE(resources, 4);
  buf.writeBigUInt64BE(BigInt(spec.resourceSize), 8);
}

/** One resource's seeded contents (source). */
function seededResource(spec: AccelSpec, r: number): Buffer {
  const buf = Buffer.allocUnsafeSlow(spec.resourceSize);
  fillSeeded(buf, spec.seed + r, `accel:${spec.id}:resource`);
  return buf;
}

function checkInitData(buf: Buffer, spec: AccelSpec, count: number, id: string): void {
  if (buf.length < INIT_HEADER_BYTES) return;
  if (buf.readUInt32BE(0) !== INIT_MAGIC) throw new DeviceError(`${id}: initial data does not describe an accel device`);
  const resources = buf.readUInt32BE(4);
  const size = Number(buf.readBigUInt64BE(8));
  if (resources !== count || size !== spec.resourceSize) {
    throw new DeviceError(`${id}: initial data asks for ${resources}×${size} bytes, this device has ${count}×${spec.resourceSize}`);
  }
}

/** What an accel destination holds of a paused migration (precopy-resume): its receivedState(). */
interface AccelHeldState {
  readonly rearm: number;
  readonly resources: number;
  readonly initReceived: number;
  readonly initMark: boolean;
  /** Per chunk, the frame it was last loaded from (u32 little-endian). */
  readonly frames: Uint8Array;
}

const HELD_HEADER_BYTES = 16;

/** u32le rearm | u32le resources | u32le initial-data bytes | u32le flags (1: INIT_DATA_SENT) | u32le frame per chunk. */
function encodeHeldState(h: AccelHeldState): Uint8Array {
  const out = Buffer.alloc(HELD_HEADER_BYTES + h.frames.length);
  out.writeUInt32LE(h.rearm, 0);
  out.writeUInt32LE(h.resources, 4);
  out.writeUInt32LE(h.initReceived, 8);
  out.writeUInt32LE(h.initMark ? 1 : 0, 12);
  out.set(h.frames, HELD_HEADER_BYTES);
  return out;
}

function decodeHeldState(bytes: Uint8Array, id: string): AccelHeldState {
  if (bytes.length < HELD_HEADER_BYTES) throw new ProtocolError(`${id}: held-state report of ${bytes.length} bytes`);
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return { rearm: b.readUInt32LE(0), resources: b.readUInt32LE(4), initReceived: b.readUInt32LE(8), initMark: (b.readUInt32LE(12) & 1) !== 0, frames: bytes.subarray(HELD_HEADER_BYTES) };
}
