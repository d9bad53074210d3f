/**
 * One QMP client connection, transport-agnostic (QEMU monitor/qmp.c): the
 * greeting, capabilities negotiation (required before any other command; in
 * that mode every other command is "not found"), then commands; events are
 * delivered only once negotiated. Replies go through the sink.
 */
import { checkArgs } from './args';
import { errorReply, parseQmpRequest, type QmpDispatcher, type QmpEvent, type QmpReply, type QmpRequest } from './dispatcher';
import { QmpError } from './qmp-error';

export interface QmpSessionSink {
  send(message: object): void;
}

export class QmpSession {
  private readonly dispatcher: QmpDispatcher;
  private readonly sink: QmpSessionSink;
  private negotiated = false;
  private closed = false;
  private readonly onEvent = (e: QmpEvent): void => {
    if (this.negotiated && !this.closed) this.sink.send(e);
  };

  constructor(dispatcher: QmpDispatcher, sink: QmpSessionSink) {
    this.dispatcher = dispatcher;
    this.sink = sink;
    dispatcher.on('event', this.onEvent);
    sink.send(dispatcher.greeting);
  }

  get capabilitiesNegotiated(): boolean {
    return this.negotiated;
  }

  /** Handles one JSON text; replies through the sink. */
  async handleText(text: string): Promise<void> {
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch (err) {
      this.reply(errorReply(`JSON parse error, ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    this.reply(await this.handle(request));
  }

  private reply(r: QmpReply): void {
    if (!this.closed) this.sink.send(r);
  }

  private async handle(request: unknown): Promise<QmpReply> {
    const req = parseQmpRequest(request);
    if ('reply' in req) return req.reply;
    const withId = (r: QmpReply): QmpReply => ('id' in req ? { ...r, id: req.id } : r);
    if (req.execute === 'qmp_capabilities') {
      if (this.negotiated) return withId(errorReply('Capabilities negotiation is already complete, command ignored', 'CommandNotFound'));
      try {
        negotiate(req);
      } catch (err) {
        return withId(errorReply(err instanceof Error ? err.message : String(err)));
      }
      this.negotiated = true;
      return withId({ return: {} });
    }
    if (!this.negotiated) return withId(errorReply("Expecting capabilities negotiation with 'qmp_capabilities'", 'CommandNotFound'));
    return this.dispatcher.run(req);
  }

  close(): void {
    this.closed = true;
    this.dispatcher.off('event', this.onEvent);
  }
}

/** qmp_capabilities {enable}: this server offers no optional capability (no 'oob'). */
function negotiate(req: QmpRequest): void {
  checkArgs(req.args, { enable: { type: 'array' } });
  const enable = (req.args.enable ?? []) as unknown[];
  enable.forEach((cap, i) => {
    if (typeof cap !== 'string') throw new QmpError(`Invalid parameter type for 'enable[${i}]', expected: string`);
    throw new QmpError(`Capability '${cap}' not available`);
  });
}
