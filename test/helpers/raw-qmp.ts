/**
 * Raw QMP clients for conformance tests: they do nothing for you (no
 * negotiation, no ids), they send what they are given and record every
 * message in arrival order. One over the plain QMP socket (TCP or Unix,
 * newline-delimited JSON, as `socat - UNIX-CONNECT:path` sees it), one over
 * the WebSocket control API. Same interface, so one test table runs on both.
 */
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';

export type Msg = Record<string, any>;

export interface RawQmp {
  readonly kind: string;
  /** Every message received, in order (greeting, replies, events). */
  readonly messages: Msg[];
  /** Sends an object as JSON, or a string as it is (the socket adds no newline to a string). */
  send(m: object | string): void;
  /** The next message that is not an event (greeting or reply), past or future. */
  reply(): Promise<Msg>;
  /** Sends a request and returns the next reply. */
  request(m: object | string): Promise<Msg>;
  /** First event (past or future) matching `pred`. */
  waitEvent(pred: (e: Msg) => boolean): Promise<Msg>;
  events(): Msg[];
  close(): void;
}

abstract class RawBase implements RawQmp {
  abstract readonly kind: string;
  readonly messages: Msg[] = [];
  private replyCursor = 0;
  private waiters: Array<() => void> = [];

  protected received(text: string): void {
    this.messages.push(JSON.parse(text) as Msg);
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  protected closed(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  abstract send(m: object | string): void;
  abstract close(): void;
  protected abstract get isClosed(): boolean;

  async reply(): Promise<Msg> {
    for (;;) {
      while (this.replyCursor < this.messages.length) {
        const m = this.messages[this.replyCursor++]!;
        if (!('event' in m)) return m;
      }
      if (this.isClosed) throw new Error(`${this.kind}: connection closed while waiting for a reply`);
      await this.changed();
    }
  }

  request(m: object | string): Promise<Msg> {
    this.send(m);
    return this.reply();
  }

  async waitEvent(pred: (e: Msg) => boolean): Promise<Msg> {
    for (;;) {
      const e = this.events().find(pred);
      if (e) return e;
      if (this.isClosed) throw new Error(`${this.kind}: connection closed while waiting for an event`);
      await this.changed();
    }
  }

  events(): Msg[] {
    return this.messages.filter((m) => 'event' in m);
  }
}

export class RawSocketQmp extends RawBase {
  readonly kind: string;
  private readonly socket: Socket;
  private partial = '';
  private ended = false;

  private constructor(socket: Socket, kind: string) {
    super();
    this.kind = kind;
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (t: string) => {
      this.partial += t;
      let nl: number;
      while ((nl = this.partial.indexOf('\n')) >= 0) {
        const line = this.partial.slice(0, nl).trim();
        this.partial = this.partial.slice(nl + 1);
        if (line) this.received(line);
      }
    });
    socket.on('close', () => {
      this.ended = true;
      this.closed();
    });
  }

  /** `unix:PATH` or `HOST:PORT`. */
  static async connect(address: string): Promise<RawSocketQmp> {
    const socket = address.startsWith('unix:')
      ? connect({ path: address.slice(5) })
      : connect({ host: address.slice(0, address.lastIndexOf(':')), port: Number(address.slice(address.lastIndexOf(':') + 1)) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawSocketQmp(socket, address.startsWith('unix:') ? 'unix socket' : 'tcp socket');
  }

  protected get isClosed(): boolean {
    return this.ended;
  }

  send(m: object | string): void {
    this.socket.write(typeof m === 'string' ? m : `${JSON.stringify(m)}\n`);
  }

  close(): void {
    this.socket.destroy();
  }
}

export class RawWsQmp extends RawBase {
  readonly kind = 'websocket';
  private readonly ws: WebSocket;
  private ended = false;

  private constructor(ws: WebSocket) {
    super();
    this.ws = ws;
    ws.on('message', (data) => this.received(data.toString()));
    ws.on('close', () => {
      this.ended = true;
      this.closed();
    });
  }

  static async connect(address: string): Promise<RawWsQmp> {
    const ws = new WebSocket(`ws://${address}/`);
    // Listen before 'open': the greeting may come in the same tick.
    const client = new RawWsQmp(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  protected get isClosed(): boolean {
    return this.ended;
  }

  send(m: object | string): void {
    this.ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  }

  close(): void {
    this.ws.close();
  }
}
