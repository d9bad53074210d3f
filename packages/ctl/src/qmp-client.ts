/**
 * A QMP client over either transport (SPEC §4): the WebSocket control API
 * (one JSON message per frame) or a plain QMP socket (JSON texts over TCP or a
 * Unix path, framed with the same streamer the daemons use). It waits for the
 * greeting, negotiates capabilities, then matches replies to requests by `id`
 * and emits events. Used by livemig-ctl, the tests and scripts.
 */
import { EventEmitter } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { ConnectionError, QmpReplyError } from '@livemig/common/errors';
import { JsonStreamer, type QmpEvent } from '@livemig/common/control';
import { parseConnectAddress, type ConnectAddress } from './connect-address';

/** Largest message accepted from a daemon (query replies are a few KiB). */
const MAX_MESSAGE = 16 * 1024 * 1024;
const DEFAULT_GREETING_TIMEOUT_MS = 5000;

export interface QmpClientEvents {
  event: [QmpEvent];
  /** The connection ended; `error` says why when it was not our close(). */
  close: [Error | null];
}

export interface QmpClientOptions {
  /** How long to wait for the greeting (default 5 s). */
  greetingTimeoutMs?: number;
  /** Send qmp_capabilities after the greeting (default true). */
  negotiate?: boolean;
  /** Control token (--control-token-file of the daemon): a Bearer header on the WebSocket, a qmp_capabilities argument on a socket. */
  token?: string | null;
}

export type QmpReplyMessage = { return: unknown; id?: unknown } | { error: { class: string; desc: string }; id?: unknown };

interface Transport {
  send(text: string): void;
  close(): void;
}

interface Pending {
  command: string;
  resolve: (r: QmpReplyMessage) => void;
  reject: (e: Error) => void;
}

export class QmpClient extends EventEmitter<QmpClientEvents> {
  readonly address: ConnectAddress;
  greeting: Record<string, unknown> | null = null;
  private transport: Transport | null = null;
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private greeted: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private closedWith: Error | null | undefined = undefined;
  private closing = false;

  private constructor(address: ConnectAddress) {
    super();
    this.address = address;
  }

  /** Connects, waits for the greeting and (by default) negotiates capabilities. */
  static async connect(address: string | ConnectAddress, opts: QmpClientOptions = {}): Promise<QmpClient> {
    const addr = typeof address === 'string' ? parseConnectAddress(address) : address;
    const client = new QmpClient(addr);
    await client.open(opts.greetingTimeoutMs ?? DEFAULT_GREETING_TIMEOUT_MS, opts.token ?? null);
    const token = opts.token ?? null;
    // The daemon checks a WebSocket's token at the upgrade; a plain socket's at negotiation.
    if (opts.negotiate !== false) {
      try {
        await client.call('qmp_capabilities', token !== null && addr.kind !== 'ws' ? { token } : undefined);
      } catch (err) {
        client.close();
        // A QMP socket checks the token here (a WebSocket at the upgrade): the same words for both.
        if (err instanceof QmpReplyError && err.desc.startsWith('Authentication failed')) throw new ConnectionError(upgradeRefusal(addr.text, 401, token !== null));
        throw err;
      }
    }
    return client;
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /** The package named in the greeting, e.g. "livemig-source 0.1.0". */
  get product(): string {
    const qmp = this.greeting?.QMP as { version?: { package?: unknown } } | undefined;
    return typeof qmp?.version?.package === 'string' ? qmp.version.package : '';
  }

  private open(greetingTimeoutMs: number, token: string | null): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new ConnectionError(`no QMP greeting from ${this.address.text} within ${greetingTimeoutMs} ms (a WebSocket control port is HOST:PORT, a plain QMP socket tcp:HOST:PORT or unix:PATH)`));
      }, greetingTimeoutMs);
      this.greeted = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.transport = this.address.kind === 'ws' ? this.openWs(this.address.url, token) : this.openSocket(this.address);
    });
  }

  private openWs(url: string, token: string | null): Transport {
    const ws = new WebSocket(url, { maxPayload: MAX_MESSAGE, ...(token !== null ? { headers: { authorization: `Bearer ${token}` } } : {}) });
    ws.on('message', (data) => this.onText(data.toString()));
    // The upgrade refused: say why in the operator's words (ws would say "Unexpected server response: 401").
    ws.on('unexpected-response', (req, res) => {
      this.fail(new ConnectionError(upgradeRefusal(this.address.text, res.statusCode ?? 0, token !== null)));
      req.destroy();
      res.destroy();
    });
    ws.on('error', (err) => this.fail(new ConnectionError(`${this.address.text}: ${wsErrorText(err)}`, { cause: err })));
    ws.on('close', () => this.fail(this.closing ? null : new ConnectionError(`${this.address.text}: connection closed by the daemon`)));
    return {
      send: (text) => ws.send(text),
      close: () => ws.close(),
    };
  }

  private openSocket(addr: Extract<ConnectAddress, { kind: 'tcp' | 'unix' }>): Transport {
    const socket: Socket = addr.kind === 'unix' ? netConnect({ path: addr.path }) : netConnect({ host: addr.host, port: addr.port });
    const streamer = new JsonStreamer(MAX_MESSAGE);
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      try {
        for (const t of streamer.push(text)) this.onText(t);
      } catch (err) {
        this.fail(err instanceof Error ? err : new Error(String(err)));
        socket.destroy();
      }
    });
    socket.on('error', (err) => this.fail(new ConnectionError(`${this.address.text}: ${err.message}`, { cause: err })));
    socket.on('close', () => this.fail(this.closing ? null : new ConnectionError(`${this.address.text}: connection closed by the daemon`)));
    return {
      send: (text) => socket.write(`${text}\n`),
      close: () => socket.end(),
    };
  }

  private onText(text: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return this.fail(new ConnectionError(`${this.address.text}: the daemon sent something that is not JSON`));
    }
    if (this.greeting === null) {
      if (typeof msg.QMP !== 'object' || msg.QMP === null) return this.fail(new ConnectionError(`${this.address.text}: expected a QMP greeting, got ${text.slice(0, 80)}`));
      this.greeting = msg;
      this.greeted?.resolve();
      this.greeted = null;
      return;
    }
    if (typeof msg.event === 'string') {
      this.emit('event', msg as unknown as QmpEvent);
      return;
    }
    const id = typeof msg.id === 'string' ? msg.id : '';
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.resolve(msg as QmpReplyMessage);
  }

  private fail(err: Error | null): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = err;
    const reason = err ?? new ConnectionError(`${this.address.text}: connection closed`);
    this.greeted?.reject(reason);
    this.greeted = null;
    for (const p of this.pending.values()) p.reject(new ConnectionError(`${p.command}: ${reason.message}`, { cause: reason }));
    this.pending.clear();
    this.transport?.close();
    this.emit('close', err);
  }

  /** Sends one command; resolves with the reply (`return` or `error`), rejects if the connection ends first. */
  execute(command: string, args?: Record<string, unknown>): Promise<QmpReplyMessage> {
    if (this.closedWith !== undefined || !this.transport) return Promise.reject(new ConnectionError(`${command}: not connected to ${this.address.text}`));
    const id = `ctl-${this.nextId++}`;
    const transport = this.transport;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { command, resolve, reject });
      transport.send(JSON.stringify(args === undefined ? { execute: command, id } : { execute: command, arguments: args, id }));
    });
  }

  /** The reply's `return`; an error reply throws a QmpReplyError with its class and desc. */
  async call(command: string, args?: Record<string, unknown>): Promise<any> {
    const reply = await this.execute(command, args);
    if ('error' in reply) throw new QmpReplyError(command, reply.error.class, reply.error.desc);
    return reply.return;
  }

  /** Closes the connection; pending commands are rejected. */
  close(): void {
    if (this.closedWith !== undefined) return;
    this.closing = true;
    this.transport?.close();
    this.fail(null);
  }
}

/** A refused WebSocket upgrade (HTTP status instead of 101), in words. */
export function upgradeRefusal(where: string, status: number, sentToken: boolean): string {
  if (status === 401) {
    return sentToken
      ? `${where}: the daemon refused the token from --token-file (it is not the one in the daemon's --control-token-file)`
      : `${where}: this control endpoint needs a token: pass --token-file FILE with the daemon's --control-token-file`;
  }
  if (status === 403) return `${where}: the daemon refused this client's browser Origin or Host header (403)`;
  if (status === 404) return `${where}: HTTP 404 instead of a WebSocket: is this a livemig --control port?`;
  return `${where}: HTTP ${status} instead of a WebSocket upgrade: is this a livemig --control port?`;
}

/** A WebSocket transport error, with a hint where the cause is a wrong kind of port. */
function wsErrorText(err: Error & { code?: string }): string {
  // The peer answered the HTTP upgrade with something that is not HTTP: a plain QMP socket sends its greeting first.
  if (err.code?.startsWith('HPE_') || /Parse Error/i.test(err.message)) {
    return 'the port answered with something that is not HTTP (a plain QMP socket, --qmp?): use --connect tcp:HOST:PORT for a --qmp socket, HOST:PORT for --control';
  }
  if (err.message.includes('ECONNREFUSED')) return `nothing listens there (${err.message})`;
  return err.message;
}
