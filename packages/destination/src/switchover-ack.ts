/**
 * The destination's switchover-ack accounting (QEMU savevm.c:
 * switchover_ack_pending_num, qemu_loadvm_approve_switchover): the count of
 * devices that gate switchover is fixed at load setup; each approval takes one
 * off; the ack goes out exactly once, either when the return path opens with
 * nothing pending or on the approval that reaches zero. Re-usable
 * switchover-ack (QEMU 2026): a device that approved may be re-armed (new
 * initial data from the source); it owes one more approval, and the ack goes
 * out once more when the count is back at zero.
 */
import { ProtocolError } from '@livemig/common/errors';

export class SwitchoverAckCounter {
  private pendingCount: number;
  private readonly send: () => void;
  private rpOpen = false;
  private sent = false;
  /** Devices whose approval counted (and were not re-armed since). */
  private readonly approved = new Set<string>();

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
    if (this.approved.has(deviceId)) throw new ProtocolError(`second switchover approval from '${deviceId}'`);
    this.approved.add(deviceId);
    this.pendingCount--;
    if (this.pendingCount === 0) this.sendOnce();
  }

  /** `deviceId` was re-armed: if its approval had counted, one more is owed and a new ack will follow. */
  rearm(deviceId: string): void {
    if (!this.approved.delete(deviceId)) return;
    this.pendingCount++;
    this.sent = false;
  }

  private sendOnce(): void {
    if (this.sent) return;
    this.sent = true;
    this.send();
  }
}
