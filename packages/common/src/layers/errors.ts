/**
 * The base layer, `@livemig/common/errors`: MigError and its subclasses, each
 * with a stable `code`. It imports nothing else of livemig, so every layer and
 * every tool may use it.
 */
export {
  MigError,
  type MigErrorCode,
  UsageError,
  BadSizeError,
  DeviceSpecError,
  ParameterError,
  CapabilityError,
  StateError,
  ProtocolError,
  FrameTooLargeError,
  ConfigMismatchError,
  ConnectionError,
  PeerError,
  VerifyError,
  CancelledError,
  TimeoutError,
  StallError,
  AuthError,
  DeviceError,
  QmpReplyError,
  InternalError,
  toMigError,
} from '../errors';
