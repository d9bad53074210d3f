/**
 * A TCP proxy between a source and a destination, for breaking a migration's
 * connections on purpose: `startProxy(target)` listens on a free loopback
 * port and forwards every connection it accepts (the main one and each
 * multifd channel) to `target`.
 *
 * Breaks it can make:
 * - `kill()`: every open connection reset (RST both ways, as when a middlebox
 *   dies) and the listener closed; a new migration must go elsewhere.
 * - `reset()`: every open connection reset, the listener kept (the same
 *   address takes the resumed migration).
 * - `pause()` / `resume()`: a black hole. Nothing is read either way, so each
 *   end's writes stop once the kernel buffers fill and its reads see silence,
 *   as on a link that drops every packet; only a stall-timeout notices.
 *   Connections accepted while paused are held too.
 * - `killAt(bytes)` / `resetAt(bytes)` / `pauseAt(bytes)`: the same once that
 *   many bytes went from the clients to the target (all connections
 *   together). The chunk that crosses the mark is cut exactly at it, so the
 *   destination sees a frame torn mid-way.
 *
 * Byte counters (`bytesUp` client→target, also as `bytesForwarded()`;
 * `bytesDown` target→client) count what was written to the other side.
 * Forwarding honours backpressure (a side is read only while the other
 * drains). `close()` only stops accepting (open connections go on until their
 * ends close them); `destroy()` ends everything. `closeProxies()` (afterEach)
 * destroys every proxy still open.
 */
import net from 'node:net';

export interface ProxyTarget {
  /** Default 127.0.0.1. */
  readonly host?: string;
  readonly port: number;
}

export type ProxyAction = 'kill' | 'reset' | 'pause';

export interface TcpProxy {
  /** The proxy's own port on 127.0.0.1. */
  readonly port: number;
  /** `tcp:127.0.0.1:PORT`, for `migrate {"uri"}`. */
  readonly uri: string;
  /** Bytes forwarded client → target, all connections together. */
  readonly bytesUp: number;
  /** The same, as a function. */
  bytesForwarded(): number;
  /** Bytes forwarded target → client. */
  readonly bytesDown: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections open now (both halves alive). */
  readonly open: number;
  /** Whether forwarding is black-holed. */
  readonly paused: boolean;
  /** With `capture`: the first bytes each connection sent upstream, in accept order. */
  captured(index: number): Buffer;
  /** Resolves once the listener is closed (the connections are reset at once). */
  kill(): Promise<void>;
  reset(): void;
  pause(): void;
  resume(): void;
  /** Resolves once `action` ran at `bytes` forwarded upstream (at once if already past). */
  killAt(bytes: number): Promise<void>;
  resetAt(bytes: number): Promise<void>;
  pauseAt(bytes: number): Promise<void>;
  /** Runs `action` when `bytes` have gone upstream; resolves when it ran. */
  at(bytes: number, action: ProxyAction): Promise<void>;
  /** Stops accepting; open connections go on. */
  close(): Promise<void>;
  /** Stops accepting and destroys every open connection. */
  destroy(): Promise<void>;
}

/** `tcp:HOST:PORT`, `HOST:PORT`, a port, or {host, port}. */
export function parseTarget(target: string | number | ProxyTarget): Required<ProxyTarget> {
  if (typeof target === 'number') return { host: '127.0.0.1', port: target };
  if (typeof target !== 'string') return { host: target.host ?? '127.0.0.1', port: target.port };
  const m = /^(?:tcp:)?(.+):(\d+)$/.exec(target);
  if (!m) throw new Error(`proxy target '${target}': expected tcp:HOST:PORT`);
  return { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) };
}

/** One accepted connection and its upstream twin. */
class Pair {
  /** Reading stopped because the other side's buffer is full. */
  private readonly blocked = { client: false, upstream: false };
  closed = false;

  constructor(
    readonly client: net.Socket,
    readonly upstream: net.Socket,
    private readonly proxy: Proxy,
  ) {
    this.wire(client, upstream, 'client');
    this.wire(upstream, client, 'upstream');
    if (proxy.paused) this.pause();
  }

  private wire(from: net.Socket, to: net.Socket, side: 'client' | 'upstream'): void {
    from.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      const rest = side === 'client' ? this.proxy.forwardUp(chunk.length) : chunk.length;
      const part = rest < chunk.length ? chunk.subarray(0, rest) : chunk;
      if (side === 'client') this.capture(part);
      if (part.length > 0 && !to.write(part)) {
        this.blocked[side] = true;
        from.pause();
        to.once('drain', () => {
          this.blocked[side] = false;
          if (!this.proxy.paused && !this.closed) from.resume();
        });
      }
      if (side === 'upstream') {
        this.proxy.countDown(part.length);
        return;
      }
      // A mark reached: its action runs once the bytes up to it left. If it fell inside this
      // chunk and the connection lives on (a pause), the rest waits in the socket for resume().
      this.proxy.fireMarks();
      if (rest < chunk.length && !this.closed) from.unshift(chunk.subarray(rest));
    });
    // An orderly close is passed on as one (FIN), an error as a reset.
    from.on('end', () => {
      if (!this.closed && !this.proxy.paused) to.end();
    });
    from.on('error', () => this.reset());
    from.on('close', () => {
      if (this.proxy.paused) return; // a black hole does not pass a close on either
      this.destroy();
    });
  }

  /** The first bytes this connection sent upstream (startProxy's `capture`). */
  readonly head: Buffer[] = [];
  private headBytes = 0;
  private capture(part: Buffer): void {
    const want = this.proxy.captureBytes - this.headBytes;
    if (want <= 0) return;
    const kept = Buffer.from(part.subarray(0, want));
    this.head.push(kept);
    this.headBytes += kept.length;
  }

  pause(): void {
    this.client.pause();
    this.upstream.pause();
  }

  resume(): void {
    if (this.closed) return;
    if (!this.blocked.client) this.client.resume();
    if (!this.blocked.upstream) this.upstream.resume();
  }

  /** RST both ways. */
  reset(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [this.client, this.upstream]) {
      if (s.destroyed) continue;
      // resetAndDestroy needs an established handle; a socket still connecting is just destroyed.
      if (s.readyState === 'open' || s.readyState === 'readOnly' || s.readyState === 'writeOnly') s.resetAndDestroy();
      else s.destroy();
    }
    this.proxy.dropPair(this);
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.destroy();
    this.upstream.destroy();
    this.proxy.dropPair(this);
  }
}

interface Mark {
  bytes: number;
  action: ProxyAction;
  resolve: () => void;
}

class Proxy implements TcpProxy {
  port = 0;
  bytesUp = 0;
  bytesDown = 0;
  accepted = 0;
  paused = false;
  private listening = true;
  private readonly pairs = new Set<Pair>();
  private readonly all: Pair[] = [];
  private marks: Mark[] = [];
  readonly server: net.Server;

  constructor(
    private readonly target: Required<ProxyTarget>,
    readonly captureBytes: number,
  ) {
    this.server = net.createServer({ pauseOnConnect: true }, (client) => this.accept(client));
  }

  get uri(): string {
    return `tcp:127.0.0.1:${this.port}`;
  }

  get open(): number {
    return this.pairs.size;
  }

  bytesForwarded(): number {
    return this.bytesUp;
  }

  captured(index: number): Buffer {
    const pair = this.all[index];
    if (!pair) throw new Error(`proxy: no connection #${index} (accepted ${this.all.length})`);
    return Buffer.concat(pair.head);
  }

  private accept(client: net.Socket): void {
    if (!this.listening) {
      client.destroy();
      return;
    }
    this.accepted++;
    client.on('error', () => undefined);
    const upstream = net.connect({ host: this.target.host, port: this.target.port });
    upstream.on('error', () => undefined);
    // Nothing is read from the client until the upstream is connected (pauseOnConnect).
    upstream.pause();
    const pair = new Pair(client, upstream, this);
    this.pairs.add(pair);
    this.all.push(pair);
    upstream.once('connect', () => {
      if (!this.paused) pair.resume();
    });
  }

  /** Called for each chunk going upstream: how much of it may pass before a mark. */
  forwardUp(length: number): number {
    const next = this.marks.reduce<number | null>((min, m) => (min === null || m.bytes < min ? m.bytes : min), null);
    const allowed = next === null ? length : Math.max(0, Math.min(length, next - this.bytesUp));
    this.bytesUp += allowed;
    return allowed;
  }

  countDown(length: number): void {
    this.bytesDown += length;
  }

  /** Runs every mark reached (the most drastic action wins when several are). */
  fireMarks(): void {
    if (this.marks.length === 0) return;
    const due = this.marks.filter((m) => this.bytesUp >= m.bytes);
    if (due.length === 0) return;
    this.marks = this.marks.filter((m) => !due.includes(m));
    const rank: Record<ProxyAction, number> = { pause: 0, reset: 1, kill: 2 };
    const action = due.reduce((a, m) => (rank[m.action] > rank[a] ? m.action : a), due[0]!.action);
    void this[action]();
    for (const m of due) m.resolve();
  }

  dropPair(pair: Pair): void {
    this.pairs.delete(pair);
  }

  kill(): Promise<void> {
    const closed = this.stopListening();
    this.reset();
    return closed;
  }

  private closing: Promise<void> | null = null;
  private stopListening(): Promise<void> {
    this.listening = false;
    // The listening socket closes at once; server.close's callback would also wait for every
    // open connection, which close() lets go on.
    this.closing ??= new Promise<void>((resolve) => {
      if (this.server.listening) this.server.close();
      setImmediate(resolve);
    });
    return this.closing;
  }

  reset(): void {
    for (const p of [...this.pairs]) p.reset();
  }

  pause(): void {
    this.paused = true;
    for (const p of this.pairs) p.pause();
  }

  resume(): void {
    this.paused = false;
    for (const p of [...this.pairs]) {
      // A side that closed while the hole held it is passed on now.
      if (p.client.destroyed || p.upstream.destroyed) p.destroy();
      else p.resume();
    }
  }

  at(bytes: number, action: ProxyAction): Promise<void> {
    return new Promise((resolve) => {
      this.marks.push({ bytes, action, resolve });
      if (this.bytesUp >= bytes) this.fireMarks();
    });
  }

  killAt(bytes: number): Promise<void> {
    return this.at(bytes, 'kill');
  }

  resetAt(bytes: number): Promise<void> {
    return this.at(bytes, 'reset');
  }

  pauseAt(bytes: number): Promise<void> {
    return this.at(bytes, 'pause');
  }

  close(): Promise<void> {
    return this.stopListening();
  }

  async destroy(): Promise<void> {
    live.delete(this);
    const closed = this.stopListening();
    for (const p of [...this.pairs]) p.destroy();
    await closed;
  }
}

const live = new Set<Proxy>();

/**
 * A proxy on a free loopback port forwarding to `target` (`tcp:HOST:PORT`, a
 * port, or {host, port}); `capture`: keep that many of each connection's first
 * upstream bytes (captured(i)).
 */
export async function startProxy(target: string | number | ProxyTarget, opts: { capture?: number } = {}): Promise<TcpProxy> {
  const proxy = new Proxy(parseTarget(target), opts.capture ?? 0);
  live.add(proxy);
  await new Promise<void>((resolve, reject) => {
    proxy.server.once('error', reject);
    proxy.server.listen(0, '127.0.0.1', () => resolve());
  });
  proxy.port = (proxy.server.address() as net.AddressInfo).port;
  return proxy;
}

/** Destroys every proxy still open (afterEach). */
export async function closeProxies(): Promise<void> {
  await Promise.all([...live].map((p) => p.destroy()));
}
