/**
 * `ram`: a page store with dirty tracking (QEMU's RAMBlock + migration bitmap).
 *
 * Source: the workload marks pages in `dirtyLog`; a pass folds it into `toSend`
 * (QEMU's bitmap sync) and the scan sends set pages in frames of up to 1 MiB.
 * Contiguous non-zero pages go out as one view of guest memory; zero pages go as
 * a run in the header only. Destination: memory is pre-faulted before the
 * stream starts; pages are copied from the received slices straight into it,
 * and a zero page is only written if the page there is not already zero.
 */
import { DEVICE_VERSIONS, RAM_FRAME_BYTES } from '../constants';
import type { RamSpec } from '../device-spec';
import { DirtyBitmap } from '../dirty-bitmap';
import { hashWords, UnitDigest, wordsOf } from '../digest';
import { ProtocolError } from '../errors';
import { fillSeeded, type Rng } from '../prng';
import { SliceCursor } from '../wire/slice-cursor';
import { livemig } from '../wire/messages';
import type { Device, DeviceStatus, IncomingSection, LoadContext, SaveContext, SectionWriter } from './device';

/** Runs per frame header, so the header stays far below MAX_HEADER_BYTES. */
const MAX_RUNS_PER_FRAME = 2048;

export interface RamMigrationStats {
  transferred: number;
  normalPages: number;
  zeroPages: number;
  dirtySyncCount: number;
  /** Pages newly dirtied at the last sync (for the dirty rate). */
  lastSyncDirtyPages: number;
}

export class RamDevice implements Device {
  readonly kind = 'ram' as const;
  readonly version = DEVICE_VERSIONS.ram;
  readonly iterable = true;
  readonly spec: RamSpec;
  readonly id: string;
  readonly mem: Buffer;
  readonly pageSize: number;
  readonly pages: number;
  private readonly words: Int32Array;
  private readonly wordsPerPage: number;
  private readonly zeroPage: Buffer;
  private readonly dirtyLog: DirtyBitmap;
  private readonly toSend: DirtyBitmap;
  private readonly digestUnits: UnitDigest;
  private scanCursor = 0;
  private workloadCarry = 0;
  readonly stats: RamMigrationStats = { transferred: 0, normalPages: 0, zeroPages: 0, dirtySyncCount: 0, lastSyncDirtyPages: 0 };

  constructor(spec: RamSpec, role: 'source' | 'destination') {
    this.spec = spec;
    this.id = spec.id;
    this.pageSize = spec.pageSize;
    this.pages = spec.size / spec.pageSize;
    this.mem = Buffer.allocUnsafeSlow(spec.size);
    if (role === 'destination' || spec.fill === 'zero') {
      // Touch every page now: first touch of fresh memory costs microseconds a page
      // and would otherwise be paid inside the load loop.
      this.mem.fill(0);
    } else if (spec.fill === 'random') {
      fillSeeded(this.mem, spec.seed, `ram:${spec.id}`);
    } else {
      fillPattern(this.mem, spec.pageSize, spec.seed);
    }
    this.words = wordsOf(this.mem);
    this.wordsPerPage = spec.pageSize >>> 2;
    this.zeroPage = Buffer.alloc(spec.pageSize);
    this.dirtyLog = new DirtyBitmap(this.pages);
    this.toSend = new DirtyBitmap(this.pages);
    const wpp = this.wordsPerPage;
    this.digestUnits = new UnitDigest(this.pages, spec.pageSize, (u, out, o) => hashWords(this.words, u * wpp, (u + 1) * wpp, out, o));
  }

  get stateBytes(): number {
    return this.spec.size;
  }

  isZeroPage(page: number): boolean {
    const off = page * this.pageSize;
    return this.zeroPage.compare(this.mem, off, off + this.pageSize) === 0;
  }

  // ---- the running machine ----

  runWorkload(seconds: number, rng: Rng, ramBytesPerSecond: number, hotPercent: number): void {
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
      this.words[page * this.wordsPerPage + rng.below(this.wordsPerPage)] = rng.nextU32() | 1;
      this.dirtyLog.set(page);
      this.digestUnits.markStale(page);
    }
  }

  // ---- save side ----

  saveSetup(out: SectionWriter, _ctx: SaveContext): void {
    this.toSend.setAll(); // the bulk stage: every page once
    this.dirtyLog.clearAll();
    this.scanCursor = 0;
    Object.assign(this.stats, { transferred: 0, normalPages: 0, zeroPages: 0, dirtySyncCount: 0, lastSyncDirtyPages: 0 });
    this.stats.transferred += out.write(livemig.SectionType.SECTION_START, { ram: { pageSize: this.pageSize, totalBytes: this.spec.size } });
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
    while (written < budget && this.toSend.count > 0) {
      written += this.writeOneFrame(out);
    }
    this.stats.transferred += written;
    return written;
  }

  /** Scans from the cursor and writes one PART section of up to RAM_FRAME_BYTES of page data. */
  private writeOneFrame(out: SectionWriter): number {
    const normalRuns: number[] = [];
    const zeroRuns: number[] = [];
    const payload: Buffer[] = [];
    const ps = this.pageSize;
    const maxPages = RAM_FRAME_BYTES / ps;
    let normalPages = 0;
    let zeroPages = 0;
    let runStart = -1;
    let runLen = 0;
    let runZero = false;
    const flush = (): void => {
      if (runLen === 0) return;
      if (runZero) zeroRuns.push(runStart, runLen);
      else {
        normalRuns.push(runStart, runLen);
        payload.push(this.mem.subarray(runStart * ps, (runStart + runLen) * ps));
      }
      runLen = 0;
    };
    let page = this.scanCursor;
    while (normalPages < maxPages && normalRuns.length + zeroRuns.length < MAX_RUNS_PER_FRAME * 2) {
      let next = this.toSend.nextSet(page);
      if (next < 0) {
        if (page === 0) break;
        flush();
        next = this.toSend.nextSet(0);
        if (next < 0) break;
      }
      page = next;
      this.toSend.clear(page);
      const zero = this.isZeroPage(page);
      if (runLen > 0 && (zero !== runZero || page !== runStart + runLen)) flush();
      if (runLen === 0) {
        runStart = page;
        runZero = zero;
      }
      runLen++;
      if (zero) zeroPages++;
      else normalPages++;
      page++;
      if (page >= this.pages) page = 0;
      if (this.toSend.count === 0) break;
    }
    flush();
    this.scanCursor = page;
    if (normalRuns.length === 0 && zeroRuns.length === 0) return 0;
    this.stats.normalPages += normalPages;
    this.stats.zeroPages += zeroPages;
    return out.write(livemig.SectionType.SECTION_PART, { ram: { normalRuns, zeroRuns } }, payload);
  }

  saveLiveCompletePrecopy(out: SectionWriter): void {
    this.stats.transferred += out.write(livemig.SectionType.SECTION_END, { ram: {} });
  }

  saveCleanup(): void {
    this.toSend.clearAll();
    this.scanCursor = 0;
  }

  // ---- load side ----

  loadSetup(_ctx: LoadContext): void {
    this.stats.normalPages = 0;
    this.stats.zeroPages = 0;
  }

  switchoverAckNeeded(): boolean {
    return false;
  }

  loadState(section: IncomingSection): void {
    const ram = section.data.ram;
    if (!ram) throw new ProtocolError(`${this.id}: section carries no ram data`);
    switch (section.type) {
      case livemig.SectionType.SECTION_START:
        if (ram.pageSize !== this.pageSize || ram.totalBytes !== this.spec.size) {
          throw new ProtocolError(`${this.id}: source RAM is ${ram.totalBytes} bytes in ${ram.pageSize}-byte pages, destination has ${this.spec.size} in ${this.pageSize}`);
        }
        this.expectPayload(section, 0);
        return;
      case livemig.SectionType.SECTION_PART:
        this.loadPages(ram.normalRuns ?? [], ram.zeroRuns ?? [], section);
        return;
      case livemig.SectionType.SECTION_END:
        this.expectPayload(section, 0);
        return;
      default:
        throw new ProtocolError(`${this.id}: unexpected section type ${section.type} for ram`);
    }
  }

  private loadPages(normalRuns: readonly number[], zeroRuns: readonly number[], section: IncomingSection): void {
    if (normalRuns.length % 2 !== 0 || zeroRuns.length % 2 !== 0) throw new ProtocolError(`${this.id}: odd page-run list`);
    let normalBytes = 0;
    for (let i = 0; i < normalRuns.length; i += 2) {
      this.checkRun(normalRuns[i]!, normalRuns[i + 1]!);
      normalBytes += normalRuns[i + 1]! * this.pageSize;
    }
    for (let i = 0; i < zeroRuns.length; i += 2) this.checkRun(zeroRuns[i]!, zeroRuns[i + 1]!);
    this.expectPayload(section, normalBytes);
    const cursor = new SliceCursor(section.payload, section.payloadLength);
    for (let i = 0; i < normalRuns.length; i += 2) {
      const first = normalRuns[i]!;
      const count = normalRuns[i + 1]!;
      cursor.copyTo(this.mem, first * this.pageSize, count * this.pageSize);
      for (let p = first; p < first + count; p++) this.digestUnits.markStale(p);
      this.stats.normalPages += count;
    }
    for (let i = 0; i < zeroRuns.length; i += 2) {
      const first = zeroRuns[i]!;
      const count = zeroRuns[i + 1]!;
      for (let p = first; p < first + count; p++) {
        if (!this.isZeroPage(p)) {
          this.mem.fill(0, p * this.pageSize, (p + 1) * this.pageSize);
          this.digestUnits.markStale(p);
        }
      }
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
    // Partial pages stay in memory but will be overwritten or zeroed by the next
    // stream (which starts with a bulk pass); the digest must not trust them.
    this.digestUnits.markAllStale();
  }

  // ---- verify ----

  digest(): Buffer {
    return this.digestUnits.digest();
  }

  refreshDigest(budgetBytes: number): number {
    return this.digestUnits.refresh(budgetBytes);
  }

  status(): DeviceStatus {
    return {
      id: this.id,
      type: this.kind,
      size: this.spec.size,
      'page-size': this.pageSize,
      'dirty-pages': this.dirtyLog.count,
      pending: this.statePendingEstimate(),
      transferred: this.stats.transferred,
    };
  }
}

/** A recognisable, seed-dependent pattern: the page number and a counter in every word. */
function fillPattern(mem: Buffer, pageSize: number, seed: number): void {
  const words = wordsOf(mem);
  const wpp = pageSize >>> 2;
  for (let p = 0, i = 0; i < words.length; p++) {
    for (let w = 0; w < wpp; w++, i++) words[i] = (p * 0x10001 + w + seed) | 0;
  }
}
