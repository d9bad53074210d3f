/**
 * Pure formatting of migration progress from `query-migrate` replies (source
 * or destination, SPEC §4) and of QMP events: the text behind livemig-ctl
 * watch's progress bar and its plain lines. No I/O, no clock.
 */
import type { QmpEvent } from '@livemig/common';

export type MigrationInfo = Readonly<Record<string, unknown>>;

export const FINAL_STATUSES: readonly string[] = ['completed', 'failed', 'cancelled'];
export const RUNNING_STATUSES: readonly string[] = ['setup', 'active', 'device', 'cancelling'];

/** What one progress line shows; null where the side does not know it. */
export interface ProgressSnapshot {
  role: 'source' | 'destination' | 'none';
  status: string;
  /** Dirty-bitmap syncs so far (QEMU dirty-sync-count). */
  pass: number | null;
  /** Bytes on the wire so far (source: sent; destination: received). */
  transferred: number;
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
  /** Fraction 0..1 for a bar. */
  fraction: number;
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

function ackText(info: MigrationInfo, devices: Array<Record<string, unknown>>): string {
  const waitMs = num(info['switchover-ack-wait']);
  if (info['switchover-acked'] === true) return waitMs === null ? 'acked' : `acked after ${Math.round(waitMs)} ms`;
  const gated = devices.filter((d) => d['switchover-ack'] === 'pending' || d['switchover-ack'] === 'approved');
  if (gated.length === 0 && num(info['switchover-ack-pending']) === null) return 'off';
  const waiting = devices.filter((d) => d['switchover-ack'] === 'pending').map((d) => {
    const done = num(d['allocated-resources']);
    const total = num(d.resources);
    return done !== null && total !== null ? `${String(d.id)} ${done}/${total}` : String(d.id);
  });
  return waiting.length > 0 ? `waiting for ${waiting.join(', ')}` : 'waiting';
}

/** The figures of one `query-migrate` reply that progress shows. */
export function progressSnapshot(info: MigrationInfo): ProgressSnapshot {
  const status = typeof info.status === 'string' ? info.status : 'none';
  const devices = list(info.devices);
  const sizes = devices.map((d) => num(d.size)).filter((n): n is number => n !== null);
  const ram = obj(info.ram);
  const isSource = 'ram' in info;
  const isDestination = 'bytes-received' in info;
  const total = sizes.length > 0 ? sizes.reduce((a, b) => a + b, 0) : num(ram.total);
  const transferred = isSource ? (num(ram['precopy-bytes']) ?? 0) + (num(ram['downtime-bytes']) ?? 0) : (num(info['bytes-received']) ?? 0);
  const remaining = isSource ? (num(info.remaining) ?? num(ram.remaining)) : null;
  // Source: state sent (total − remaining); destination: resources pre-allocated, else bytes received.
  const resources = devices.filter((d) => num(d.resources) !== null && d['switchover-ack'] !== 'not-needed');
  const allocTotal = resources.reduce((n, d) => n + (num(d.resources) ?? 0), 0);
  const allocDone = resources.reduce((n, d) => n + (num(d['allocated-resources']) ?? 0), 0);
  let fraction = 0;
  if (status === 'completed') fraction = 1;
  else if (isSource && total !== null && total > 0) fraction = (total - (remaining ?? 0)) / total;
  else if (allocTotal > 0) fraction = allocDone / allocTotal;
  else if (total !== null && total > 0) fraction = transferred / total;
  return {
    role: isSource ? 'source' : isDestination ? 'destination' : 'none',
    status,
    pass: num(info['dirty-sync-count']) ?? num(ram['dirty-sync-count']),
    transferred,
    remaining,
    total,
    mbps: num(ram.mbps),
    expectedDowntime: num(info['expected-downtime']),
    elapsed: num(info['total-time']),
    ack: ackText(info, devices),
    fraction: Math.min(1, Math.max(0, fraction)),
  };
}

/** One plain line: "active pass 4 | sent 88.2 MiB, 1.0 MiB left of 81.1 MiB | 2188.2 Mbps | expected downtime 1 ms | ack waiting for accel0". */
export function formatProgressLine(s: ProgressSnapshot): string {
  const parts = [`${s.status}${s.pass !== null ? ` pass ${s.pass}` : ''}`];
  if (s.role === 'source') {
    parts.push(`sent ${formatBytes(s.transferred)}, ${formatBytes(s.remaining)} left${s.total !== null ? ` of ${formatBytes(s.total)}` : ''}`);
    parts.push(`${s.mbps === null ? '-' : s.mbps.toFixed(1)} Mbps`);
    if (s.expectedDowntime !== null) parts.push(`expected downtime ${formatMs(s.expectedDowntime)}`);
  } else if (s.role === 'destination') {
    parts.push(`received ${formatBytes(s.transferred)}${s.total !== null ? ` (state ${formatBytes(s.total)})` : ''}`);
  }
  parts.push(`ack ${s.ack}`);
  if (s.elapsed !== null) parts.push(`${(s.elapsed / 1000).toFixed(1)} s`);
  return parts.join(' | ');
}

/** The final figures, a few lines: outcome, downtime and its breakdown, throughput, ack wait, verification. */
export function formatFinal(info: MigrationInfo): string[] {
  const s = progressSnapshot(info);
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
  if (s.role === 'source') lines.push(`sent ${formatBytes(s.transferred)} in ${s.pass ?? 0} passes, ${s.mbps === null ? '-' : s.mbps.toFixed(1)} Mbps`);
  if (s.role === 'destination') lines.push(`received ${formatBytes(s.transferred)}`);
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
