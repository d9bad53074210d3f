/**
 * The destination's switchover-ack accounting (QEMU savevm.c:
 * switchover_ack_pending_num, qemu_loadvm_approve_switchover): the count of
 * devices that gate switchover is fixed at load setup; each approval takes one
 * off; the ack goes out exactly once, either when the return path opens with
 * nothing pending or on the approval that reaches zero.
 */
import { ProtocolError } from '@livemig/common';

export class SwitchoverAckCounter {
  private pendingCount: number;
  private readonly send: () => void;
  private rpOpen = false;
  private sent = false;

  constructor(pendingDevices: number, send: () => void) {
    this.pendingCount = pendingDevices;
    this.send = send;
  }

  get pending(): number {
    return this.pendingCount;
  }

  get acked(): boolean {
    return this.sent;
  }

  /** OPEN_RETURN_PATH was processed. */
  returnPathOpened(): void {
    this.rpOpen = true;
    if (this.pendingCount === 0) this.sendOnce();
  }

  /** A device's pre-allocation is done. */
  approve(deviceId: string): void {
    if (this.pendingCount === 0) throw new ProtocolError(`switchover approval from '${deviceId}' but no approval is pending`);
    if (!this.rpOpen) throw new ProtocolError(`switchover approval from '${deviceId}' before the return path is open`);
    this.pendingCount--;
    if (this.pendingCount === 0) this.sendOnce();
  }

  private sendOnce(): void {
    if (this.sent) return;
    this.sent = true;
    this.send();
  }
}
