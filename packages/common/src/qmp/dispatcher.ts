/**
 * One QMP dispatcher behind every transport (SPEC §4). Commands are registered
 * by the daemon; this module knows the QMP envelope only: request shape, `id`
 * echo, error classes, events with QEMU timestamps. No I/O here.
 */
import { EventEmitter } from 'node:events';
import { MigError } from '../errors';

export type QmpErrorClass = 'GenericError' | 'CommandNotFound' | 'DeviceNotActive' | 'DeviceNotFound';

/** An error a command handler throws to produce a QMP error reply. */
export class QmpError extends Error {
  readonly errorClass: QmpErrorClass;
  constructor(desc: string, errorClass: QmpErrorClass = 'GenericError') {
    super(desc);
    this.name = 'QmpError';
    this.errorClass = errorClass;
  }
}

export type QmpArgs = Readonly<Record<string, unknown>>;
export type QmpHandler = (args: QmpArgs) => unknown;

export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
  timestamp: { seconds: number; microseconds: number };
}

export type QmpReply = { return: unknown; id?: unknown } | { error: { class: QmpErrorClass; desc: string }; id?: unknown };

export interface QmpDispatcherEvents {
  event: [QmpEvent];
}

export function qmpTimestamp(epochMs = Date.now()): { seconds: number; microseconds: number } {
  const seconds = Math.floor(epochMs / 1000);
  return { seconds, microseconds: Math.round((epochMs - seconds * 1000) * 1000) };
}

export class QmpDispatcher extends EventEmitter<QmpDispatcherEvents> {
  private readonly commands = new Map<string, QmpHandler>();
  readonly greeting: Record<string, unknown>;

  constructor(product: string, version: string) {
    super();
    const [major = 0, minor = 0, micro = 0] = version.split('.').map(Number);
    this.greeting = { QMP: { version: { qemu: { major, minor, micro }, package: `${product} ${version}` }, capabilities: [] } };
    this.setMaxListeners(0);
  }

  register(name: string, handler: QmpHandler): void {
    this.commands.set(name, handler);
  }

  has(name: string): boolean {
    return this.commands.has(name);
  }

  commandNames(): string[] {
    return [...this.commands.keys()].sort();
  }

  /** Publishes an event to every negotiated session. */
  emitEvent(event: string, data?: Record<string, unknown>): void {
    const e: QmpEvent = data === undefined ? { event, timestamp: qmpTimestamp() } : { event, data, timestamp: qmpTimestamp() };
    this.emit('event', e);
  }

  /** Runs one parsed request (already past negotiation). Never throws. */
  async execute(request: unknown): Promise<QmpReply> {
    const id = typeof request === 'object' && request !== null && 'id' in request ? (request as { id: unknown }).id : undefined;
    const withId = (r: QmpReply): QmpReply => (id === undefined ? r : { ...r, id });
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      return withId(errorReply('QMP input must be a JSON object'));
    }
    const req = request as Record<string, unknown>;
    for (const key of Object.keys(req)) {
      if (key !== 'execute' && key !== 'arguments' && key !== 'id') return withId(errorReply(`QMP input member '${key}' is unexpected`));
    }
    if (typeof req.execute !== 'string') return withId(errorReply("QMP input lacks member 'execute'"));
    const args = req.arguments ?? {};
    if (typeof args !== 'object' || args === null || Array.isArray(args)) return withId(errorReply("QMP input member 'arguments' must be an object"));
    const handler = this.commands.get(req.execute);
    if (!handler) return withId({ error: { class: 'CommandNotFound', desc: `The command ${req.execute} has not been found` } });
    try {
      const result = await handler(args as QmpArgs);
      return withId({ return: result ?? {} });
    } catch (err) {
      if (err instanceof QmpError) return withId({ error: { class: err.errorClass, desc: err.message } });
      if (err instanceof MigError) return withId(errorReply(err.message));
      return withId(errorReply(err instanceof Error ? err.message : String(err)));
    }
  }
}

function errorReply(desc: string): QmpReply {
  return { error: { class: 'GenericError', desc } };
}

/** Argument helpers: QEMU-like descs that name the argument. */
export function argString(args: QmpArgs, name: string): string {
  const v = args[name];
  if (v === undefined) throw new QmpError(`Parameter '${name}' is missing`);
  if (typeof v !== 'string') throw new QmpError(`Invalid parameter type for '${name}', expected: string`);
  return v;
}

export function rejectUnknownArgs(args: QmpArgs, known: readonly string[]): void {
  for (const key of Object.keys(args)) {
    if (!known.includes(key)) throw new QmpError(`Parameter '${key}' is unexpected`);
  }
}
