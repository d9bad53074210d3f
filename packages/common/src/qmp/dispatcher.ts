/**
 * One QMP dispatcher behind every transport (SPEC §4). Commands are registered
 * by the daemon with their argument schema; this module knows the QMP
 * envelope: request shape (QEMU qmp-dispatch.c texts), argument checks, `id`
 * echo, error classes, events with QEMU timestamps. No I/O here.
 */
import { EventEmitter } from 'node:events';
import { MigError } from '../errors';
import { checkArgs, type QmpArgsSchema } from './args';
import { QmpError, type QmpErrorClass } from './qmp-error';

export { QmpError, type QmpErrorClass } from './qmp-error';

export type QmpArgs = Readonly<Record<string, unknown>>;
export type QmpHandler = (args: QmpArgs) => unknown;

export interface QmpTimestamp {
  seconds: number;
  microseconds: number;
}

export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
  timestamp: QmpTimestamp;
}

export type QmpReply = { return: unknown; id?: unknown } | { error: { class: QmpErrorClass; desc: string }; id?: unknown };

/** A request whose envelope is valid; `hasId` tells an absent id from `"id": null`. */
export interface QmpRequest {
  execute: string;
  args: QmpArgs;
  id?: unknown;
}

export interface QmpDispatcherEvents {
  event: [QmpEvent];
}

/** QEMU's event timestamp; microsecond resolution from the monotonic clock's origin. */
export function qmpTimestamp(epochMs = performance.timeOrigin + performance.now()): QmpTimestamp {
  const seconds = Math.floor(epochMs / 1000);
  return { seconds, microseconds: Math.min(999_999, Math.round((epochMs - seconds * 1000) * 1000)) };
}

export function errorReply(desc: string, errorClass: QmpErrorClass = 'GenericError', id?: unknown): QmpReply {
  const r: QmpReply = { error: { class: errorClass, desc } };
  if (id !== undefined) r.id = id;
  return r;
}

/**
 * Checks the envelope of one parsed request: a QmpRequest, or the error reply
 * QEMU gives for it (with the id echoed when there is one).
 */
export function parseQmpRequest(request: unknown): QmpRequest | { reply: QmpReply } {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return { reply: errorReply('QMP input must be a JSON object') };
  }
  const req = request as Record<string, unknown>;
  const id = req.id;
  for (const key of Object.keys(req)) {
    if (key === 'execute') {
      if (typeof req.execute !== 'string') return { reply: errorReply("QMP input member 'execute' must be a string", 'GenericError', id) };
    } else if (key === 'arguments') {
      const a = req.arguments;
      if (typeof a !== 'object' || a === null || Array.isArray(a)) return { reply: errorReply("QMP input member 'arguments' must be an object", 'GenericError', id) };
    } else if (key !== 'id') {
      return { reply: errorReply(`QMP input member '${key}' is unexpected`, 'GenericError', id) };
    }
  }
  if (typeof req.execute !== 'string') return { reply: errorReply("QMP input lacks member 'execute'", 'GenericError', id) };
  const parsed: QmpRequest = { execute: req.execute, args: (req.arguments ?? {}) as QmpArgs };
  if ('id' in req) parsed.id = id;
  return parsed;
}

interface Command {
  handler: QmpHandler;
  args: QmpArgsSchema;
}

export class QmpDispatcher extends EventEmitter<QmpDispatcherEvents> {
  private readonly commands = new Map<string, Command>();
  private queuedEvents: QmpEvent[] = [];
  private flushScheduled = false;
  /** holdEvents(): emitted events wait for releaseEvents() (or a reply, or the close). */
  private eventsHeld = false;
  readonly greeting: Record<string, unknown>;
  private readonly version: { qemu: { major: number; minor: number; micro: number }; package: string };

  constructor(product: string, version: string) {
    super();
    const [major = 0, minor = 0, micro = 0] = version.split('.').map(Number);
    this.version = { qemu: { major, minor, micro }, package: `${product} ${version}` };
    this.greeting = { QMP: { version: this.version, capabilities: [] } };
    this.setMaxListeners(0);
    this.register('query-commands', () => [...this.commands.keys(), 'qmp_capabilities'].sort().map((name) => ({ name })));
    this.register('query-version', () => this.version);
  }

  /** Adds a command; `args` lists the arguments it accepts (none when omitted). */
  register(name: string, handler: QmpHandler, args: QmpArgsSchema = {}): void {
    this.commands.set(name, { handler, args });
  }

  has(name: string): boolean {
    return this.commands.has(name);
  }

  commandNames(): string[] {
    return [...this.commands.keys()].sort();
  }

  /**
   * Publishes an event to every negotiated session. The event is stamped now
   * but written on the next turn of the event loop (or at flushEvents()): the
   * migration emits events inside its most time-critical steps (STOP and
   * status `device` at the stop, RESUME on the destination), where writing to
   * every client and waking them would add to the downtime.
   */
  emitEvent(event: string, data?: Record<string, unknown>): void {
    const e: QmpEvent = data === undefined ? { event, timestamp: qmpTimestamp() } : { event, data, timestamp: qmpTimestamp() };
    this.queuedEvents.push(e);
    if (!this.eventsHeld) this.scheduleFlush();
  }

  /**
   * Events emitted from now on wait (stamped) until releaseEvents(), or until
   * a reply or the close flushes them: the source holds them while its machine
   * is stopped for the switchover, where writing to every client wakes each of
   * them and a woken client takes the CPU the migration needs (the STOP event
   * once cost the bench's source up to a few ms that way).
   */
  holdEvents(): void {
    this.eventsHeld = true;
  }

  /** Ends holdEvents(): what waits goes on the next turn. */
  releaseEvents(): void {
    if (!this.eventsHeld) return;
    this.eventsHeld = false;
    if (this.queuedEvents.length > 0) this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flushEvents);
  }

  /** Delivers the queued events now: before any reply (so a client sees them in order) and before the daemon closes. */
  readonly flushEvents = (): void => {
    this.flushScheduled = false;
    if (this.queuedEvents.length === 0) return;
    const events = this.queuedEvents;
    this.queuedEvents = [];
    for (const e of events) this.emit('event', e);
  };

  /** Runs one request (envelope unchecked, already past negotiation). Never throws. */
  async execute(request: unknown): Promise<QmpReply> {
    const req = parseQmpRequest(request);
    if ('reply' in req) return req.reply;
    return this.run(req);
  }

  /** Runs one request whose envelope is valid. Never throws. */
  async run(req: QmpRequest): Promise<QmpReply> {
    const withId = (r: QmpReply): QmpReply => ('id' in req ? { ...r, id: req.id } : r);
    const command = this.commands.get(req.execute);
    if (!command) return withId(errorReply(`The command ${req.execute} has not been found`, 'CommandNotFound'));
    try {
      checkArgs(req.args, command.args);
      const result = await command.handler(req.args);
      return withId({ return: result ?? {} });
    } catch (err) {
      if (err instanceof QmpError) return withId(errorReply(err.message, err.errorClass));
      if (err instanceof MigError) return withId(errorReply(err.message));
      return withId(errorReply(describeThrown(err)));
    }
  }
}

/** A thrown value as a reply's desc, whatever it is (String() itself may throw). */
function describeThrown(err: unknown): string {
  if (err instanceof Error) return err.message;
  try {
    return String(err);
  } catch {
    return 'the command failed with a value that cannot be printed';
  }
}

/** Argument helpers for handlers (the schema has already checked types). */
export function argString(args: QmpArgs, name: string): string {
  const v = args[name];
  if (v === undefined) throw new QmpError(`Parameter '${name}' is missing`);
  if (typeof v !== 'string') throw new QmpError(`Invalid parameter type for '${name}', expected: string`);
  return v;
}


