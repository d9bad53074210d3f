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
import type { AccelSpec } from '../device-spec';
import { DirtyBitmap } from '../dirty-bitmap';
import { digestFast, digestWhole, hashBytes, UnitDigest } from '../digest';
import { DeviceError, ProtocolError } from '../errors';
import { fillSeeded, type Rng } from '../prng';
import { SliceCursor } from '../wire/slice-cursor';
import { livemig } from '../wire/messages';
import type { Device, DeviceStatus, IncomingSection, LoadContext, SaveContext, SectionWriter } from './device';

/** Granularity of dirty tracking and staging for resource contents. */
export const ACCEL_CHUNK_BYTES = 64 * 1024;
const INIT_MAGIC = 0x41434e49; // "ACNI"
const INIT_HEADER_BYTES = 16;
/** Allocation touches memory in steps this big, yielding in between. */
const TOUCH_STEP = 4 * 1024 * 1024;

const Kind = livemig.AccelChunkKind;
const Section = livemig.SectionType;

type Allocation =
  | { state: 'none' }
  | { state: 'running'; promise: Promise<void> }
  | { state: 'done'; ms: number }
  | { state: 'failed'; error: Error };

export class AccelDevice implements Device {
  readonly kind = 'accel' as const;
  readonly version = DEVICE_VERSIONS.accel;
  readonly iterable = true;
  readonly spec: AccelSpec;
  readonly id: string;
  private readonly chunksPerResource: number;
  private readonly totalChunks: number;
  /** Resource memory: always present on the source; on the destination once allocated. */
  private resources: Buffer[] | null;
  private readonly initData: Buffer;
  private readonly deviceState: Buffer;
  private readonly dirtyLog: DirtyBitmap;
  private readonly toSend: DirtyBitmap;
  private readonly digestUnits: UnitDigest;
  private workloadCarry = 0;

  // save-side progress
  private switchoverAck = false;
  private initSent = 0;
  private initMarkSent = false;
  private stateSent = 0;
  private chunkCursor = 0;
  transferred = 0;

  // load-side progress
  private loadCtx: LoadContext | null = null;
  private initReceived = 0;
  private initMarkReceived = false;
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

  constructor(spec: AccelSpec, role: 'source' | 'destination') {
    if (spec.resourceSize % 4096 !== 0) throw new DeviceError(`device '${spec.id}': resource-size must be a multiple of 4K`);
    this.spec = spec;
    this.id = spec.id;
    this.chunksPerResource = Math.ceil(spec.resourceSize / ACCEL_CHUNK_BYTES);
    this.totalChunks = this.chunksPerResource * spec.resources;
    this.initData = Buffer.alloc(spec.initialSize);
    this.deviceState = Buffer.alloc(spec.stateSize);
    if (role === 'source') {
      this.resources = [];
      for (let r = 0; r < spec.resources; r++) {
        const buf = Buffer.allocUnsafeSlow(spec.resourceSize);
        fillSeeded(buf, spec.seed + r, `accel:${spec.id}:resource`);
        this.resources.push(buf);
      }
      writeInitData(this.initData, spec);
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
    this.digestUnits = new UnitDigest(this.totalChunks, ACCEL_CHUNK_BYTES, (u, out, o) => {
      const res = this.resources?.[Math.floor(u / this.chunksPerResource)];
      if (!res) throw new DeviceError(`${this.id}: digest of a resource that is not allocated`);
      const start = (u % this.chunksPerResource) * ACCEL_CHUNK_BYTES;
      hashBytes(res.subarray(start, Math.min(res.length, start + ACCEL_CHUNK_BYTES)), out, o);
    });
  }

  get stateBytes(): number {
    return this.spec.resources * this.spec.resourceSize + this.spec.stateSize + this.spec.initialSize;
  }

  // ---- the running machine ----

  runWorkload(seconds: number, rng: Rng): void {
    if (!this.resources || this.resources.length < this.spec.resources) return;
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
    this.initSent = 0;
    this.initMarkSent = false;
    this.stateSent = 0;
    this.chunkCursor = 0;
    this.transferred = 0;
    this.toSend.setAll();
    this.dirtyLog.clearAll();
    this.transferred += out.write(Section.SECTION_START, { accel: { kind: Kind.ACCEL_SETUP } });
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
      written += out.write(Section.SECTION_PART, { accel: { kind: Kind.ACCEL_INIT_DATA, offset: this.initSent, initDataSent: mark } }, [
        this.initData.subarray(this.initSent, this.initSent + n),
      ]);
      this.initSent += n;
      if (mark) this.initMarkSent = true;
    }
    if (this.spec.initialSize === 0 && this.switchoverAck && !this.initMarkSent) {
      written += out.write(Section.SECTION_PART, { accel: { kind: Kind.ACCEL_NO_DATA, initDataSent: true } });
      this.initMarkSent = true;
    }
    // 2. Dirty resource chunks, contiguous chunks of one resource per frame.
    while (written < budget && this.toSend.count > 0) written += this.writeResourceFrame(out);
    // 3. At stop: the non-iterable device state.
    if (final) {
      while (written < budget && this.stateSent < this.spec.stateSize) {
        const n = Math.min(ACCEL_FRAME_BYTES, this.spec.stateSize - this.stateSent);
        written += out.write(Section.SECTION_PART, { accel: { kind: Kind.ACCEL_DEVICE_STATE, offset: this.stateSent } }, [
          this.deviceState.subarray(this.stateSent, this.stateSent + n),
        ]);
        this.stateSent += n;
      }
    }
    this.transferred += written;
    return written;
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
    return out.write(Section.SECTION_PART, { accel: { kind: Kind.ACCEL_RESOURCE_DATA, resource: resIndex, offset: start } }, [res.subarray(start, end)]);
  }

  saveLiveCompletePrecopy(out: SectionWriter): void {
    this.transferred += out.write(Section.SECTION_END, { accel: { kind: Kind.ACCEL_NO_DATA } });
  }

  saveCleanup(): void {
    this.toSend.clearAll();
    this.initSent = 0;
    this.initMarkSent = false;
    this.stateSent = 0;
  }

  // ---- load side ----

  loadSetup(ctx: LoadContext): void {
    this.loadCtx = ctx;
    this.initReceived = 0;
    this.initMarkReceived = false;
    this.stateReceived = 0;
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
  payloadTargets(_type: livemig.SectionType, data: livemig.Section.$Properties, len: number): Buffer[] | null {
    const accel = data.accel;
    if (!accel || len === 0) return null;
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
        return target ? [target.subarray(off, off + len)] : null;
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
    if (resource >= this.spec.resources || !Number.isSafeInteger(offset) || offset < 0 || offset % ACCEL_CHUNK_BYTES !== 0 || offset + len > this.spec.resourceSize) {
      throw new ProtocolError(`${this.id}: resource data ${resource}@${offset}+${len} is outside ${this.spec.resources}×${this.spec.resourceSize}`);
    }
  }

  loadState(section: IncomingSection): void {
    const accel = section.data.accel;
    if (!accel) throw new ProtocolError(`${this.id}: section carries no accel data`);
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
        this.loadResourceData(accel.resource ?? 0, accel.offset ?? 0, len, inPlace ? null : cursor);
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
  private loadResourceData(resource: number, offset: number, len: number, cursor: SliceCursor | null): void {
    this.checkResourceChunk(resource, offset, len);
    const target = this.resources?.[resource] ?? this.ready[resource];
    const firstChunk = resource * this.chunksPerResource + offset / ACCEL_CHUNK_BYTES;
    if (!cursor || target) {
      if (cursor) cursor.copyTo(target!, offset, len);
      for (let c = firstChunk, o = 0; o < len; c++, o += ACCEL_CHUNK_BYTES) this.digestUnits.markStale(c);
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
    checkInitData(this.initData, this.spec, this.id);
    const generation = this.generation;
    const abort = new AbortController();
    this.allocationAbort = abort;
    const t0 = performance.now();
    const promise = (async () => {
      const resources: Buffer[] = [];
      this.ready = resources;
      for (let r = 0; r < this.spec.resources; r++) {
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
        this.loadCtx?.progress(this.id, r + 1, this.spec.resources);
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
    this.generation++;
    this.allocationAbort?.abort();
    this.allocationAbort = null;
    this.resources = null;
    this.ready = [];
    this.staged = [];
    this.allocation = { state: 'none' };
    this.allocatedResources = 0;
    this.loadCtx = null;
    this.digestUnits.markAllStale();
  }

  // ---- verify ----

  digest(): Buffer {
    // The device state is hashed whole at stop, so with the fast word hash (digestFast), not SHA-256.
    return createHash('sha256').update(this.digestUnits.digest()).update(digestWhole(this.initData)).update(digestFast(this.deviceState)).digest();
  }

  refreshDigest(budgetBytes: number): number {
    return this.resources && this.resources.length === this.spec.resources ? this.digestUnits.refresh(budgetBytes) : 0;
  }

  status(): DeviceStatus {
    return {
      id: this.id,
      type: this.kind,
      resources: this.spec.resources,
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
function writeInitData(buf: Buffer, spec: AccelSpec): void {
  fillSeeded(buf, spec.seed, `accel:${spec.id}:init`);
  if (buf.length < INIT_HEADER_BYTES) return;
  buf.writeUInt32BE(INIT_MAGIC, 0);
  buf.writeUInt32BE(spec.resources, 4);
  buf.writeBigUInt64BE(BigInt(spec.resourceSize), 8);
}

function checkInitData(buf: Buffer, spec: AccelSpec, id: string): void {
  if (buf.length < INIT_HEADER_BYTES) return;
  if (buf.readUInt32BE(0) !== INIT_MAGIC) throw new DeviceError(`${id}: initial data does not describe an accel device`);
  const resources = buf.readUInt32BE(4);
  const size = Number(buf.readBigUInt64BE(8));
  if (resources !== spec.resources || size !== spec.resourceSize) {
    throw new DeviceError(`${id}: initial data asks for ${resources}×${size} bytes, this device has ${spec.resources}×${spec.resourceSize}`);
  }
}
