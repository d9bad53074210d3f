/**
 * Pure formatting of migration progress from `query-migrate` replies (source
 * or destination, SPEC §4) and of QMP events: the text behind livemig-ctl
 * watch's progress bar and its plain lines. No I/O, no clock.
 */
import type { QmpEvent } from '@livemig/common/control';

export type MigrationInfo = Readonly<Record<string, unknown>>;

export const FINAL_STATUSES: readonly string[] = ['completed', 'failed', 'cancelled'];
/** precopy-paused / precopy-recover (precopy-resume): the connection broke and the migration waits to be resumed. */
export const PAUSED_STATUSES: readonly string[] = ['precopy-paused', 'precopy-recover'];
export const RUNNING_STATUSES: readonly string[] = ['setup', 'active', ...PAUSED_STATUSES, 'device', 'cancelling'];

/** What one progress line shows; null where the side does not know it. */
export interface ProgressSnapshot {
  role: 'source' | 'destination' | 'none';
  status: string;
  /** Dirty-bitmap syncs so far (QEMU dirty-sync-count). */
  pass: number | null;
  /** Bytes on the wire so far (source: sent; destination: received). */
  transferred: number;
  /** Destination: resources pre-allocated so far and in all (devices gated by switchover-ack), or null. */
  prealloc: { done: number; total: number } | null;
  /** Bytes still to send before switchover (all devices). */
  remaining: number | null;
  /** Bytes of machine state (sum of device sizes). */
  total: number | null;
  /** Throughput now (source, while active) or on average (after), in Mbit/s. */
  mbps: number | null;
  /** ms; null once the machine stopped or before the source knows. */
  expectedDowntime: number | null;
  /** ms since the migration started. */
  elapsed: number | null;
  /** Switchover-ack state in words: 'off', 'waiting for accel0', 'acked after 633 ms'. */
  ack: string;
  /** Fraction 0..1 for a bar: the source's state sent (total − remaining), the destination's data received. */
  fraction: number;
  /** precopy-resume: times this migration was resumed after a break (null: the daemon does not say). */
  resumes: number | null;
  /** ms the migration has been paused (precopy-paused/-recover), when the caller saw the pause begin; else null. */
  pausedMs: number | null;
  /** Source: RAM bytes sent after the first resume. */
  resent: number | null;
}

/** What the caller knows beyond one query-migrate reply. */
export interface SnapshotContext {
  /** The daemon's switchover-ack capability (query-migrate-capabilities), when known. */
  switchoverAck?: boolean;
  /** When the current pause began (ms, the caller's clock: a precopy-paused event), and the clock now. */
  pausedSince?: number | null;
  now?: number;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const list = (v: unknown): Array<Record<string, unknown>> => (Array.isArray(v) ? v.map(obj) : []);

/** 1536 → "1.5 KiB" (binary units, as the CLI's size suffixes). */
export function formatBytes(n: number | null): string {
  if (n === null) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const sign = n < 0 ? '-' : '';
  return u === 0 ? `${sign}${v} B` : `${sign}${v.toFixed(1)} ${units[u]}`;
}

export function formatMs(n: number | null): string {
  return n === null ? '-' : `${Math.round(n)} ms`;
}

function ackText(info: MigrationInfo, devices: Array<Record<string, unknown>>, ctx: SnapshotContext): string {
  const waitMs = num(info['switchover-ack-wait']);
  if (info['switchover-acked'] === true) return waitMs === null ? 'acked' : `acked after ${Math.round(waitMs)} ms`;
  if (ctx.switchoverAck === false) return 'off';
  const gated = devices.filter((d) => d['switchover-ack'] === 'pending' || d['switchover-ack'] === 'approved');
  // Before the stream says which devices need it, the capability is all there is to go by.
  if (gated.length === 0 && num(info['switchover-ack-pending']) === null) return ctx.switchoverAck === true ? 'on' : 'off';
  const waiting = devices.filter((d) => d['switchover-ack'] === 'pending').map((d) => {
    const done = num(d['allocated-resources']);
    const total = num(d.resources);
    return done !== null && total !== null ? `${String(d.id)} ${done}/${total}` : String(d.id);
  });
  return waiting.length > 0 ? `waiting for ${waiting.join(', ')}` : 'waiting';
}

/** The figures of one `query-migrate` reply that progress shows. */
export function progressSnapshot(info: MigrationInfo, ctx: SnapshotContext = {}): ProgressSnapshot {
  const status = typeof info.status === 'string' ? info.status : 'none';
  const devices = list(info.devices);
  const sizes = devices.map((d) => num(d.size)).filter((n): n is number => n !== null);
  const ram = obj(info.ram);
  const isSource = 'ram' in info;
  const isDestination = 'bytes-received' in info;
  const total = sizes.length > 0 ? sizes.reduce((a, b) => a + b, 0) : num(ram.total);
  const transferred = isSource ? (num(ram['precopy-bytes']) ?? 0) + (num(ram['downtime-bytes']) ?? 0) : (num(info['bytes-received']) ?? 0);
  const remaining = isSource ? (num(info.remaining) ?? num(ram.remaining)) : null;
  // Pre-allocation (destination) is shown apart from the data: the ack comes long before the data is in.
  const resources = devices.filter((d) => num(d.resources) !== null && num(d['allocated-resources']) !== null);
  const allocTotal = resources.reduce((n, d) => n + (num(d.resources) ?? 0), 0);
  const allocDone = resources.reduce((n, d) => n + (num(d['allocated-resources']) ?? 0), 0);
  // Source: state sent (total − remaining); destination: data received against the state's size.
  let fraction = 0;
  if (status === 'completed') fraction = 1;
  else if (isSource && total !== null && total > 0) fraction = (total - (remaining ?? 0)) / total;
  else if (total !== null && total > 0) fraction = transferred / total;
  return {
    role: isSource ? 'source' : isDestination ? 'destination' : 'none',
    status,
    pass: num(info['dirty-sync-count']) ?? num(ram['dirty-sync-count']),
    transferred,
    prealloc: !isSource && allocTotal > 0 ? { done: allocDone, total: allocTotal } : null,
    remaining,
    total,
    mbps: num(ram.mbps),
    expectedDowntime: num(info['expected-downtime']),
    elapsed: num(info['total-time']),
    ack: ackText(info, devices, ctx),
    fraction: Math.min(1, Math.max(0, fraction)),
    resumes: num(info.resumes),
    pausedMs: PAUSED_STATUSES.includes(status) && typeof ctx.pausedSince === 'number' && typeof ctx.now === 'number' ? Math.max(0, ctx.now - ctx.pausedSince) : null,
    resent: isSource ? num(ram['resent-after-resume']) : null,
  };
}

/** One field of the progress line: its forms from longest to shortest; a higher priority is kept longer. */
interface Field {
  readonly forms: readonly string[];
  readonly priority: number;
}

const SEP = ' | ';

function sourceFields(s: ProgressSnapshot): Field[] {
  const left = formatBytes(s.remaining);
  const of = s.total !== null ? ` of ${formatBytes(s.total)}` : '';
  const mbps = s.mbps === null ? '-' : s.mbps.toFixed(1);
  const fields: Field[] = [
    { priority: 5, forms: [`sent ${formatBytes(s.transferred)}, ${left} left${of}`, `sent ${formatBytes(s.transferred)}, ${left} left`, `${left} left`] },
    { priority: 3, forms: [`${mbps} Mbps`] },
  ];
  if (s.expectedDowntime !== null) fields.push({ priority: 2, forms: [`expected downtime ${formatMs(s.expectedDowntime)}`, `exp. downtime ${formatMs(s.expectedDowntime)}`] });
  return fields;
}

function destinationFields(s: ProgressSnapshot): Field[] {
  // Not "of": pages dirtied again are received again, so the data may exceed the state.
  const state = s.total !== null ? ` (state ${formatBytes(s.total)})` : '';
  const fields: Field[] = [{ priority: 5, forms: [`received ${formatBytes(s.transferred)}${state}`, `received ${formatBytes(s.transferred)}`] }];
  if (s.prealloc) fields.push({ priority: 4, forms: [`pre-allocated ${s.prealloc.done}/${s.prealloc.total}`, `prealloc ${s.prealloc.done}/${s.prealloc.total}`] });
  return fields;
}

/** The status field ("active pass 4") and the detail fields, by priority. */
function progressFields(s: ProgressSnapshot): { head: Field; details: Field[] } {
  const head: Field = { priority: 9, forms: [`${s.status}${s.pass !== null ? ` pass ${s.pass}` : ''}`] };
  const details: Field[] = [];
  if (s.elapsed !== null) details.push({ priority: 6, forms: [`${(s.elapsed / 1000).toFixed(1)} s`] });
  if (PAUSED_STATUSES.includes(s.status)) {
    // The pause comes first: while it lasts it is what matters most after the status.
    const long = s.pausedMs === null ? 'link broken' : `link broken ${(s.pausedMs / 1000).toFixed(1)} s`;
    const short = s.pausedMs === null ? 'broken' : `${(s.pausedMs / 1000).toFixed(1)} s`;
    details.push({ priority: 8, forms: [s.status === 'precopy-paused' ? `${long}, waiting for resume` : `${long}, reconnecting`, long, short] });
  }
  if (s.resumes !== null && s.resumes > 0) details.push({ priority: 7, forms: [`resumed ${s.resumes}×`, `r${s.resumes}`] });
  details.push(...(s.role === 'source' ? sourceFields(s) : s.role === 'destination' ? destinationFields(s) : []));
  const ack = s.ack.startsWith('waiting') ? ['ack waiting'] : [];
  details.push({ priority: 1, forms: [`ack ${s.ack}`, ...ack] });
  return { head, details };
}

/**
 * The fields joined with ' | ' in at most `width` columns: the lowest-priority
 * field is shortened first, then dropped, until the line fits (the head and
 * the highest-priority field are cut only if nothing else is left).
 */
export function fitFields(fields: readonly Field[], width: number): string {
  const form = fields.map(() => 0);
  const kept = fields.map(() => true);
  const render = (): string =>
    fields
      .map((f, i) => (kept[i] ? f.forms[form[i]!]! : null))
      .filter((t): t is string => t !== null)
      .join(SEP);
  // Lowest priority first; on a tie the later field goes first.
  const order = fields.map((f, i) => ({ f, i })).sort((a, b) => a.f.priority - b.f.priority || b.i - a.i);
  for (const { f, i } of order) {
    while (render().length > width && form[i]! < f.forms.length - 1) form[i]!++;
    if (render().length > width && kept.filter(Boolean).length > 1) kept[i] = false;
    if (render().length <= width) break;
  }
  const out = render();
  return out.length <= width ? out : `${out.slice(0, Math.max(0, width - 1))}…`;
}

/**
 * One plain line, fitted to `width` columns (default: no limit):
 * "active pass 4 | 1.5 s | sent 88.2 MiB, 1.0 MiB left of 81.1 MiB | 2188.2 Mbps | expected downtime 1 ms | ack waiting for accel0".
 */
export function formatProgressLine(s: ProgressSnapshot, width = Number.POSITIVE_INFINITY): string {
  const { head, details } = progressFields(s);
  return fitFields([head, ...details], width);
}

/** The detail part alone (after the bar), fitted to `width` columns. */
export function formatProgressDetails(s: ProgressSnapshot, width: number): string {
  return fitFields(progressFields(s).details, width);
}

/** The status part alone ("active pass 4"). */
export function formatProgressHead(s: ProgressSnapshot): string {
  return progressFields(s).head.forms[0]!;
}

/** The final figures, a few lines: outcome, downtime and its breakdown, throughput, ack wait, verification. */
export function formatFinal(info: MigrationInfo, ctx: SnapshotContext = {}): string[] {
  const s = progressSnapshot(info, ctx);
  const lines: string[] = [];
  const head = [`migration ${s.status}`];
  if (s.elapsed !== null) head.push(`in ${formatMs(s.elapsed)}`);
  lines.push(`${head.join(' ')}${typeof info['error-desc'] === 'string' ? `: ${info['error-desc']}` : ''}`);
  const downtime = num(info.downtime);
  if (downtime !== null) {
    const b = obj(info['downtime-breakdown']);
    const parts = ['final-transfer', 'destination-load', 'verify'].filter((k) => num(b[k]) !== null).map((k) => `${k} ${formatMs(num(b[k]))}`);
    lines.push(`downtime ${formatMs(downtime)}${info['downtime-source-only'] === true ? ' (source side only)' : ''}${parts.length ? ` = ${parts.join(' + ')}` : ''}`);
    const perDevice = Object.entries(obj(b['per-device'])).map(([k, v]) => `${k} ${formatMs(num(v))}`);
    if (perDevice.length) lines.push(`  per device (load after switchover): ${perDevice.join(', ')}`);
  } else if (num(info['destination-load']) !== null) {
    lines.push(`destination load ${formatMs(num(info['destination-load']))}, verify ${formatMs(num(info.verify))}`);
  }
  if (info['destination-paused'] === true) lines.push('the destination left the machine paused (it was paused here, or stopped there during the migration): cont on the destination starts it');
  const syncs = `${s.pass ?? 0} dirty-bitmap sync${s.pass === 1 ? '' : 's'}`;
  if (s.role === 'source' && s.status === 'completed') lines.push(`sent ${formatBytes(s.transferred)}, ${syncs}, ${s.mbps === null ? '-' : s.mbps.toFixed(1)} Mbps`);
  else if (s.role === 'source') lines.push(`sent ${formatBytes(s.transferred)} before it ${s.status === 'cancelled' ? 'was cancelled' : 'failed'}, ${formatBytes(s.remaining)} still to send (${syncs})`);
  if (s.role === 'destination') {
    lines.push(`received ${formatBytes(s.transferred)}${s.total !== null ? ` (machine state ${formatBytes(s.total)})` : ''}`);
    if (s.prealloc) lines.push(`pre-allocated ${s.prealloc.done}/${s.prealloc.total} resources`);
  }
  if (s.resumes !== null && s.resumes > 0) {
    lines.push(`resumed ${s.resumes} time${s.resumes === 1 ? '' : 's'} after a break${s.resent !== null ? `; ${formatBytes(s.resent)} sent after the first resume` : ''}`);
  }
  lines.push(`switchover-ack: ${s.ack}`);
  if (info.verified === true || info.verified === false) lines.push(`verified: ${String(info.verified)}`);
  return lines;
}

function clock(e: QmpEvent): string {
  const d = new Date(e.timestamp.seconds * 1000 + Math.floor(e.timestamp.microseconds / 1000));
  return d.toISOString().slice(11, 23);
}

/** "12:00:01.234 MIGRATION status=active" */
export function formatEvent(e: QmpEvent): string {
  const data = Object.entries(e.data ?? {}).map(([k, v]) => `${k}=${typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v)}`);
  return [clock(e), e.event, ...data].join(' ');
}
