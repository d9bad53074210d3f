import { BadSizeError } from './errors';

const SUFFIX: Record<string, number> = { '': 1, B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/**
 * Parses "512M", "4K", "1G", "4096" (binary suffixes, as QEMU's size options).
 * `what` names the field in the error.
 */
export function parseSize(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGTB]?)(?:i?B)?\s*$/i.exec(text);
  if (!m) throw new BadSizeError(`${what}: '${text}' is not a size (use a number with an optional K, M or G suffix)`);
  const value = Number(m[1]) * (SUFFIX[(m[2] ?? '').toUpperCase()] ?? 1);
  if (!Number.isSafeInteger(Math.round(value))) throw new BadSizeError(`${what}: '${text}' is too large`);
  return Math.round(value);
}

/** A non-negative integer (milliseconds, counts). */
export function parseCount(text: string, what: string): number {
  if (!/^\s*\d+\s*$/.test(text)) throw new BadSizeError(`${what}: '${text}' is not a non-negative integer`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new BadSizeError(`${what}: '${text}' is too large`);
  return n;
}

/** Canonical size text for configuration comparison and logs (exact, binary suffix). */
export function canonicalSize(n: number): string {
  for (const [s, m] of [['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]] as const) {
    if (n >= m && n % m === 0) return `${n / m}${s}`;
  }
  return String(n);
}
