/**
 * The sections of one incoming stream (QEMU qemu_loadvm_section_start_full /
 * _part_end): which section id names which device, and whether that device's
 * section is started or ended. Every section frame is checked here before its
 * device loads it: START or FULL once per device, with the device's type and a
 * version this side can load (START only for iterable devices, FULL only for
 * the others and only after SWITCHOVER_START); PART and END only for a started
 * section, END only after SWITCHOVER_START. It also hands sections to their
 * device: the device's own header decoded once by its codec (the payload sink
 * and the load both need it), the version its START/FULL named, and a load
 * that returns a promise tracked until the device's final load. No I/O.
 */
import { ProtocolError, toMigError, type MigError } from '@livemig/common/errors';
import { livemig } from '@livemig/common/wire';
import { oldestVersion, type Device, type IncomingSection, type Machine } from '@livemig/common/devices';

type SectionState = 'started' | 'ended';

/** A device that takes sections on multifd channels, bound to the table (its version, header cache, async loads). */
export interface PageLoader {
  readonly device: Device;
  header(s: livemig.Section.$Properties): unknown;
  load(s: livemig.Section.$Properties, payload: readonly Buffer[], payloadLength: number, inPlace: boolean | undefined): void;
}

const EMPTY = new Uint8Array(0);
/** Where a section message keeps its device header once decoded. */
const DECODED = Symbol('decoded device header');
type Decodable = livemig.Section.$Properties & { [DECODED]?: unknown };

export class SectionTable {
  private readonly machine: Machine;
  private readonly sections = new Map<number, Device>();
  private readonly state = new Map<Device, SectionState>();
  /** The section version each device's START/FULL named. */
  private readonly versions = new Map<Device, number>();
  /** Async loads still running, per device. */
  private readonly loading = new Map<Device, Set<Promise<void>>>();
  private readonly onAsyncFailure: (err: MigError) => void;

  constructor(machine: Machine, onAsyncFailure: (err: MigError) => void = () => {}) {
    this.machine = machine;
    this.onAsyncFailure = onAsyncFailure;
  }

  /** The version `device`'s sections are in (its own until its START/FULL said). */
  versionOf(device: Device): number {
    return this.versions.get(device) ?? device.version;
  }

  /** The device's decoded header of section `s` (its codec runs once per section). */
  header(device: Device, s: livemig.Section.$Properties): unknown {
    const d = s as Decodable;
    if (!(DECODED in d)) d[DECODED] = device.decodeHeader(s.type ?? livemig.SectionType.SECTION_TYPE_UNSPECIFIED, this.versionOf(device), s.header ?? EMPTY);
    return d[DECODED];
  }

  /** Loads section `s` into `device` (stream order); an async load is tracked (see settled). */
  load(device: Device, s: livemig.Section.$Properties, payload: readonly Buffer[], payloadLength: number, inPlace: boolean | undefined): void {
    const section: IncomingSection = {
      type: s.type ?? livemig.SectionType.SECTION_TYPE_UNSPECIFIED,
      version: this.versionOf(device),
      header: this.header(device, s),
      payload,
      payloadLength,
      inPlace,
    };
    const r = device.loadState(section);
    if (r) this.track(device, r);
  }

  private track(device: Device, p: Promise<void>): void {
    let set = this.loading.get(device);
    if (!set) this.loading.set(device, (set = new Set()));
    const tracked: Promise<void> = p.then(
      () => void set.delete(tracked),
      (err: unknown) => {
        set.delete(tracked);
        this.onAsyncFailure(toMigError(err, 'MIG_ERR_DEVICE'));
      },
    );
    set.add(tracked);
  }

  /** Resolves once every async load of `device` has settled (its final load may begin). */
  async settled(device: Device): Promise<void> {
    const set = this.loading.get(device);
    while (set && set.size > 0) await Promise.all([...set]);
  }

  /**
   * Checks a section frame against the table (`switchover`: SWITCHOVER_START
   * was received) and records it; returns the device that loads it.
   */
  accept(s: livemig.Section.$Properties, switchover: boolean): Device {
    const T = livemig.SectionType;
    if (s.compressed) throw new ProtocolError(`section ${s.sectionId ?? 0}: compressed pages outside a multifd channel with multifd-compression`);
    const type = s.type ?? T.SECTION_TYPE_UNSPECIFIED;
    const id = s.sectionId ?? 0;
    let device: Device | undefined;
    if (type === T.SECTION_START || type === T.SECTION_FULL) {
      device = this.machine.device(s.deviceId ?? '');
      if (!device) throw new ProtocolError(`section for unknown device '${s.deviceId ?? ''}'`);
      if (s.deviceType !== device.type.name) throw new ProtocolError(`section for '${device.id}' says ${s.deviceType || 'no type'}, the device is ${device.type.name}`);
      if (this.state.has(device)) throw new ProtocolError(`second ${type === T.SECTION_START ? 'START' : 'FULL'} section for '${device.id}'`);
      if (this.sections.has(id)) throw new ProtocolError(`section id ${id} used for '${device.id}' and '${this.sections.get(id)!.id}'`);
      const version = s.version ?? 0;
      if (version > device.version) throw new ProtocolError(`'${device.id}' section version ${version} is newer than ${device.version}`);
      if (version < oldestVersion(device)) throw new ProtocolError(`'${device.id}' section version ${version} is older than the oldest this side loads (${oldestVersion(device)})`);
      if (type === T.SECTION_START && !device.iterable) throw new ProtocolError(`START section for non-iterable '${device.id}'`);
      if (type === T.SECTION_FULL) {
        if (device.iterable) throw new ProtocolError(`FULL section for iterable '${device.id}'`);
        if (!switchover) throw new ProtocolError(`FULL section for '${device.id}' before switchover`);
      }
      this.sections.set(id, device);
      this.versions.set(device, version);
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
    if (s.type !== livemig.SectionType.SECTION_PART || s.compressed) return null;
    const device = this.sections.get(s.sectionId ?? 0);
    if (!device?.payloadTargets || this.state.get(device) !== 'started') return null;
    return device.payloadTargets(s.type, this.header(device, s), length);
  }

  /** precopy-resume: `device` starts over (set up again): its START comes again. */
  restart(device: Device): void {
    this.state.delete(device);
    this.versions.delete(device);
    for (const [id, d] of this.sections) if (d === device) this.sections.delete(id);
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
