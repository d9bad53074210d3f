/**
 * One QMP client connection, transport-agnostic: greeting, capabilities
 * negotiation (required before any other command, as in QEMU), then commands;
 * events are delivered only once negotiated.
 */
import type { QmpDispatcher, QmpEvent, QmpReply } from './dispatcher';

export interface QmpSessionSink {
  send(message: object): void;
}

export class QmpSession {
  private readonly dispatcher: QmpDispatcher;
  private readonly sink: QmpSessionSink;
  private negotiated = false;
  private readonly onEvent = (e: QmpEvent): void => {
    if (this.negotiated) this.sink.send(e);
  };

  constructor(dispatcher: QmpDispatcher, sink: QmpSessionSink) {
    this.dispatcher = dispatcher;
    this.sink = sink;
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
