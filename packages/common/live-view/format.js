// Number formatting for the live view (binary units, as the CLI's size suffixes).

export function fmtBytes(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Math.abs(n);
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${n < 0 ? '-' : ''}${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

export function fmtRate(bytesPerSecond) {
  return typeof bytesPerSecond === 'number' && Number.isFinite(bytesPerSecond) ? `${fmtBytes(bytesPerSecond)}/s` : '–';
}

export function fmtMs(n) {
  return typeof n === 'number' && Number.isFinite(n) ? `${Math.round(n)} ms` : '–';
}

export function fmtMbps(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '–';
  // Gbit/s from 1000 Mbit/s on, so the tile's figure stays short.
  return n >= 1000 ? `${(n / 1000).toFixed(2)} Gbit/s` : `${n.toFixed(1)} Mbit/s`;
}

export const MiB = 1024 * 1024;
