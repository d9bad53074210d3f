/** Small statistics helpers for the bench: medians over repetitions, rounding. */

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function ratio(a, b) {
  return typeof a === 'number' && typeof b === 'number' && b !== 0 ? a / b : null;
}

export function round(n, digits = 0) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return n ?? null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** "1.23 GB/s" (decimal, as throughput usually is). */
export function gbps(bytesPerSecond) {
  return typeof bytesPerSecond === 'number' ? `${(bytesPerSecond / 1e9).toFixed(2)} GB/s` : 'n/a';
}

export function size(bytes) {
  if (typeof bytes !== 'number') return 'n/a';
  if (bytes >= GiB) return `${(bytes / GiB).toFixed(2)} GiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(0)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
