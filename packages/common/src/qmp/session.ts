/**
 * One QMP client connection, transport-agnostic: greeting, capabilities
 * negotiation (required before any other command, as in QEMU), then commands;
 * events are delivered only once negotiated.
 */
import type { QmpDispatcher, QmpEvent, QmpReply } from './dispatcher';
import { tokenMatches } from '../security/control-auth';

export interface QmpSessionSink {
  send(message: object): void;
  /** Drops the connection (after a wrong token). */
  close?(): void;
}

export interface QmpSessionOptions {
  /** When set, qmp_capabilities must carry {"token": TOKEN} (control-auth.ts). */
  readonly token?: string | null;
}

export class QmpSession {
  private readonly dispatcher: QmpDispatcher;
  private readonly sink: QmpSessionSink;
  private readonly token: string | null;
  private negotiated = false;
  private readonly onEvent = (e: QmpEvent): void => {
    if (this.negotiated) this.sink.send(e);
  };

  constructor(dispatcher: QmpDispatcher, sink: QmpSessionSink, opts: QmpSessionOptions = {}) {
    this.dispatcher = dispatcher;
    this.sink = sink;
    this.token = opts.token ?? null;
    dispatcher.on('event', this.onEvent);
    sink.send(dispatcher.greeting);
  }

  /** Handles one message of text; replies through the sink. */
  async handleText(text: string): Promise<void> {
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch (err) {
      this.sink.send({ error: { class: 'GenericError', desc: `JSON parse error, ${err instanceof Error ? err.message : String(err)}` } });
      return;
    }
    this.sink.send(await this.handle(request));
  }

  private async handle(request: unknown): Promise<QmpReply> {
    const req = (typeof request === 'object' && request !== null ? request : {}) as Record<string, unknown>;
    const id = req.id;
    const withId = (r: QmpReply): QmpReply => (id === undefined ? r : { ...r, id });
    if (req.execute === 'qmp_capabilities') {
      if (this.negotiated) return withId({ error: { class: 'CommandNotFound', desc: "Capabilities negotiation is already complete, command ignored" } });
      const args = req.arguments as Record<string, unknown> | undefined;
      if (args && args.enable !== undefined && (!Array.isArray(args.enable) || args.enable.length > 0)) {
        return withId({ error: { class: 'GenericError', desc: `Capability '${String((args.enable as unknown[])[0])}' not available` } });
      }
      if (this.token !== null && !tokenMatches(this.token, args?.token)) {
        // A wrong guess costs the connection (no brute force over one socket).
        setImmediate(() => this.sink.close?.());
        return withId({ error: { class: 'GenericError', desc: "Authentication failed: this endpoint needs qmp_capabilities with a valid 'token' argument" } });
      }
      this.negotiated = true;
      return withId({ return: {} });
    }
    if (!this.negotiated) {
      return withId({ error: { class: 'CommandNotFound', desc: "Expecting capabilities negotiation with 'qmp_capabilities'" } });
    }
    return this.dispatcher.execute(request);
  }

  close(): void {
    this.dispatcher.off('event', this.onEvent);
  }
}
