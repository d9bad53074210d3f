/**
 * The `query-migrate` object (SPEC §4): QEMU's fields where they apply, plus
 * switchover-ack state, the true downtime and its breakdown, per-device progress
 * and the verification result. Live while the migration runs, final after.
 */
import type { Parameters } from '@livemig/common/control';
import type { Device, MemoryCounters, Machine } from '@livemig/common/devices';
import type { OutgoingMigration } from './outgoing-migration';

const round = (n: number): number => Math.round(n);
const round2 = (n: number): number => Math.round(n * 100) / 100;

export function queryMigrate(m: OutgoingMigration | null, machine: Machine, params?: Readonly<Parameters>): Record<string, unknown> {
  if (!m) return { status: 'none' };
  const now = performance.now();
  const info: Record<string, unknown> = { status: m.status };
  const totalTime = (m.endedAt ?? now) - m.startedAt;
  const p = m.precopy;
  const end = m.stopAndCopy;
  const transferred = p.precopyBytes + end.downtimeBytes;
  // QEMU's `ram` figures: the sum over the guest-memory devices (those with memoryCounters()).
  const rams: Array<[Device, MemoryCounters]> = [];
  for (const d of machine.devices) {
    const c = d.memoryCounters?.();
    if (c) rams.push([d, c]);
  }
  const ram = {
    transferred: 0,
    remaining: 0,
    total: 0,
    duplicate: 0,
    normal: 0,
    'normal-bytes': 0,
    mbps: 0,
    'dirty-pages-rate': round(p.dirtyPagesRate),
    'dirty-sync-count': p.passes,
    'page-size': rams[0]?.[1].pageSize ?? 4096,
    'precopy-bytes': p.precopyBytes,
    'downtime-bytes': end.downtimeBytes,
    // precopy-resume: RAM bytes sent after the first resume (the complement of what the destination held, plus what was dirtied).
    'resent-after-resume': m.resentAfterResume,
    // Beyond the contract: what the destination lacked at the resumes (its held-state reports' complement), summed.
    'unreceived-at-resume': m.unreceivedAtResume,
  };
  // multifd-compression: devices count the guest bytes they handed over; the wire carried fewer.
  const saved = (id: string): number => m.compression?.savedByDevice.get(id) ?? 0;
  for (const [r, c] of rams) {
    ram.transferred += c.transferred - saved(r.id);
    ram.remaining += m.finished && m.status === 'completed' ? 0 : (m.ramPendingAtEnd?.get(r.id) ?? r.statePendingEstimate());
    ram.total += c.totalBytes;
    ram.duplicate += c.zeroPages;
    ram.normal += c.normalPages;
    ram['normal-bytes'] += c.normalPages * c.pageSize;
  }
  if (m.status === 'completed') {
    const busy = totalTime - (m.setupTime ?? 0);
    ram.mbps = busy > 0 ? round2((transferred * 8) / (busy / 1000) / 1e6) : 0;
  } else {
    ram.mbps = round2(((p.meter?.lastRate ?? 0) * 8) / 1e6);
  }
  info['setup-time'] = m.setupTime === null ? null : round(m.setupTime);
  info['total-time'] = round(totalTime);
  info.ram = ram;
  // Live while active (before the first bandwidth window, the limit, as QEMU);
  // afterwards the last estimate made before the switchover decision.
  const e = m.status === 'active' ? p.expectedDowntime : p.expectedDowntimeAtSwitchover;
  info['expected-downtime'] = e === null ? (m.status === 'active' ? p.downtimeLimit : null) : round(e);
  info.downtime = m.downtime === null ? null : round(m.downtime);
  if (end.downtimeSourceOnly) info['downtime-source-only'] = true;
  // Beyond QEMU: the machine was left paused on the destination (its user ran `stop`
  // there during the migration, or it was paused here); downtime ends when it was ready to run.
  if (m.destinationPaused) info['destination-paused'] = true;
  const b = end.downtimeBreakdown;
  info['downtime-breakdown'] = b
    ? {
        'final-transfer': round(b['final-transfer']),
        'destination-load': round(b['destination-load']),
        verify: round(b.verify),
        'per-device': Object.fromEntries(Object.entries(b['per-device']).map(([k, v]) => [k, round(v)])),
      }
    : null;
  info['switchover-acked'] = m.acked;
  info['switchover-ack-wait'] = m.ackAt === null ? null : round(m.ackAt - m.startedAt);
  info['dirty-sync-count'] = p.passes;
  info.resumes = m.resumes;
  if (m.pauseCause) info['pause-reason'] = m.pauseCause.message;
  if (m.resumeError) info['resume-error'] = m.resumeError.message;
  const throttle = p.cpuThrottlePercentage;
  if (throttle !== null) info['cpu-throttle-percentage'] = throttle;
  info['bandwidth-bytes-per-second'] = round(p.measuredBandwidth * 1000);
  info['threshold-bytes'] = round(p.thresholdBytes);
  // A failed or cancelled migration keeps what was still to send when it ended (its devices' bookkeeping is gone by then).
  info.remaining = m.status === 'completed' ? 0 : (m.pendingAtEnd ?? p.pendingBytes);
  info.devices = machine.devices.map((d) => {
    const ack = m.deviceAcks.get(d.id);
    const s = d.status();
    return {
      id: d.id,
      type: d.type.name,
      size: d.stateBytes,
      ...(typeof s.resources === 'number' ? { resources: s.resources } : {}),
      pending: m.status === 'completed' ? 0 : (m.devicePendingAtEnd?.get(d.id) ?? s.pending),
      transferred: typeof s.transferred === 'number' ? s.transferred - saved(d.id) : s.transferred,
      'switchover-ack': ack ? (ack.approved ? 'approved' : 'pending') : 'not-needed',
      ...(ack?.['allocation-ms'] !== undefined ? { 'allocation-ms': round(ack['allocation-ms']) } : {}),
    };
  });
  // multifd-compression (QEMU's old `compression` block names): packets, bytes after
  // compression, and raw / compressed.
  const c = m.compression;
  if (c) {
    info.compression = {
      method: c.method,
      pages: Math.round(c.rawBytes / (rams[0]?.[1].pageSize ?? 4096)),
      packets: c.packets,
      'compressed-size': c.compressedBytes,
      'compression-rate': c.compressedBytes > 0 ? round2(c.rawBytes / c.compressedBytes) : 0,
    };
  }
  info.verified = m.verified;
  info['error-desc'] = m.error ? m.error.message : null;
  info['error-code'] = m.error ? m.error.code : null;
  return info;
}
