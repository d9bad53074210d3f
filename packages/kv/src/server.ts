/**
 * The RESP2 server of a kv device: accepts clients on the device's `listen`
 * address, executes their requests while the machine runs, holds them (as raw,
 * unparsed bytes) while it is stopped, and after a completed migration
 * forwards every connection, held bytes first, to the destination's address.
 *
 * Exactly once: a request's bytes are consumed only when it executes, so the
 * bytes forwarded are exactly the requests the source did not execute, and
 * their replies follow the source's own replies on the same client socket.
 */
import net from 'node:net';
import { execute, type ClientState } from './commands';
import { RespProtocolError, error, parseRequest } from './resp';
import type { Store } from './store';

/** A client's reply backlog above which we stop reading from it (backpressure). */
const HIGH_WATER = 4 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/** Where the server reports what clients never see (a failed bind, a forward that could not connect). */
export interface ServerLog {
  warn(objOrMsg: object | string, msg?: string): void;
  error(objOrMsg: object | string, msg?: string): void;
}

export interface ForwardTarget {
  readonly host: string;
  readonly port: number;
}

export class KvServer {
  private server: net.Server | null = null;
  private bound: Promise<void> | null = null;
  private readonly conns = new Set<Connection>();
  /** Called each time the last connection closes (quiesce waits on it). */
  private idleWaiters: Array<() => void> = [];
  running = false;
  forwardTo: ForwardTarget | null = null;
  listenError: string | null = null;
  /** Counters for status(). */
  commands = 0;
  connectionsTotal = 0;
  forwarded = 0;

  constructor(
    readonly store: Store,
    private readonly host: string,
    private readonly port: number,
    public log: ServerLog,
  ) {}

  /**
   * Binds the listen address once (idempotent); resolves once bound, rejects
   * with the address and the reason (EADDRINUSE, …). A caller that does not
   * await it (the destination's loadSetup) still gets the failure in the log
   * and in status (`listen-error`).
   */
  listen(): Promise<void> {
    if (this.bound) return this.bound;
    const server = net.createServer({ noDelay: true }, (sock) => this.accept(sock));
    this.server = server;
    this.bound = new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.on('error', (err: NodeJS.ErrnoException) => {
        this.listenError = err.message;
        this.log.error({ address: `${this.host}:${this.port}`, code: err.code, err: err.message }, 'kv: cannot listen');
        reject(new Error(`cannot listen on ${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}: ${err.code ?? err.message}`));
      });
    });
    this.bound.catch(() => undefined);
    server.listen(this.port, this.host);
    return this.bound;
  }

  /** Resolves when no client connection is open (at once if none is). */
  whenIdle(): Promise<void> {
    if (this.conns.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get connections(): number {
    return this.conns.size;
  }

  /** The bound address ("HOST:PORT"), or the configured one before the bind completes. */
  address(): string {
    const a = this.server?.address();
    const port = a && typeof a === 'object' ? a.port : this.port;
    return `${this.host.includes(':') ? `[${this.host}]` : this.host}:${port}`;
  }

  private accept(sock: net.Socket): void {
    this.connectionsTotal++;
    const c = new Connection(this, sock);
    this.conns.add(c);
    sock.on('close', () => {
      this.conns.delete(c);
      if (this.conns.size === 0) for (const w of this.idleWaiters.splice(0)) w();
    });
    if (this.forwardTo) c.forward(this.forwardTo);
  }

  setRunning(running: boolean): void {
    this.running = running;
    if (running) for (const c of this.conns) c.pump();
  }

  /** From now on every connection, held and new, goes to `target`. */
  forward(target: ForwardTarget): void {
    this.forwardTo = target;
    this.running = false;
    for (const c of this.conns) c.forward(target);
  }

  /** Stops listening and closes every client connection (forwarded ones with their upstream). */
  close(): void {
    this.server?.close();
    this.server = null;
    this.bound = null;
    for (const c of this.conns) c.sock.destroy();
  }
}

class Connection {
  private buf: Buffer = EMPTY;
  private upstream: net.Socket | null = null;
  private readonly state: ClientState = { name: null, quit: false };

  constructor(
    private readonly server: KvServer,
    readonly sock: net.Socket,
  ) {
    sock.on('data', (chunk: Buffer) => this.onData(chunk));
    sock.on('error', () => this.upstream?.destroy());
    sock.on('close', () => this.upstream?.destroy());
    sock.on('drain', () => {
      if (!this.upstream) sock.resume();
    });
  }

  private onData(chunk: Buffer): void {
    if (this.upstream) {
      if (!this.upstream.write(chunk)) {
        this.sock.pause();
        this.upstream.once('drain', () => this.sock.resume());
      }
      return;
    }
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    this.pump();
  }

  /** Executes every complete request held, while the machine runs. */
  pump(): void {
    if (!this.server.running || this.upstream || this.state.quit || this.buf.length === 0) return;
    const out: Buffer[] = [];
    const now = Date.now();
    let off = 0;
    try {
      for (;;) {
        const req = parseRequest(this.buf, off);
        if (!req) break;
        off = req.end;
        execute(req.args, this.server.store, this.state, out, now);
        this.server.commands++;
        if (this.state.quit) break;
      }
    } catch (err) {
      if (!(err instanceof RespProtocolError)) throw err;
      // Redis replies to a protocol error and closes the connection.
      out.push(error(`ERR ${err.message}`));
      this.state.quit = true;
    }
    this.buf = off >= this.buf.length ? EMPTY : this.buf.subarray(off);
    if (out.length > 0) {
      this.sock.cork();
      for (const b of out) this.sock.write(b);
      this.sock.uncork();
    }
    if (this.state.quit) this.sock.end();
    else if (this.sock.writableLength > HIGH_WATER) this.sock.pause();
  }

  /** Hands this client to the destination: held bytes first, then everything it sends. */
  forward(target: ForwardTarget): void {
    if (this.upstream || this.state.quit) return;
    this.server.forwarded++;
    const up = net.connect({ host: target.host, port: target.port, noDelay: true });
    this.upstream = up;
    if (this.buf.length > 0) up.write(this.buf);
    this.buf = EMPTY;
    up.pipe(this.sock);
    up.on('error', (err: NodeJS.ErrnoException) => {
      this.server.log.warn({ to: `${target.host}:${target.port}`, code: err.code, err: err.message }, 'kv: a forwarded client lost its connection to the destination');
      this.sock.destroy();
    });
    this.sock.resume();
  }
}
