/**
 * The migration progress renderer (livemig-ctl watch; reusable by scripts such
 * as the demo): fed `query-migrate` replies and QMP events, it draws a live
 * cli-progress bar on a TTY (events and messages printed above it) and plain,
 * throttled lines otherwise.
 *
 *   const r = new ProgressRenderer({ stream: process.stdout, label: 'source' });
 *   client.on('event', (e) => r.event(e));
 *   r.update(await client.call('query-migrate'));   // as often as you like
 *   r.finish(finalInfo);                             // stops the bar, prints the final figures
 */
import { MultiBar, type SingleBar } from 'cli-progress';
import type { QmpEvent } from '@livemig/common/control';
import { PAUSED_STATUSES, formatEvent, formatFinal, formatProgressDetails, formatProgressHead, formatProgressLine, progressSnapshot, type MigrationInfo, type ProgressSnapshot, type SnapshotContext } from './progress-format';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  /** Terminal width (process.stdout.columns); the live line is fitted to it. */
  columns?: number;
}

export interface ProgressRendererOptions {
  /** Where to draw (default process.stdout). */
  stream?: ProgressStream;
  /** Draw a live bar (default: stream.isTTY). */
  tty?: boolean;
  /** Plain mode: least ms between two progress lines, except on a status change (default 1000). */
  minIntervalMs?: number;
  /** A prefix for every line, e.g. 'source' (default none). */
  label?: string;
  /** Print QMP events (default true). */
  showEvents?: boolean;
  /** Clock for the plain-mode throttle (default performance.now). */
  now?: () => number;
  /** Columns of the live line when the stream does not say (default 80). */
  columns?: number;
}

const BAR_SCALE = 1000;

export class ProgressRenderer {
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly minIntervalMs: number;
  private readonly prefix: string;
  private readonly showEvents: boolean;
  private readonly now: () => number;
  private multibar: MultiBar | null = null;
  private bar: SingleBar | null = null;
  private barsize = 0;
  private lastLineAt = Number.NEGATIVE_INFINITY;
  private lastStatus = '';
  private lastLine = '';
  private finished = false;
  private readonly columnsFallback: number;
  /** Known beyond each reply (the switchover-ack capability). */
  context: SnapshotContext = {};
  /** The last snapshot shown, for callers that want the figures. */
  snapshot: ProgressSnapshot | null = null;

  constructor(opts: ProgressRendererOptions = {}) {
    this.stream = opts.stream ?? process.stdout;
    this.tty = opts.tty ?? this.stream.isTTY === true;
    this.minIntervalMs = opts.minIntervalMs ?? 1000;
    this.prefix = opts.label ? `${opts.label}: ` : '';
    this.showEvents = opts.showEvents ?? true;
    this.now = opts.now ?? (() => performance.now());
    this.columnsFallback = opts.columns ?? 80;
  }

  /** The terminal's width now (it may be resized while the bar runs). */
  get columns(): number {
    const c = this.stream.columns;
    return typeof c === 'number' && c > 0 ? c : this.columnsFallback;
  }

  get isTTY(): boolean {
    return this.tty;
  }

  /** Shows one `query-migrate` reply: redraws the bar, or prints a line when due. */
  update(info: MigrationInfo): void {
    if (this.finished) return;
    const s = progressSnapshot(info, { ...this.context, now: this.now() });
    this.snapshot = s;
    if (s.status === 'none') return;
    if (this.tty) return this.draw(s);
    const t = this.now();
    const line = formatProgressLine(s);
    if (s.status !== this.lastStatus || (t - this.lastLineAt >= this.minIntervalMs && line !== this.lastLine)) {
      this.lastStatus = s.status;
      this.lastLineAt = t;
      this.lastLine = line;
      this.writeLine(`progress ${line}`);
    }
  }

  /** Prints one QMP event (time, name, data); a MIGRATION event also starts or ends the pause clock. */
  event(e: QmpEvent): void {
    if (e.event === 'MIGRATION') {
      const status = String(e.data?.status ?? '');
      // A resume that fails pauses again: precopy-paused → precopy-recover → precopy-paused is one pause.
      if (PAUSED_STATUSES.includes(status)) this.context = { ...this.context, pausedSince: this.context.pausedSince ?? this.now() };
      else this.context = { ...this.context, pausedSince: null };
    }
    if (this.showEvents && !this.finished) this.log(formatEvent(e));
  }

  /** Prints a line (above the bar on a TTY). */
  log(line: string): void {
    if (this.multibar) this.multibar.log(`${this.prefix}${line}\n`);
    else this.writeLine(line);
  }

  /** Stops the bar and prints the final figures of `info` (when given). Idempotent. */
  finish(info?: MigrationInfo): void {
    if (this.finished) return;
    if (info) {
      this.snapshot = progressSnapshot(info, { ...this.context, now: this.now() });
      if (this.bar) this.draw(this.snapshot);
    }
    this.finished = true;
    if (this.multibar) {
      // Flush the lines logged since the last redraw (cli-progress prints them on update only).
      this.multibar.update();
      this.multibar.stop();
    }
    this.multibar = null;
    this.bar = null;
    if (info) for (const line of formatFinal(info, this.context)) this.writeLine(line);
  }

  private writeLine(line: string): void {
    this.stream.write(`${this.prefix}${line}\n`);
  }

  /**
   * The live line, fitted to the terminal: '{label}{status} [{bar}] {pct}% | {details}'.
   * The bar narrows on small terminals and the details drop or shorten fields by
   * priority (progress-format.ts), so the line never wraps (a wrapped line
   * breaks cli-progress's redraw).
   */
  private draw(s: ProgressSnapshot): void {
    const columns = this.columns;
    const barsize = columns >= 120 ? 24 : columns >= 80 ? 14 : 8;
    const status = formatProgressHead(s).padEnd(14);
    // label + status + ' [' + bar + '] ' + '100%' + ' | ', and one column spare so the cursor never wraps.
    const fixed = this.prefix.length + status.length + 2 + barsize + 2 + 4 + 3 + 1;
    const payload = { label: this.prefix, status, details: formatProgressDetails(s, Math.max(0, columns - fixed)) };
    const value = Math.round(s.fraction * BAR_SCALE);
    if (!this.bar || this.barsize !== barsize) {
      this.multibar?.stop();
      this.barsize = barsize;
      this.multibar = new MultiBar({
        stream: this.stream as NodeJS.WritableStream,
        format: '{label}{status} [{bar}] {percentage}% | {details}',
        barsize,
        hideCursor: true,
        clearOnComplete: false,
        autopadding: true,
        fps: 10,
      });
      this.bar = this.multibar.create(BAR_SCALE, value, payload);
      return;
    }
    this.bar.update(value, payload);
  }
}
