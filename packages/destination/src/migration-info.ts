/** The destination's `query-migrate`: status, error, timings, ack and preallocation state. */
import type { Device, Machine } from '@livemig/common/devices';
import type { IncomingMigration } from './incoming-migration';

const round = (n: number): number => Math.round(n);

export function queryIncoming(m: IncomingMigration | null, machine: Machine, address: string): Record<string, unknown> {
  if (!m) return { status: address ? 'setup' : 'none', ...(address ? { 'socket-address': address } : {}) };
  const now = performance.now();
  const info: Record<string, unknown> = { status: m.status, 'socket-address': address };
  info['total-time'] = round((m.endedAt ?? now) - m.startedAt);
  info['bytes-received'] = m.bytesReceived;
  info.resumes = m.resumes;
  if (m.pauseCause) info['pause-reason'] = m.pauseCause.message;
  info['switchover-acked'] = m.acked;
  if (m.ackAt !== null) info['switchover-ack-wait'] = round(m.ackAt - m.startedAt);
  if (m.ackPending !== null) info['switchover-ack-pending'] = m.ackPending;
  if (m.status === 'completed') {
    info['destination-load'] = round(m.loadedAt - m.eofAt);
    info.verify = round(m.verifyMs);
    info['per-device'] = Object.fromEntries(Object.entries(m.deviceLoadMs).map(([k, v]) => [k, round(v)]));
  }
  info.devices = machine.devices.map((d) => incomingDeviceInfo(d, m));
  info.verified = m.verified;
  info['error-desc'] = m.error ? m.error.message : null;
  info['error-code'] = m.error ? m.error.code : null;
  return info;
}

/** A device as the destination sees it: its size, switchover-ack state and, for accel, allocation progress. */
function incomingDeviceInfo(d: Device, m: IncomingMigration): Record<string, unknown> {
  const ms = m.preallocated.get(d.id);
  const gated = m.ackPending !== null && d.switchoverAckNeeded();
  const info: Record<string, unknown> = {
    id: d.id,
    type: d.type.name,
    size: d.stateBytes,
    'switchover-ack': gated ? (ms === undefined ? 'pending' : 'approved') : 'not-needed',
  };
  const s = d.status();
  if (typeof s.resources === 'number') {
    info.resources = s.resources;
    info['allocated-resources'] = s['allocated-resources'];
  }
  // Allocation time whenever the device allocated (before switchover with the ack, at the final load without).
  const allocated = ms ?? (typeof s['allocation-ms'] === 'number' ? s['allocation-ms'] : undefined);
  if (allocated !== undefined) info['allocation-ms'] = round(allocated);
  if (ms !== undefined) info.preallocated = true;
  return info;
}
