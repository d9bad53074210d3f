/** A minimal QMP client over the WebSocket control API, for tests. */
import WebSocket from 'ws';

export interface QmpEventMsg {
  event: string;
  data?: Record<string, unknown>;
  timestamp: { seconds: number; microseconds: number };
}

export class QmpWsClient {
  private readonly ws: WebSocket;
  readonly events: QmpEventMsg[] = [];
  greeting: unknown = null;
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Record<string, unknown>) => void>();
  private eventWaiters: Array<{ pred: (e: QmpEventMsg) => boolean; resolve: (e: QmpEventMsg) => void; reject: (err: Error) => void }> = [];
  private closed = false;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    // A daemon that exits must not leave a call waiting forever.
    ws.on('close', () => {
      this.closed = true;
      for (const resolve of this.pending.values()) resolve({ error: { class: 'GenericError', desc: 'connection to the control API closed' } });
      this.pending.clear();
      // Nor an event wait: no event comes any more (it used to wait for the test's timeout).
      for (const w of this.eventWaiters) w.reject(new Error('connection to the control API closed before the awaited event'));
      this.eventWaiters = [];
    });
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as Record<string, unknown>;
      if ('QMP' in msg) this.greeting = msg;
      else if ('event' in msg) {
        const e = msg as unknown as QmpEventMsg;
        this.events.push(e);
        this.eventWaiters = this.eventWaiters.filter((w) => {
          if (!w.pred(e)) return true;
          w.resolve(e);
          return false;
        });
      } else if (typeof msg.id === 'number') {
        this.pending.get(msg.id)?.(msg);
        this.pending.delete(msg.id);
      }
    });
  }

  static async connect(address: string, negotiate = true, opts: { path?: string; headers?: Record<string, string> } = {}): Promise<QmpWsClient> {
    const ws = new WebSocket(`ws://${address}${opts.path ?? ''}`, { headers: opts.headers });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const c = new QmpWsClient(ws);
    if (negotiate) await c.execute('qmp_capabilities');
    return c;
  }

  execute(command: string, args?: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify(args ? { execute: command, arguments: args, id } : { execute: command, id }));
    });
  }

  /** The reply's `return`, or throws with the error desc. */
  async call(command: string, args?: Record<string, unknown>): Promise<any> {
    const reply = await this.execute(command, args);
    if ('error' in reply) throw new Error(`${command}: ${JSON.stringify(reply.error)}`);
    return reply.return;
  }

  /** The first event (past or future) matching `pred`; rejects once the connection closed without it. */
  waitEvent(pred: (e: QmpEventMsg) => boolean): Promise<QmpEventMsg> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    if (this.closed) return Promise.reject(new Error('connection to the control API closed before the awaited event'));
    return new Promise((resolve, reject) => this.eventWaiters.push({ pred, resolve, reject }));
  }

  close(): void {
    this.ws.close();
  }
}

export function eventMs(e: QmpEventMsg): number {
  return e.timestamp.seconds * 1000 + e.timestamp.microseconds / 1000;
}
