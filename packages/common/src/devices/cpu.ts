/**
 * `cpu`: small non-iterable state (registers per vCPU), sent whole in one FULL
 * section once the machine is stopped (QEMU's vmstate devices).
 */
import { CPU_STATE_BYTES_PER_VCPU, DEVICE_VERSIONS } from '../constants';
import type { CpuSpec } from '../device-spec';
import { digestWhole } from '../digest';
import { ProtocolError } from '../errors';
import { fillSeeded, type Rng } from '../prng';
import { SliceCursor } from '../wire/slice-cursor';
import { livemig } from '../wire/messages';
import type { Device, DeviceStatus, IncomingSection, LoadContext, SaveContext, SectionWriter } from './device';

export class CpuDevice implements Device {
  readonly kind = 'cpu' as const;
  readonly version = DEVICE_VERSIONS.cpu;
  readonly iterable = false;
  readonly spec: CpuSpec;
  readonly id: string;
  readonly regs: Buffer;
  private sent = true;
  private loaded = false;
  transferred = 0;

  constructor(spec: CpuSpec, role: 'source' | 'destination') {
    this.spec = spec;
    this.id = spec.id;
    this.regs = Buffer.alloc(spec.vcpus * CPU_STATE_BYTES_PER_VCPU);
    if (role === 'source') fillSeeded(this.regs, spec.seed, `cpu:${spec.id}`);
  }

  get stateBytes(): number {
    return this.regs.length;
  }

  runWorkload(_seconds: number, rng: Rng): void {
    // Each tick every vCPU's program counter and a general register move on.
    for (let v = 0; v < this.spec.vcpus; v++) {
      const base = v * CPU_STATE_BYTES_PER_VCPU;
      this.regs.writeUInt32LE((this.regs.readUInt32LE(base) + 4) >>> 0, base);
      this.regs.writeUInt32LE(rng.nextU32(), base + 8 + rng.below(CPU_STATE_BYTES_PER_VCPU / 4 - 2) * 4);
    }
  }

  saveSetup(_out: SectionWriter, _ctx: SaveContext): void {
    this.sent = false;
    this.transferred = 0;
  }

  statePendingEstimate(): number {
    return this.sent ? 0 : this.regs.length;
  }

  statePendingExact(): number {
    return this.statePendingEstimate();
  }

  initialDataPending(): number {
    return 0;
  }

  saveLiveIterate(): number {
    return 0;
  }

  saveLiveCompletePrecopy(out: SectionWriter): void {
    this.transferred += out.write(livemig.SectionType.SECTION_FULL, { cpu: { vcpus: this.spec.vcpus } }, [this.regs]);
    this.sent = true;
  }

  saveCleanup(): void {
    this.sent = true;
  }

  loadSetup(_ctx: LoadContext): void {
    this.loaded = false;
  }

  switchoverAckNeeded(): boolean {
    return false;
  }

  loadState(section: IncomingSection): void {
    if (section.type !== livemig.SectionType.SECTION_FULL || !section.data.cpu) throw new ProtocolError(`${this.id}: cpu state must come as one FULL section`);
    if (section.data.cpu.vcpus !== this.spec.vcpus || section.payloadLength !== this.regs.length) {
      throw new ProtocolError(`${this.id}: cpu state for ${section.data.cpu.vcpus} vCPUs (${section.payloadLength} bytes), this machine has ${this.spec.vcpus}`);
    }
    new SliceCursor(section.payload, section.payloadLength).copyTo(this.regs, 0, this.regs.length);
    this.loaded = true;
  }

  async loadComplete(): Promise<void> {
    if (!this.loaded) throw new ProtocolError(`${this.id}: stream ended without cpu state`);
  }

  loadCleanup(): void {
    this.loaded = false;
  }

  digest(): Buffer {
    return digestWhole(this.regs);
  }

  refreshDigest(): number {
    return 0;
  }

  status(): DeviceStatus {
    return { id: this.id, type: this.kind, vcpus: this.spec.vcpus, pending: this.statePendingEstimate(), transferred: this.transferred };
  }
}
