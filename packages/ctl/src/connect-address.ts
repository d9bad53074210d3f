/**
 * Where livemig-ctl connects (`--connect ADDR`):
 *   HOST:PORT, [V6]:PORT, ws://HOST:PORT/  the WebSocket control API (--control)
 *   tcp:HOST:PORT                          a plain QMP socket over TCP (--qmp)
 *   unix:PATH                              a plain QMP socket on a Unix path (--qmp)
 * Pure: no I/O.
 */
import { UsageError } from '@livemig/common/errors';

export type ConnectAddress =
  | { kind: 'ws'; url: string; text: string }
  | { kind: 'tcp'; host: string; port: number; text: string }
  | { kind: 'unix'; path: string; text: string };

function hostPort(t: string, text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d+)$/.exec(t);
  if (!m) throw new UsageError(`--connect '${text}': expected HOST:PORT, tcp:HOST:PORT or unix:PATH`);
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw new UsageError(`--connect '${text}': port ${port} is out of range`);
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? '127.0.0.1' : host, port };
}

export function parseConnectAddress(text: string): ConnectAddress {
  const t = text.trim();
  if (t === '') throw new UsageError('--connect: empty address');
  if (t.startsWith('unix:')) {
    const path = t.slice('unix:'.length);
    if (path === '') throw new UsageError(`--connect '${text}': unix: needs a socket path`);
    return { kind: 'unix', path, text: t };
  }
  if (t.startsWith('tcp:')) return { kind: 'tcp', ...hostPort(t.slice('tcp:'.length), text), text: t };
  if (/^wss?:\/\//.test(t)) {
    try {
      return { kind: 'ws', url: new URL(t).href, text: t };
    } catch {
      throw new UsageError(`--connect '${text}': not a valid WebSocket URL`);
    }
  }
  const { host, port } = hostPort(t, text);
  const h = host.includes(':') ? `[${host}]` : host;
  return { kind: 'ws', url: `ws://${h}:${port}/`, text: t };
}
