/** The error a QMP command handler throws to produce a QMP error reply (QEMU's ErrorClass). */
export type QmpErrorClass = 'GenericError' | 'CommandNotFound' | 'DeviceNotActive' | 'DeviceNotFound';

export class QmpError extends Error {
  readonly errorClass: QmpErrorClass;
  constructor(desc: string, errorClass: QmpErrorClass = 'GenericError') {
    super(desc);
    this.name = 'QmpError';
    this.errorClass = errorClass;
  }
}
