/**
 * Every failure livemig reports is a MigError with a stable `code`. Code paths
 * branch on `code`, never on message text; the message names the cause for humans.
 */
export type MigErrorCode =
  | 'MIG_ERR_USAGE'
  | 'MIG_ERR_BAD_SIZE'
  | 'MIG_ERR_BAD_DEVICE_SPEC'
  | 'MIG_ERR_BAD_PARAMETER'
  | 'MIG_ERR_BAD_CAPABILITY'
  | 'MIG_ERR_STATE'
  | 'MIG_ERR_PROTOCOL'
  | 'MIG_ERR_FRAME_TOO_LARGE'
  | 'MIG_ERR_CONFIG_MISMATCH'
  | 'MIG_ERR_CONNECTION'
  | 'MIG_ERR_RETURN_PATH'
  | 'MIG_ERR_PEER'
  | 'MIG_ERR_VERIFY'
  | 'MIG_ERR_CANCELLED'
  | 'MIG_ERR_TIMEOUT'
  | 'MIG_ERR_STALLED'
  | 'MIG_ERR_AUTH'
  | 'MIG_ERR_DEVICE'
  | 'MIG_ERR_QMP'
  /** A fault in livemig itself (a TypeError, RangeError, …): a bug to report, never the peer's doing. */
  | 'MIG_ERR_INTERNAL';

/** On MigError.prototype: marks an error as a MigError whichever copy of this module made it. */
const MIG_ERROR_BRAND = Symbol.for('livemig.MigError');

export class MigError extends Error {
  readonly code: MigErrorCode;
  constructor(code: MigErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }

  /**
   * `err instanceof MigError` (or any subclass) also holds for an error made by another
   * copy of @livemig/common: a device module loaded with --device-module requires its
   * own from node_modules while the daemon runs from its bundle (scripts/bundle.mjs),
   * and an embedder may hold two. Without this, a device's ProtocolError would become an
   * internal error. As undici does with its kUndiciError brand: the error carries the
   * brand, and matches a class here when its prototype chain has a class of that name.
   */
  static override [Symbol.hasInstance]<T>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== 'object' || value === null || !(MIG_ERROR_BRAND in value)) return false;
    for (let p: unknown = Object.getPrototypeOf(value); p !== null && p !== undefined; p = Object.getPrototypeOf(p)) {
      if (Object.hasOwn(p as object, 'constructor') && (p as { constructor: { name: string } }).constructor.name === this.name) return true;
    }
    return false;
  }
}
Object.defineProperty(MigError.prototype, MIG_ERROR_BRAND, { value: true });

/** Bad command line or configuration: exit code 2. */
export class UsageError extends MigError {
  constructor(message: string, code: MigErrorCode = 'MIG_ERR_USAGE') {
    super(code, message);
  }
}

/** A byte size or rate that does not parse. */
export class BadSizeError extends UsageError {
  constructor(message: string) {
    super(message, 'MIG_ERR_BAD_SIZE');
  }
}

export class DeviceSpecError extends UsageError {
  constructor(message: string) {
    super(message, 'MIG_ERR_BAD_DEVICE_SPEC');
  }
}

export class ParameterError extends UsageError {
  constructor(message: string) {
    super(message, 'MIG_ERR_BAD_PARAMETER');
  }
}

export class CapabilityError extends UsageError {
  constructor(message: string) {
    super(message, 'MIG_ERR_BAD_CAPABILITY');
  }
}

/** An operation not allowed in the current state (e.g. migrate while migrating). */
export class StateError extends MigError {
  constructor(message: string) {
    super('MIG_ERR_STATE', message);
  }
}

/**
 * The peer sent something the protocol does not allow. Its codes are the
 * protocol's own: a refusal for the daemon's state is a StateError, a lost
 * connection a ConnectionError (the class and the code always agree).
 */
export class ProtocolError extends MigError {
  constructor(message: string, code: 'MIG_ERR_PROTOCOL' | 'MIG_ERR_FRAME_TOO_LARGE' = 'MIG_ERR_PROTOCOL') {
    super(code, message);
  }
}

export class FrameTooLargeError extends ProtocolError {
  constructor(what: string, length: number, max: number) {
    super(`${what} of ${length} bytes exceeds the maximum of ${max}`, 'MIG_ERR_FRAME_TOO_LARGE');
  }
}

export class ConfigMismatchError extends MigError {
  constructor(message: string) {
    super('MIG_ERR_CONFIG_MISMATCH', message);
  }
}

export class ConnectionError extends MigError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MIG_ERR_CONNECTION', message, options);
  }
}

/** The other daemon reported a failure (its code and reason are kept). */
export class PeerError extends MigError {
  readonly peerCode: string;
  constructor(peerCode: string, reason: string) {
    super('MIG_ERR_PEER', `destination failed: ${reason}`);
    this.peerCode = peerCode;
  }
}

export class VerifyError extends MigError {
  constructor(message: string) {
    super('MIG_ERR_VERIFY', message);
  }
}

export class CancelledError extends MigError {
  constructor(message = 'migration cancelled by user') {
    super('MIG_ERR_CANCELLED', message);
  }
}

export class TimeoutError extends MigError {
  constructor(message: string) {
    super('MIG_ERR_TIMEOUT', message);
  }
}

/** The peer is alive but silent: no return-path traffic, no write progress, no data (stall-timeout). */
export class StallError extends MigError {
  constructor(message: string) {
    super('MIG_ERR_STALLED', message);
  }
}

/** Authentication failed or is missing (shared secret, TLS). */
export class AuthError extends MigError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MIG_ERR_AUTH', message, options);
  }
}

export class DeviceError extends MigError {
  constructor(message: string) {
    super('MIG_ERR_DEVICE', message);
  }
}

/** A QMP error reply, as a QMP client sees it: its class and desc are kept. */
export class QmpReplyError extends MigError {
  readonly errorClass: string;
  readonly desc: string;
  constructor(command: string, errorClass: string, desc: string) {
    super('MIG_ERR_QMP', `${command}: ${desc}`);
    this.errorClass = errorClass;
    this.desc = desc;
  }
}

/** A fault in livemig itself, reported as such (not as a connection or protocol failure). */
export class InternalError extends MigError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MIG_ERR_INTERNAL', message, options);
  }
}

/** JavaScript's own error classes: thrown by a bug (or a check livemig forgot), not by I/O. */
function isProgrammingError(err: unknown): err is Error {
  return err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError || err instanceof EvalError || err instanceof URIError;
}

/**
 * Any thrown value as a MigError, keeping the original as `cause`. A
 * programming error (TypeError, RangeError, …) becomes MIG_ERR_INTERNAL
 * whatever the fallback, so a bug is never reported as the peer's fault;
 * anything else (an errno error from a socket, a string) takes `fallback`.
 */
export function toMigError(err: unknown, fallback: MigErrorCode = 'MIG_ERR_CONNECTION'): MigError {
  if (err instanceof MigError) return err;
  if (isProgrammingError(err)) return new InternalError(`internal error: ${err.name}: ${err.message}`, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new MigError(fallback, message, { cause: err });
}
