/**
 * QMP transports: a WebSocket endpoint (one JSON message per frame) and a plain
 * QMP socket (newline-delimited JSON over TCP or a Unix path, as QEMU's -qmp).
 * Both are thin adapters: each connection goes to a QmpConnection (ordering,
 * error boundary, backpressure) over the same dispatcher. The
 * WebSocket server also serves static files (the live view) on plain HTTP GETs.
 */
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { existsSync, rmSync } from 'node:fs';
import { TickCork } from '../tick-cork';
import type { WebSocketServer, WebSocket } from 'ws';
import { UsageError } from '../errors';
import type { Logger } from '../logger';
import type { QmpDispatcher } from './dispatcher';
import { JsonStreamer } from './json-streamer';
import { MAX_QMP_REQUEST_BYTES } from './json-limits';
import { QmpConnection, type QmpTransport } from './connection';
import { isExposed, requestToken, tokenMatches } from '../security/control-auth';
import { checkUpgradeOrigin } from '../security/origin-check';

export interface ControlServerOptions {
  /** Token clients must present (control-auth.ts), or null/absent for none. */
  readonly token?: string | null;
  /**
   * Whether an address is reachable from other hosts (default: isExposed, i.e.
   * not loopback). Injectable so a test can check the non-loopback rules on a
   * loopback bind: nothing here binds a public address to find out.
   */
  readonly exposed?: (addr: ListenAddress) => boolean;
}

/** How long a closing server lets its clients take what was sent to them. */
const CLOSE_GRACE_MS = 500;

export interface ListenAddress {
  kind: 'tcp' | 'unix';
  host: string;
  port: number;
  path: string;
}

/** `HOST:PORT`, `tcp:HOST:PORT`, `unix:PATH` or a path containing '/'. */
export function parseListenAddress(text: string, what: string): ListenAddress {
  if (text.startsWith('unix:')) return { kind: 'unix', host: '', port: 0, path: text.slice(5) };
  if (text.includes('/') && !text.includes(':')) return { kind: 'unix', host: '', port: 0, path: text };
  const t = text.startsWith('tcp:') ? text.slice(4) : text;
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(t);
  if (!m) throw new UsageError(`${what}: '${text}' is not HOST:PORT or a Unix socket path`);
  const port = Number(m[2]);
  if (port > 65535) throw new UsageError(`${what}: port ${port} is out of range`);
  return { kind: 'tcp', host: m[1] === '' ? '127.0.0.1' : m[1]!, port, path: '' };
}

export type StaticHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export class WsControlServer {
  private readonly http: HttpServer;
  private readonly wss: WebSocketServer;
  /** Set at listen(): loopback TCP binds also get the Host check and accept loopback origins (origin-check.ts). */
  private loopbackBind = false;

  constructor(dispatcher: QmpDispatcher, log: Logger, staticHandler?: StaticHandler, opts: ControlServerOptions = {}) {
    // node:http, like ws below, is loaded only by a daemon that serves --control (~3 ms a start).
    const { createServer: createHttpServer } = require('node:http') as typeof import('node:http');
    this.http = createHttpServer((req, res) => {
      if (staticHandler?.(req, res)) return;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    });
    const token = opts.token ?? null;
    // ws is loaded here, not at import: a daemon without --control never pays for it
    // (every daemon start in the tests and the CLI does, ~12 ms of CPU).
    const { WebSocketServer: Server } = require('ws') as typeof import('ws');
    this.wss = new Server({
      server: this.http,
      // A longer message closes the WebSocket with 1009 (message too big).
      maxPayload: MAX_QMP_REQUEST_BYTES,
      verifyClient: (info: { origin?: string; req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string, headers?: Record<string, string>) => void) => {
        // Browser origins first (on every address), then the token (exactly as before).
        const verdict = checkUpgradeOrigin({ origin: info.origin, host: info.req.headers.host }, this.loopbackBind);
        if (!verdict.ok) {
          const { refusal, reason } = verdict;
          log.warn({ origin: info.origin, host: info.req.headers.host, refusal, reason, peer: info.req.socket.remoteAddress }, 'control client refused: browser origin or Host not allowed');
          return done(false, 403, 'Forbidden');
        }
        if (token === null || tokenMatches(token, requestToken(info.req))) return done(true);
        log.warn({ peer: info.req.socket.remoteAddress }, 'control client refused: missing or wrong token');
        done(false, 401, 'Unauthorized', { 'WWW-Authenticate': 'Bearer' });
      },
    });
    // Listen errors reach listen()'s promise; without a listener ws would re-throw them as an unhandled 'error'.
    this.wss.on('error', (err) => log.debug({ err }, 'control server error'));
    this.wss.on('connection', (ws: WebSocket) => {
      const transport: QmpTransport = {
        write: (text, flushed) => {
          if (ws.readyState === ws.OPEN) ws.send(text, flushed);
        },
        get buffered() {
          return ws.bufferedAmount;
        },
        pauseReading: () => ws.pause(),
        resumeReading: () => ws.resume(),
        end: () => ws.close(1008, 'closed by the daemon'),
        destroy: () => ws.terminate(),
      };
      const connection = new QmpConnection(dispatcher, transport, log);
      ws.on('message', (data: Buffer) => connection.receive(data.toString()));
      ws.on('close', () => connection.close());
      ws.on('error', (err) => log.warn({ err }, 'control websocket error'));
    });
  }

  async listen(addr: ListenAddress): Promise<string> {
    this.loopbackBind = addr.kind === 'tcp' && !isExposed(addr);
    await listenOn(this.http, addr);
    return describe(this.http, addr);
  }

  /** Resolves once no client is connected, or after `ms`. */
  untilClientsLeave(ms: number): Promise<void> {
    return untilEmpty(() => this.wss.clients.size, (c) => [...this.wss.clients].forEach((ws) => ws.once('close', c)), ms);
  }

  /** Closes every client (what was sent still reaches it), then the server. */
  async close(): Promise<void> {
    const closing = [...this.wss.clients].map((c) => {
      c.close(1001, 'daemon shutting down');
      return new Promise<void>((resolve) => c.once('close', () => resolve()));
    });
    const forced = setTimeout(() => {
      for (const c of this.wss.clients) c.terminate();
      this.http.closeAllConnections();
    }, CLOSE_GRACE_MS);
    forced.unref();
    this.wss.close();
    this.http.closeIdleConnections();
    await Promise.all(closing);
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    clearTimeout(forced);
  }
}

export class QmpSocketServer {
  private readonly server: NetServer;
  private readonly sockets = new Set<Socket>();
  private unixPath = '';
  private readonly token: string | null;
  private readonly exposed: (addr: ListenAddress) => boolean;
  /** Set at listen(): a token is required only on a non-loopback TCP address. */
  private requireToken = false;

  constructor(dispatcher: QmpDispatcher, log: Logger, opts: ControlServerOptions = {}) {
    this.token = opts.token ?? null;
    this.exposed = opts.exposed ?? isExposed;
    this.server = createNetServer((socket) => {
      this.sockets.add(socket);
      socket.setEncoding('utf8');
      // Replies and events written in one turn of the event loop (a run of requests, an event
      // fanned out) leave in one writev: a client that floods requests, or many events, cost
      // the daemon a write(2) per message otherwise (most of its CPU in such a flood). Corked
      // bytes count in writableLength like any unread output.
      const cork = new TickCork(socket);
      const transport: QmpTransport = {
        write: (text, flushed) => {
          if (!socket.writable) return;
          cork.hold();
          socket.write(`${text}\r\n`, flushed);
        },
        get buffered() {
          return socket.writableLength;
        },
        pauseReading: () => socket.pause(),
        resumeReading: () => socket.resume(),
        end: () => {
          socket.end();
          setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
        },
        destroy: () => socket.destroy(),
      };
      const connection = new QmpConnection(dispatcher, transport, log, { token: this.requireToken ? this.token : null });
      const streamer = new JsonStreamer(MAX_QMP_REQUEST_BYTES);
      let refused = false;
      socket.on('data', (text: string) => {
        if (refused) return;
        let texts: string[];
        try {
          texts = streamer.push(text);
        } catch (err) {
          refused = true;
          log.warn({ err: err instanceof Error ? err.message : String(err) }, 'QMP client sent an over-long request; closing the connection');
          connection.refuse(`QMP request longer than ${MAX_QMP_REQUEST_BYTES} characters: closing the connection`);
          return;
        }
        for (const t of texts) connection.receive(t);
      });
      socket.on('close', () => {
        connection.close();
        this.sockets.delete(socket);
      });
      socket.on('error', (err) => log.debug({ err }, 'QMP socket error'));
    });
  }

  async listen(addr: ListenAddress): Promise<string> {
    this.requireToken = this.token !== null && this.exposed(addr);
    if (addr.kind === 'unix') {
      if (existsSync(addr.path)) rmSync(addr.path);
      this.unixPath = addr.path;
    }
    await listenOn(this.server, addr);
    return describe(this.server, addr);
  }

  /** Resolves once no client is connected, or after `ms`. */
  untilClientsLeave(ms: number): Promise<void> {
    return untilEmpty(() => this.sockets.size, (c) => [...this.sockets].forEach((s) => s.once('close', c)), ms);
  }

  /** Ends every connection once what was sent is flushed, then closes the server. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroySoon();
    const forced = setTimeout(() => {
      for (const s of this.sockets) s.destroy();
    }, CLOSE_GRACE_MS);
    forced.unref();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    clearTimeout(forced);
    if (this.unixPath && existsSync(this.unixPath)) rmSync(this.unixPath);
  }
}

/** Waits until `count()` is 0 (re-checked whenever a client closes) or `ms` passed. */
function untilEmpty(count: () => number, onEachClose: (check: () => void) => void, ms: number): Promise<void> {
  if (count() === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    // 'close' listeners run before the client is removed from the set, so check on the next turn.
    onEachClose(() =>
      setImmediate(() => {
        if (count() > 0) return;
        clearTimeout(timer);
        resolve();
      }),
    );
  });
}

function listenOn(server: NetServer | HttpServer, addr: ListenAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = (): void => {
      server.off('error', reject);
      resolve();
    };
    if (addr.kind === 'unix') server.listen(addr.path, done);
    else server.listen(addr.port, addr.host, done);
  });
}

function describe(server: NetServer | HttpServer, addr: ListenAddress): string {
  if (addr.kind === 'unix') return `unix:${addr.path}`;
  const a = server.address() as AddressInfo;
  return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}
