/**
 * One QMP client connection, transport-agnostic (QEMU monitor/qmp.c): the
 * greeting, capabilities negotiation (required before any other command; in
 * that mode every other command is "not found"), then commands; events are
 * delivered only once negotiated. Replies go through the sink.
 *
 * Every request is handled inside its own error boundary: whatever it holds
 * (too deep, not JSON, a handler that throws something odd), it gets an error
 * reply naming the cause, and `handleText` never rejects.
 */
import { checkArgs } from './args';
import { errorReply, parseQmpRequest, type QmpDispatcher, type QmpEvent, type QmpReply, type QmpRequest } from './dispatcher';
import { QmpError } from './qmp-error';
import { parseQmpJson } from './json-limits';
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
  private closed = false;
  private readonly onEvent = (e: QmpEvent): void => {
    if (!this.negotiated || this.closed) return;
    // Called from the dispatcher's emit: a throw here would reach every other session's delivery.
    try {
      this.sink.send(e);
    } catch {
      this.sink.close?.();
    }
  };

  constructor(dispatcher: QmpDispatcher, sink: QmpSessionSink, opts: QmpSessionOptions = {}) {
    this.dispatcher = dispatcher;
    this.sink = sink;
    this.token = opts.token ?? null;
    dispatcher.on('event', this.onEvent);
    sink.send(dispatcher.greeting);
  }

  get capabilitiesNegotiated(): boolean {
    return this.negotiated;
  }

  /** Handles one JSON text; replies through the sink. Never rejects. */
  async handleText(text: string): Promise<void> {
    try {
      let request: unknown;
      try {
        request = parseQmpJson(text);
      } catch (err) {
        this.reply(errorReply(`JSON parse error, ${messageOf(err)}`));
        return;
      }
      this.reply(await this.handle(request));
    } catch (err) {
      // Not a request error (those are replies already): a fault of ours. The
      // client still gets an answer; if even that cannot be sent, it loses the connection.
      try {
        this.reply(errorReply(`internal error while handling the request: ${messageOf(err)}`));
      } catch {
        this.sink.close?.();
      }
    }
  }

  private reply(r: QmpReply): void {
    // Events emitted before this reply was ready go first, as they happened.
    this.dispatcher.flushEvents();
    if (!this.closed) this.sink.send(r);
  }

  private async handle(request: unknown): Promise<QmpReply> {
    const req = parseQmpRequest(request);
    if ('reply' in req) return req.reply;
    const withId = (r: QmpReply): QmpReply => ('id' in req ? { ...r, id: req.id } : r);
    if (req.execute === 'qmp_capabilities') {
      if (this.negotiated) return withId(errorReply('Capabilities negotiation is already complete, command ignored', 'CommandNotFound'));
      if (this.token !== null && !tokenMatches(this.token, req.args.token)) {
        // A wrong guess costs the connection (no brute force over one socket).
        setImmediate(() => this.sink.close?.());
        return withId(errorReply("Authentication failed: this endpoint needs qmp_capabilities with a valid 'token' argument"));
      }
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

/**
 * qmp_capabilities {enable}: this server offers no optional capability (no 'oob').
 * Beyond QEMU: {token} when the endpoint requires one (checked before this).
 */
function negotiate(req: QmpRequest): void {
  // A client may always send a token (livemig-ctl --token-file); it is checked only where one is required.
  checkArgs(req.args, { enable: { type: 'array' }, token: { type: 'string' } });
  const enable = (req.args.enable ?? []) as unknown[];
  enable.forEach((cap, i) => {
    if (typeof cap !== 'string') throw new QmpError(`Invalid parameter type for 'enable[${i}]', expected: string`);
    throw new QmpError(`Capability '${cap}' not available`);
  });
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  try {
    return String(err);
  } catch {
    return 'unprintable error';
  }
}
