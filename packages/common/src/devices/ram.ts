/**
 * `ram`: a page store with dirty tracking (QEMU's RAMBlock + migration bitmap).
 *
 * Memory is a list of blocks (ram-blocks.ts: QEMU's RAMBlocks, 1 GiB each),
 * so a device may be larger than the largest Node Buffer; the bitmaps cover
 * the whole device, page by page. Blocks are zero-filled lazily by the kernel
 * (calloc), so a 4 GiB zero RAM costs nothing until touched. A
 * `written` bitmap records pages that may hold non-zero bytes: pages never
 * written are known to be zero without reading (and faulting in) them.
 *
 * Source: the workload marks pages in `dirtyLog`; a pass folds it into `toSend`
 * (QEMU's bitmap sync) and the scanner (ram-scanner.ts) sends pending pages in
 * frames of up to RAM_FRAME_BYTES: contiguous non-zero pages as one view of
 * guest memory, zero pages as runs in the header only.
 * Destination: pages are copied from the received slices straight into memory;
 * a zero page is only written if the page there may be non-zero. Memory is
 * pre-faulted in the background (`prefault`) so the load loop does not pay
 * the kernel's first-touch cost.
 */
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { DEVICE_VERSIONS, RAM_FRAME_BYTES } from '../constants';
import { canonicalSize } from '../sizes';
import { DirtyBitmap } from '../dirty-bitmap';
import { wordsOf } from '../digest';
import { DeviceSpecError, ProtocolError } from '../errors';
import { fillSeeded, type Rng } from '../prng';
import { SliceCursor } from '../wire/slice-cursor';
import { livemig } from '../wire/messages';
import type { Device, DeviceRole, DeviceSpec, DeviceStatus, DeviceType, SpecReader, IncomingSection, LoadContext, MemoryCounters, SaveContext, SectionKind, SectionWriter } from './device';
import { decodeWith } from './header-codec';
import { RAM_BLOCK_BYTES, RamBlocks } from './ram-blocks';
import { RamDigest } from './ram-digest';
import { fillFromFile } from './ram-file-fill';
import { RamScanner, type ScanLimits } from './ram-scanner';

/** Runs per frame header, so the header stays far below MAX_HEADER_BYTES. */
const MAX_RUNS_PER_FRAME = 2048;
/** Zero pages per frame: bounds the scan work behind one (tiny) frame. */
const MAX_ZERO_PAGES_PER_FRAME = 256 * 1024;
/**
 * What a loaded frame may describe as zero pages: the sender's bound plus the
 * word of 32 pages its scanner may add past it. Zero runs cost no payload, so
 * without this a 64 KiB header of overlapping whole-RAM runs would make the
 * destination walk RAM tens of thousands of times for one frame.
 */
const MAX_LOAD_ZERO_PAGES_PER_FRAME = MAX_ZERO_PAGES_PER_FRAME + 32;
/** A zero page found by scanning costs this much of a round's byte budget (QEMU counts ~1 byte + header). */
const ZERO_PAGE_BUDGET_BYTES = 64;

/** `file:PATH` is kept whole: `{ kind: 'file', path }`. */
export type RamFill = 'random' | 'zero' | 'pattern' | { readonly kind: 'file'; readonly path: string };

export interface RamSpec extends DeviceSpec {
  readonly type: 'ram';
  readonly size: number;
  readonly pageSize: number;
  readonly fill: RamFill;
  /**
   * Bytes per memory block (ram-blocks.ts; 1 GiB when absent). Local storage
   * only, not part of the shape: no key sets it; tests do (unit tests
   * directly, the daemons through LIVEMIG_TEST_RAM_BLOCK_SIZE).
   */
  readonly blockBytes?: number;
}

/** The `ram` device type (registered in builtins.ts). */
export const ramType: DeviceType<RamSpec> = {
  name: 'ram',
  help: 'guest memory: pages with dirty tracking, migrated iteratively; zero pages travel as a flag',
  keys: {
    id: { help: 'device id (a letter, then [A-Za-z0-9_.-])' },
    size: { help: 'bytes of memory (a multiple of page-size, up to 64G)' },
    'page-size': { def: '4K', help: 'page size, a power of two from 512 to 64K' },
    fill: { def: 'random', help: 'initial contents: random (seeded), zero or pattern' },
    seed: { def: 'from the id', help: 'seed of the random fill and writes' },
  },
  version: DEVICE_VERSIONS.ram,
  iterable: true,
  multifd: true,
  parse(r) {
    const pageSize = r.size('page-size');
    if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) r.fail(`page-size=${pageSize} must be a power of two between 512 and 64K`);
    const size = r.size('size', pageSize, 64 * 1024 ** 3);
    if (size % pageSize !== 0) r.fail(`size=${size} is not a multiple of page-size=${pageSize}`);
    const fill = parseRamFill(r.text('fill') ?? 'random', r);
    return { ...r.base, type: 'ram', size, pageSize, fill };
  },
  shape: (spec) => `size=${canonicalSize(spec.size)},page-size=${canonicalSize(spec.pageSize)}`,
  create: (spec, role) => new RamDevice(spec, role),
};

/**
 * `fill=random|zero|pattern|file:PATH`. The spec is split at ',' and each part at its
 * first '=', so PATH may hold ':' and '=' but not ','. The file is checked here, at the
 * edge (a usage error naming it, exit 2); it is read when the RAM is created.
 */
function parseRamFill(text: string, r: SpecReader): RamFill {
  if (text === 'random' || text === 'zero' || text === 'pattern') return text;
  if (!text.startsWith('file:')) return r.fail(`fill='${text}' must be random, zero, pattern or file:PATH`);
  const path = text.slice('file:'.length);
  if (path.length === 0) return r.fail(`fill=file: needs a path (fill=file:PATH)`);
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) return r.fail(`fill=file:${path}: '${path}' is not a regular file`);
    accessSync(path, fsConstants.R_OK);
    size = st.size;
  } catch (err) {
    if (err instanceof DeviceSpecError) throw err;
    const e = err as NodeJS.ErrnoException;
    return r.fail(`fill=file:${path}: cannot read '${path}' (${e.code ?? e.message})`);
  }
  if (size === 0) return r.fail(`fill=file:${path}: '${path}' is empty`);
  return Object.freeze({ kind: 'file' as const, path });
}

/** RAM's own section header (RamData in proto/devices.proto). */
export function encodeRamHeader(h: livemig.devices.IRamData): Uint8Array {
  return livemig.devices.RamData.encode(h).finish();
}

export interface RamMigrationStats {
  transferred: number;
  normalPages: number;
  zeroPages: number;
  dirtySyncCount: number;
  /** Pages newly dirtied at the last sync (for the dirty rate). */
  lastSyncDirtyPages: number;
}

export class RamDevice implements Device {
  readonly type = ramType;
  readonly version = ramType.version;
  readonly iterable = true;
  readonly spec: RamSpec;
  readonly id: string;
  /** Guest memory, in blocks. */
  readonly memory: RamBlocks;
  readonly pageSize: number;
  readonly pages: number;
  private readonly wordsPerPage: number;
  private readonly dirtyLog: DirtyBitmap;
  private readonly toSend: DirtyBitmap;
  /** Pages that may hold non-zero bytes (clear: known zero, never read). */
  private readonly written: DirtyBitmap;
  private readonly scanner: RamScanner;
  private readonly scanLimits: ScanLimits;
  private readonly digestUnits: RamDigest;
  /** verify is on for the current migration: digest pages as they are sent / land. */
  private digestEagerly = false;
  /** Next page `prefault` touches. */
  private prefaultCursor = 0;
  private workloadCarry = 0;
  /**
   * precopy-resume. Source: per page, the number of the batch (PART) it last
   * went in (0: not sent yet). Destination: per page, the number of the batch
   * it was last loaded from whole (0: none); a PART whose payload starts
   * landing in place zeroes its pages first, so a frame torn by a break never
   * counts. A page the destination holds from an older batch than the last
   * one sent (that one was lost in the break) is resent: a held bit alone
   * could not tell.
   */
  private batchOf: Uint32Array | null = null;
  /** Source: the last batch number given (per migration, never reused). */
  private batchSeq = 0;
  /** Pages per PART batch (smaller when the multifd channels compress). */
  private framePages: number;
  readonly stats: RamMigrationStats = { transferred: 0, normalPages: 0, zeroPages: 0, dirtySyncCount: 0, lastSyncDirtyPages: 0 };

  constructor(spec: RamSpec, role: DeviceRole) {
    this.spec = spec;
    this.id = spec.id;
    this.pageSize = spec.pageSize;
    this.pages = spec.size / spec.pageSize;
    this.memory = new RamBlocks(spec.size, spec.pageSize, spec.blockBytes ?? RAM_BLOCK_BYTES, spec.id);
    this.written = new DirtyBitmap(this.pages);
    if (role === 'source' && spec.fill === 'random') {
      fillSeeded(this.memory.blocks, spec.seed, `ram:${spec.id}`);
      this.written.setAll();
    } else if (role === 'source' && spec.fill === 'pattern') {
      fillPattern(this.memory, spec.seed);
      this.written.setAll();
    } else if (role === 'source' && typeof spec.fill === 'object') {
      fillFromFile(this.memory, spec.fill.path, this.written, spec.id);
    }
    // fill=zero, and the destination: memory is zero and untouched; the
    // destination pre-faults it in the background (prefault()).
    this.wordsPerPage = spec.pageSize >>> 2;
    this.dirtyLog = new DirtyBitmap(this.pages);
    this.toSend = new DirtyBitmap(this.pages);
    this.scanner = new RamScanner({ memory: this.memory, toSend: this.toSend, written: this.written });
    this.framePages = RAM_FRAME_BYTES / spec.pageSize;
    this.scanLimits = { maxNormalPages: RAM_FRAME_BYTES / spec.pageSize, maxRuns: MAX_RUNS_PER_FRAME, maxZeroPages: MAX_ZERO_PAGES_PER_FRAME };
    this.digestUnits = new RamDigest(this.memory, this.written);
  }

  get stateBytes(): number {
    return this.spec.size;
  }

  isZeroPage(page: number): boolean {
    return this.scanner.isZeroPage(page);
  }

  /**
   * Touches up to `budgetBytes` of pages not touched yet, so that the kernel's
   * first-touch cost (~1–2 µs a page) is paid before the stream arrives rather
   * than inside the load loop. Only pages known to be zero are written (with
   * zero), so contents never change. Returns the bytes covered; 0 when done.
   */
  prefault(budgetBytes: number): number {
    const ps = this.pageSize;
    const end = Math.min(this.pages, this.prefaultCursor + Math.max(1, Math.floor(budgetBytes / ps)));
    const first = this.prefaultCursor;
    for (let p = first; p < end; p++) if (!this.written.test(p)) this.memory.touch(p);
    this.prefaultCursor = end;
    return (end - first) * ps;
  }

  // ---- the running machine ----

  /** The workload simulator's writes: `ramBytesPerSecond` of page writes for `seconds`, `hotPercent` of RAM taking 90% of them. */
  simulateWrites(seconds: number, rng: Rng, ramBytesPerSecond: number, hotPercent: number): void {
    const want = (ramBytesPerSecond * seconds) / this.pageSize + this.workloadCarry;
    const n = Math.floor(want);
    this.workloadCarry = want - n;
    const hotPages = Math.max(1, Math.floor((this.pages * hotPercent) / 100));
    for (let i = 0; i < n; i++) {
      let page: number;
      if (hotPercent >= 100) page = rng.below(this.pages);
      else if (rng.below(10) < 9) page = rng.below(hotPages);
      else page = hotPages + rng.below(Math.max(1, this.pages - hotPages));
      if (page >= this.pages) page = this.pages - 1;
      this.memory.setWord(page, rng.below(this.wordsPerPage), rng.nextU32() | 1);
      this.written.set(page);
      this.dirtyLog.set(page);
      this.digestUnits.markStale(page);
    }
  }

  /** A guest write of `data` at byte `offset`, tracked like any write of the running machine. */
  write(offset: number, data: Buffer): void {
    if (offset < 0 || offset + data.length > this.spec.size) throw new RangeError(`${this.id}: write ${offset}+${data.length} outside ${this.spec.size} bytes`);
    this.memory.write(offset, data);
    const last = Math.floor((offset + Math.max(1, data.length) - 1) / this.pageSize);
    for (let p = Math.floor(offset / this.pageSize); p <= last; p++) {
      this.written.set(p);
      this.dirtyLog.set(p);
      this.digestUnits.markStale(p);
    }
  }

  // ---- save side ----

  saveSetup(out: SectionWriter, ctx: SaveContext): void {
    this.digestEagerly = ctx.verify === true;
    // multifd-compression: one batch is one compressed packet.
    this.framePages = Math.max(1, Math.floor(Math.min(RAM_FRAME_BYTES, ctx.multifdPacketBytes ?? RAM_FRAME_BYTES) / this.pageSize));
    this.toSend.setAll(); // the bulk stage: every page once
    this.dirtyLog.clearAll();
    this.scanner.cursor = 0;
    // 4 bytes per page, filled per batch: only where a resume may ask for it.
    this.batchOf = ctx.precopyResume === true ? new Uint32Array(this.pages) : null;
    this.batchSeq = 0;
    Object.assign(this.stats, { transferred: 0, normalPages: 0, zeroPages: 0, dirtySyncCount: 0, lastSyncDirtyPages: 0 });
    this.stats.transferred += out.write(livemig.SectionType.SECTION_START, encodeRamHeader({ pageSize: this.pageSize, totalBytes: this.spec.size }));
  }

  statePendingEstimate(): number {
    return this.toSend.count * this.pageSize;
  }

  statePendingExact(): number {
    this.stats.lastSyncDirtyPages = this.toSend.absorb(this.dirtyLog);
    this.stats.dirtySyncCount++;
    return this.statePendingEstimate();
  }

  initialDataPending(): number {
    return 0;
  }

  saveLiveIterate(out: SectionWriter, budget: number, _final: boolean): number {
    let written = 0;
    let effort = 0;
    const framePages = this.framePages;
    while (effort < budget) {
      // No more page data than the budget has room for (max-bandwidth is a byte budget).
      this.scanLimits.maxNormalPages = Math.max(1, Math.min(framePages, Math.ceil((budget - effort) / this.pageSize)));
      const batch = this.scanner.next(this.scanLimits);
      if (!batch) break;
      this.stats.normalPages += batch.normalPages;
      this.stats.zeroPages += batch.zeroPages;
      const seq = ++this.batchSeq;
      this.markBatch(batch.normalRuns, seq);
      this.markBatch(batch.zeroRuns, seq);
      const n = out.write(livemig.SectionType.SECTION_PART, encodeRamHeader({ normalRuns: batch.normalRuns, zeroRuns: batch.zeroRuns, seq }), batch.payload);
      // verify: digest what was just sent while it is in cache (the machine may still change
      // it; then it is dirty and stale again, and sent and digested again).
      if (this.digestEagerly) for (let i = 0; i < batch.normalRuns.length; i += 2) this.digestUnits.refreshPages(batch.normalRuns[i]!, batch.normalRuns[i + 1]!);
      written += n;
      effort += n + batch.zeroPages * ZERO_PAGE_BUDGET_BYTES;
    }
    this.stats.transferred += written;
    return written;
  }

  saveLiveCompletePrecopy(out: SectionWriter): void {
    this.stats.transferred += out.write(livemig.SectionType.SECTION_END);
  }

  saveCleanup(): void {
    this.digestEagerly = false;
    this.toSend.clearAll();
    this.scanner.cursor = 0;
    this.batchOf = null;
  }

  /** Records batch `seq` for every page of `runs` ((first, count) pairs). */
  private markBatch(runs: readonly number[], seq: number): void {
    const of = this.batchOf;
    if (!of) return;
    for (let i = 0; i < runs.length; i += 2) of.fill(seq, runs[i]!, runs[i]! + runs[i + 1]!);
  }

  /**
   * precopy-resume: `held` is, per page, the batch the destination last loaded
   * it from (its receivedState()). Every page whose last batch sent is not
   * the one held (lost in the break, torn, or never sent) goes again (QEMU
   * ram_dirty_bitmap_reload for postcopy recovery, where pages do not change;
   * here they do, so the batch, not a bit). What was dirtied since is in
   * dirtyLog or toSend already. Returns the bytes the destination lacked.
   */
  resumeFrom(held: Uint8Array): number {
    const sent = this.batchOf;
    if (!sent) throw new ProtocolError(`${this.id}: resume without a migration in progress`);
    if (held.length !== this.pages * 4) throw new ProtocolError(`${this.id}: held-state report of ${held.length} bytes, expected ${this.pages * 4}`);
    const heldOf = new Uint32Array(this.pages);
    new Uint8Array(heldOf.buffer).set(held);
    let lacking = 0;
    for (let p = 0; p < this.pages; p++) {
      const s = sent[p]!;
      if (s !== 0 && heldOf[p] === s) continue;
      lacking++;
      if (s !== 0) this.toSend.set(p); // never sent: still in toSend
    }
    this.scanner.cursor = 0;
    return lacking * this.pageSize;
  }

  // ---- load side ----

  loadSetup(ctx: LoadContext): void {
    this.digestEagerly = ctx.verify === true;
    this.stats.normalPages = 0;
    this.stats.zeroPages = 0;
    this.batchOf = ctx.precopyResume === true ? new Uint32Array(this.pages) : null;
  }

  /** precopy-resume: per page, the batch it was last loaded from whole (see `batchOf`), u32 little-endian. */
  receivedState(): Uint8Array {
    const of = this.batchOf ?? new Uint32Array(this.pages);
    return new Uint8Array(of.buffer.slice(of.byteOffset, of.byteOffset + of.byteLength));
  }

  switchoverAckNeeded(): boolean {
    return false;
  }

  decodeHeader(_type: SectionKind, _version: number, bytes: Uint8Array): livemig.devices.IRamData {
    return decodeWith(livemig.devices.RamData, bytes, this.id);
  }

  loadState(section: IncomingSection): void {
    const ram = section.header as livemig.devices.IRamData;
    switch (section.type) {
      case livemig.SectionType.SECTION_START:
        if (ram.pageSize !== this.pageSize || ram.totalBytes !== this.spec.size) {
          throw new ProtocolError(`${this.id}: source RAM is ${ram.totalBytes} bytes in ${ram.pageSize}-byte pages, destination has ${this.spec.size} in ${this.pageSize}`);
        }
        this.expectPayload(section, 0);
        return;
      case livemig.SectionType.SECTION_PART:
        this.loadPages(ram.normalRuns ?? [], ram.zeroRuns ?? [], section, ram.seq ?? 0);
        return;
      case livemig.SectionType.SECTION_END:
        this.expectPayload(section, 0);
        return;
      default:
        throw new ProtocolError(`${this.id}: unexpected section type ${section.type} for ram`);
    }
  }

  /** Checks a PART section's runs against this RAM and its payload length; returns the normal bytes. */
  private checkRuns(normalRuns: readonly number[], zeroRuns: readonly number[], payloadLength: number): number {
    if (normalRuns.length % 2 !== 0 || zeroRuns.length % 2 !== 0) throw new ProtocolError(`${this.id}: odd page-run list`);
    let normalBytes = 0;
    for (let i = 0; i < normalRuns.length; i += 2) {
      this.checkRun(normalRuns[i]!, normalRuns[i + 1]!);
      normalBytes += normalRuns[i + 1]! * this.pageSize;
    }
    let zeroPages = 0;
    for (let i = 0; i < zeroRuns.length; i += 2) {
      this.checkRun(zeroRuns[i]!, zeroRuns[i + 1]!);
      zeroPages += zeroRuns[i + 1]!;
    }
    if (zeroPages > MAX_LOAD_ZERO_PAGES_PER_FRAME) {
      throw new ProtocolError(`${this.id}: section describes ${zeroPages} zero pages, more than the ${MAX_LOAD_ZERO_PAGES_PER_FRAME} a frame may carry`);
    }
    if (payloadLength !== normalBytes) {
      throw new ProtocolError(`${this.id}: section payload is ${payloadLength} bytes, its header describes ${normalBytes}`);
    }
    return normalBytes;
  }

  /** Pages a normal run overwrites may hold data from now on. */
  private markWritten(first: number, count: number): void {
    for (let p = first; p < first + count; p++) this.written.set(p);
  }

  /** Pages a normal run overwrote: their digest must be redone (at once with verify, while in cache). Only once the bytes are all there. */
  private markLoaded(first: number, count: number): void {
    for (let p = first; p < first + count; p++) this.digestUnits.markStale(p);
    if (this.digestEagerly) this.digestUnits.refreshPages(first, count);
    this.stats.normalPages += count;
  }

  payloadTargets(type: SectionKind, header: unknown, payloadLength: number): Buffer[] | null {
    const ram = header as livemig.devices.IRamData;
    if (type !== livemig.SectionType.SECTION_PART) return null;
    const normalRuns = ram.normalRuns ?? [];
    this.checkRuns(normalRuns, ram.zeroRuns ?? [], payloadLength);
    const regions: Buffer[] = [];
    for (let i = 0; i < normalRuns.length; i += 2) {
      const first = normalRuns[i]!;
      const count = normalRuns[i + 1]!;
      this.markWritten(first, count);
      // From its first byte on, the page is no longer the copy of the batch it was loaded from.
      this.batchOf?.fill(0, first, first + count);
      // One region per block the run touches (the sender's runs need not end where our blocks do).
      this.memory.viewsOf(first, count, regions);
    }
    return regions;
  }

  private loadPages(normalRuns: readonly number[], zeroRuns: readonly number[], section: IncomingSection, seq: number): void {
    // In place: payloadTargets() checked the runs and the bytes are already there.
    const cursor = section.inPlace ? null : new SliceCursor(section.payload, section.payloadLength);
    if (cursor) this.checkRuns(normalRuns, zeroRuns, section.payloadLength);
    for (let i = 0; i < normalRuns.length; i += 2) {
      const first = normalRuns[i]!;
      const count = normalRuns[i + 1]!;
      if (cursor) {
        this.markWritten(first, count);
        this.memory.copyIn(cursor, first, count);
      }
      this.markLoaded(first, count);
      this.batchOf?.fill(seq, first, first + count);
    }
    for (let i = 0; i < zeroRuns.length; i += 2) {
      const first = zeroRuns[i]!;
      const count = zeroRuns[i + 1]!;
      const end = first + count;
      // Only pages that may hold data need a look (word-at-a-time over `written`,
      // within the run only: a one-page run costs one word, however large RAM is).
      for (let p = this.written.nextSet(first, end); p >= 0; p = this.written.nextSet(p + 1, end)) {
        if (!this.memory.isZero(p)) this.memory.zeroPage(p);
        this.written.clear(p);
        this.digestUnits.markStale(p);
      }
      this.batchOf?.fill(seq, first, end);
      this.stats.zeroPages += count;
    }
  }

  private checkRun(first: number, count: number): void {
    if (count === 0 || first + count > this.pages) {
      throw new ProtocolError(`${this.id}: page run ${first}+${count} is outside the ${this.pages} pages`);
    }
  }

  private expectPayload(section: IncomingSection, bytes: number): void {
    if (section.payloadLength !== bytes) {
      throw new ProtocolError(`${this.id}: section payload is ${section.payloadLength} bytes, its header describes ${bytes}`);
    }
  }

  async loadComplete(): Promise<void> {}

  loadCleanup(): void {
    this.digestEagerly = false;
    this.batchOf = null;
    // Partial pages stay in memory but will be overwritten or zeroed by the next
    // stream (which starts with a bulk pass); the digest must not trust them.
    this.digestUnits.markAllStale();
  }

  // ---- verify ----

  digest(): Buffer {
    return this.digestUnits.digest();
  }

  refreshDigest(budgetBytes: number): number {
    // Digesting pages as they are sent / land: a background pass would only read
    // pages ahead of the stream, out of cache, that get digested when they move
    // anyway. It still takes the known-zero pages (no read), so few are left for
    // the final digest in the downtime.
    return this.digestUnits.refresh(budgetBytes, this.digestEagerly);
  }

  memoryCounters(): MemoryCounters {
    const s = this.stats;
    return { pageSize: this.pageSize, totalBytes: this.spec.size, transferred: s.transferred, normalPages: s.normalPages, zeroPages: s.zeroPages, lastSyncDirtyPages: s.lastSyncDirtyPages };
  }

  status(): DeviceStatus {
    return {
      id: this.id,
      type: this.type.name,
      size: this.spec.size,
      'page-size': this.pageSize,
      'dirty-pages': this.dirtyLog.count,
      pending: this.statePendingEstimate(),
      transferred: this.stats.transferred,
    };
  }
}

/** A recognisable, seed-dependent pattern: the page number and a counter in every word. */
function fillPattern(memory: RamBlocks, seed: number): void {
  const wpp = memory.pageSize >>> 2;
  let p = 0; // page number across blocks
  for (const block of memory.blocks) {
    const words = wordsOf(block);
    for (let i = 0; i < words.length; p++) {
      for (let w = 0; w < wpp; w++, i++) words[i] = (p * 0x10001 + w + seed) | 0;
    }
  }
}
