/**
 * Which browser pages may open the WebSocket control API (cross-site WebSocket
 * hijacking defence). Browsers do not apply the same-origin policy to
 * WebSockets: any page the user has open could otherwise connect to
 * ws://127.0.0.1:PORT, where no token is needed, and send `migrate` or `quit`.
 * Browsers always send an `Origin` header on a WebSocket upgrade, and a page
 * cannot forge it, so the upgrade is accepted only when:
 *  - it carries no Origin at all (a non-browser client: ws, livemig-ctl, QMP
 *    tools), or
 *  - the Origin is this server's own (http or https, host:port equal to the
 *    request's Host): the live view served by this very port, or
 *  - on a loopback bind, the Origin is itself a loopback http(s) origin: the
 *    live view of the other daemon on this machine following it as
 *    `?peer=` (a page served on loopback comes from a local process, which
 *    could open the unauthenticated loopback port directly anyway).
 * On a loopback bind the Host header must also be an IP literal or
 * `localhost` (DNS-rebinding defence: a hostile name re-pointed at 127.0.0.1
 * would otherwise make the hostile page "same origin").
 * Pure: no I/O, no logging; WsControlServer answers a refusal with HTTP 403.
 * The token (control-auth.ts) is checked after this, unchanged.
 */
import { isIP } from 'node:net';
import { isLoopbackHost } from './control-auth';

export interface UpgradeHeaders {
  /** The `Origin` header (absent for non-browser clients). */
  readonly origin?: string | undefined;
  /** The `Host` header the client addressed the server by. */
  readonly host?: string | undefined;
}

export type UpgradeRefusal = 'origin-malformed' | 'origin-scheme' | 'origin-foreign' | 'host-not-literal';

export type UpgradeVerdict = { readonly ok: true } | { readonly ok: false; readonly refusal: UpgradeRefusal; readonly reason: string };

const ALLOWED_SCHEMES = new Set(['http:', 'https:']);

/**
 * Decides a WebSocket upgrade from its headers. `loopbackBind`: the server
 * listens on a loopback TCP address (where no token is required).
 */
export function checkUpgradeOrigin(headers: UpgradeHeaders, loopbackBind: boolean): UpgradeVerdict {
  if (loopbackBind && !isLiteralHost(headers.host)) {
    return refuse('host-not-literal', `Host '${headers.host ?? ''}' is not an IP address or localhost`);
  }
  const origin = headers.origin;
  if (origin === undefined) return { ok: true };
  const url = parseUrl(origin);
  if (url === null) return refuse('origin-malformed', `Origin '${origin}' is not an origin`);
  if (!ALLOWED_SCHEMES.has(url.protocol)) return refuse('origin-scheme', `Origin '${origin}' is not http or https`);
  if (headers.host !== undefined && parseUrl(`${url.protocol}//${headers.host}`)?.host === url.host) return { ok: true };
  if (loopbackBind && isLoopbackHost(url.hostname)) return { ok: true };
  return refuse('origin-foreign', `Origin '${origin}' is not this server's own origin`);
}

/** `HOST[:PORT]` whose host is an IP literal or `localhost` (never resolved through DNS). */
export function isLiteralHost(host: string | undefined): boolean {
  if (host === undefined || host === '') return false;
  const url = parseUrl(`http://${host}`);
  if (url === null || url.username !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '') return false;
  const name = url.hostname.replace(/^\[|\]$/g, '');
  return name === 'localhost' || isIP(name) !== 0;
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

function refuse(refusal: UpgradeRefusal, reason: string): UpgradeVerdict {
  return { ok: false, refusal, reason };
}
