/**
 * Who may use the control API (SPEC §6): it binds loopback by default; a
 * non-loopback TCP address needs --control-token-file (else the daemon refuses
 * to start). With a token configured:
 *  - WebSocket clients present it on the upgrade request, as
 *    `Authorization: Bearer TOKEN` or `?token=TOKEN` (else HTTP 401);
 *  - plain QMP socket clients on a non-loopback TCP address pass it in the
 *    negotiation: {"execute":"qmp_capabilities","arguments":{"token":TOKEN}};
 *    on loopback or a Unix path they need none, so existing QMP clients keep
 *    working locally.
 * Tokens are compared in constant time (over SHA-256 digests, so the length
 * does not leak either). Before the token, a WebSocket upgrade must come from
 * no browser or an allowed browser origin (origin-check.ts), on every address.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { UsageError } from '../errors';

export interface ControlEndpoint {
  readonly kind: 'tcp' | 'unix';
  readonly host: string;
  readonly port: number;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || /^::ffff:127\.\d+\.\d+\.\d+$/.test(h);
}

/** True when the endpoint is reachable from other hosts. */
export function isExposed(addr: ControlEndpoint): boolean {
  return addr.kind === 'tcp' && !isLoopbackHost(addr.host);
}

/** Refuses (UsageError, exit 2) a non-loopback control endpoint without a token. */
export function checkControlExposure(addr: ControlEndpoint, token: string | null, flag: string): void {
  if (isExposed(addr) && token === null) {
    throw new UsageError(`${flag} ${addr.host}:${addr.port}: the control API binds a non-loopback address only with --control-token-file`);
  }
}

export function tokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/** The token a WebSocket upgrade request carries (Bearer header first, then ?token=). */
export function requestToken(req: Pick<IncomingMessage, 'headers' | 'url'>): string | null {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1]!;
  }
  try {
    return new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
  } catch {
    return null;
  }
}
