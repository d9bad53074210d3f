/**
 * The sections of one incoming stream (QEMU qemu_loadvm_section_start_full /
 * _part_end): which section id names which device, and whether that device's
 * section is started or ended. Every section frame is checked here before its
 * device loads it: START or FULL once per device, with the device's type and a
 * version this side can load (START only for iterable devices, FULL only for
 * the others and only after SWITCHOVER_START); PART and END only for a started
 * section, END only after SWITCHOVER_START. Pure bookkeeping: no I/O.
 */
import { ProtocolError, livemig, wireDeviceType, wireTypeName, type Device, type Machine } from '@livemig/common';

type SectionState = 'started' | 'ended';

export class SectionTable {
  private readonly machine: Machine;
  private readonly sections = new Map<number, Device>();
  private readonly state = new Map<Device, SectionState>();

  constructor(machine: Machine) {
    this.machine = machine;
  }

  /**
   * Checks a section frame against the table (`switchover`: SWITCHOVER_START
   * was received) and records it; returns the device that loads it.
   */
  accept(s: livemig.Section.$Properties, switchover: boolean): Device {
    const T = livemig.SectionType;
    const type = s.type ?? T.SECTION_TYPE_UNSPECIFIED;
    const id = s.sectionId ?? 0;
    let device: Device | undefined;
    if (type === T.SECTION_START || type === T.SECTION_FULL) {
      device = this.machine.device(s.deviceId ?? '');
      if (!device) throw new ProtocolError(`section for unknown device '${s.deviceId ?? ''}'`);
      if (s.deviceType !== wireDeviceType(device)) throw new ProtocolError(`section for '${device.id}' says ${wireTypeName(s.deviceType)}, the device is ${device.kind}`);
      if (this.state.has(device)) throw new ProtocolError(`second ${type === T.SECTION_START ? 'START' : 'FULL'} section for '${device.id}'`);
      if (this.sections.has(id)) throw new ProtocolError(`section id ${id} used for '${device.id}' and '${this.sections.get(id)!.id}'`);
      if ((s.version ?? 0) > device.version) throw new ProtocolError(`'${device.id}' section version ${s.version} is newer than ${device.version}`);
      if (type === T.SECTION_START && !device.iterable) throw new ProtocolError(`START section for non-iterable '${device.id}'`);
      if (type === T.SECTION_FULL) {
        if (device.iterable) throw new ProtocolError(`FULL section for iterable '${device.id}'`);
        if (!switchover) throw new ProtocolError(`FULL section for '${device.id}' before switchover`);
      }
      this.sections.set(id, device);
      this.state.set(device, type === T.SECTION_START ? 'started' : 'ended');
    } else if (type === T.SECTION_PART || type === T.SECTION_END) {
      device = this.sections.get(id);
      if (!device) throw new ProtocolError(`section id ${id} was never started`);
      if (this.state.get(device) === 'ended') throw new ProtocolError(`section for '${device.id}' after its END`);
      if (type === T.SECTION_END) {
        if (!switchover) throw new ProtocolError(`END section for '${device.id}' before switchover`);
        this.state.set(device, 'ended');
      }
    } else {
      throw new ProtocolError(`section with invalid type ${String(type)}`);
    }
    return device;
  }

  /**
   * Where a PART section's payload goes in place, when its started device can
   * take it so (e.g. RAM pages: the guest memory they go to); else null. Anything
   * else, or anything out of order, takes the ordinary path, where accept()
   * reports the error.
   */
  payloadTargets(s: livemig.Section.$Properties, length: number): Buffer[] | null {
    if (s.type !== livemig.SectionType.SECTION_PART) return null;
    const device = this.sections.get(s.sectionId ?? 0);
    if (!device?.payloadTargets || this.state.get(device) !== 'started') return null;
    return device.payloadTargets(s.type, s, length);
  }

  ended(device: Device): boolean {
    return this.state.get(device) === 'ended';
  }

  /** At EOF: every device's final section (END or FULL) must have arrived. */
  checkAllEnded(): void {
    for (const d of this.machine.devices) {
      if (this.state.get(d) !== 'ended') throw new ProtocolError(`stream ended without the final section of '${d.id}'`);
    }
  }
}
