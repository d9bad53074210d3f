/**
 * `cpu`: small non-iterable state (registers per vCPU), sent whole in one FULL
 * section once the machine is stopped (QEMU's vmstate devices).
 */
import { CPU_STATE_BYTES_PER_VCPU, DEVICE_VERSIONS } from '../constants';
import { digestWhole } from '../digest';
import { ProtocolError } from '../errors';
import { fillSeeded, type Rng } from '../prng';
import { SliceCursor } from '../wire/slice-cursor';
import { livemig } from '../wire/messages';
import type { Device, DeviceRole, DeviceSpec, DeviceStatus, DeviceType, IncomingSection, LoadContext, SaveContext, SectionKind, SectionWriter } from './device';
import { decodeWith } from './header-codec';

export interface CpuSpec extends DeviceSpec {
  readonly type: 'cpu';
  readonly vcpus: number;
}

/** The `cpu` device type (registered in builtins.ts). */
export const cpuType: DeviceType<CpuSpec> = {
  name: 'cpu',
  help: 'vCPU registers: small state sent whole at stop',
  keys: {
    id: { help: 'device id' },
    vcpus: { def: '1', help: 'number of vCPUs (1-1024)' },
    seed: { def: 'from the id', help: 'seed of the register contents' },
  },
  version: DEVICE_VERSIONS.cpu,
  iterable: false,
  multifd: false,
  parse: (r) => ({ ...r.base, type: 'cpu', vcpus: r.count('vcpus', 1, 1024) }),
  shape: (spec) => `vcpus=${spec.vcpus}`,
  create: (spec, role) => new CpuDevice(spec, role),
};

export class CpuDevice implements Device {
  readonly type = cpuType;
  readonly version = cpuType.version;
  readonly iterable = false;
  readonly spec: CpuSpec;
  readonly id: string;
  readonly regs: Buffer;
  private sent = true;
  private loaded = false;
  transferred = 0;

  constructor(spec: CpuSpec, role: DeviceRole) {
    this.spec = spec;
    this.id = spec.id;
    this.regs = Buffer.alloc(spec.vcpus * CPU_STATE_BYTES_PER_VCPU);
    if (role === 'source') fillSeeded(this.regs, spec.seed, `cpu:${spec.id}`);
  }

  get stateBytes(): number {
    return this.regs.length;
  }

  /** The workload simulator's tick: program counters and a register move on. */
  simulateWrites(_seconds: number, rng: Rng): void {
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
    this.transferred += out.write(livemig.SectionType.SECTION_FULL, livemig.devices.CpuData.encode({ vcpus: this.spec.vcpus }).finish(), [this.regs]);
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

  decodeHeader(_type: SectionKind, _version: number, bytes: Uint8Array): livemig.devices.ICpuData {
    return decodeWith(livemig.devices.CpuData, bytes, this.id);
  }

  loadState(section: IncomingSection): void {
    const cpu = section.header as livemig.devices.ICpuData;
    if (section.type !== livemig.SectionType.SECTION_FULL) throw new ProtocolError(`${this.id}: cpu state must come as one FULL section`);
    if (cpu.vcpus !== this.spec.vcpus || section.payloadLength !== this.regs.length) {
      throw new ProtocolError(`${this.id}: cpu state for ${cpu.vcpus} vCPUs (${section.payloadLength} bytes), this machine has ${this.spec.vcpus}`);
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
    return { id: this.id, type: this.type.name, vcpus: this.spec.vcpus, pending: this.statePendingEstimate(), transferred: this.transferred };
  }
}
