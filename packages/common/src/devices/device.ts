/**
 * The device model, in QEMU's terms (SaveVMHandlers, include/migration/register.h).
 * A device object holds the machine state (as QEMU's opaque) and implements the
 * save side (source) and the load side (destination). The migration core only
 * talks to devices through these interfaces.
 */
import type { DeviceKind, DeviceSpec } from '../device-spec';
import type { Rng } from '../prng';
import type { livemig } from '../wire/messages';

export type SectionKind = livemig.SectionType;
export type SectionData =
  | { ram: livemig.RamData.$Properties }
  | { accel: livemig.AccelData.$Properties }
  | { cpu: livemig.CpuData.$Properties };

/** Where a device writes its sections; the stream adds ids and framing. */
export interface SectionWriter {
  /**
   * Writes one section. Payload buffers are handed to the socket as they are
   * (views of device memory, no copy). Returns the bytes put on the wire.
   */
  write(type: SectionKind, data: SectionData, payload?: readonly Buffer[]): number;
}

export interface SaveContext {
  /** switchover-ack is on: mark the end of precopy initial data. */
  readonly switchoverAck: boolean;
  /** verify is on: a device may digest state as it sends it (while it is in cache). */
  readonly verify?: boolean;
}

/** Source side (QEMU SaveVMHandlers). */
export interface SaveHandlers {
  /** Iterable devices stream state during precopy; others send one FULL section at stop. */
  readonly iterable: boolean;
  /** Writes the START section and arms the device's dirty tracking for migration. */
  saveSetup(out: SectionWriter, ctx: SaveContext): void;
  /** Cheap estimate of bytes that must still go before switchover (QEMU must_precopy). */
  statePendingEstimate(): number;
  /** Exact pending bytes; RAM syncs its dirty bitmap here (one "pass"). */
  statePendingExact(): number;
  /** Precopy initial data not yet sent: the device goes first in each round while > 0. */
  initialDataPending(): number;
  /**
   * Writes PART sections worth about `budget` bytes and returns the bytes written.
   * With `final` (machine stopped) the device also sends its non-iterable state.
   */
  saveLiveIterate(out: SectionWriter, budget: number, final: boolean): number;
  /** Writes the END (iterable) or FULL (non-iterable) section. Machine is stopped. */
  saveLiveCompletePrecopy(out: SectionWriter): void;
  /** Forgets migration bookkeeping; the device state itself is never touched. */
  saveCleanup(): void;
}

export interface LoadContext {
  readonly switchoverAck: boolean;
  /** verify is on: a device may digest state as it lands (while it is in cache). */
  readonly verify?: boolean;
  /** QEMU qemu_loadvm_approve_switchover(): a device's pre-allocation is done. */
  approveSwitchover(deviceId: string, allocationMs: number): void;
  /** Reports progress of a long device preparation (for the live view). */
  progress(deviceId: string, done: number, total: number): void;
}

export interface IncomingSection {
  readonly type: SectionKind;
  readonly data: livemig.Section.$Properties;
  readonly payload: readonly Buffer[];
  readonly payloadLength: number;
  /** The payload is already in place: it went into the regions payloadTargets() named. */
  readonly inPlace?: boolean;
}

/** Destination side. */
export interface LoadHandlers {
  loadSetup(ctx: LoadContext): void;
  /** True when this device gates switchover (QEMU switchover_ack_needed). */
  switchoverAckNeeded(): boolean;
  /** Loads one section. Throws ProtocolError/DeviceError on bad content. */
  loadState(section: IncomingSection): void;
  /**
   * Optional bulk path: where in device memory this section's payload belongs
   * (regions in payload order), so the stream can receive it straight there;
   * null to get it as slices in loadState. Called before any payload byte
   * arrives, so it validates the header fully; the section then reaches
   * loadState with `inPlace` set.
   */
  payloadTargets?(type: SectionKind, data: livemig.Section.$Properties, payloadLength: number): Buffer[] | null;
  /** Resolves once the final state is in place (e.g. waits for allocation). */
  loadComplete(): Promise<void>;
  /** Discards partial state and frees what load_setup and loading took. */
  loadCleanup(): void;
}

export interface DeviceStatus {
  readonly id: string;
  readonly type: DeviceKind;
  readonly [key: string]: unknown;
}

/** A device of the machine. */
export interface Device extends SaveHandlers, LoadHandlers {
  readonly id: string;
  readonly kind: DeviceKind;
  readonly version: number;
  readonly spec: DeviceSpec;
  /** Bytes of state the device holds (for progress and RSS figures). */
  readonly stateBytes: number;
  /** The running machine changes the device's state; `seconds` since the last call. */
  runWorkload(seconds: number, rng: Rng, ramBytesPerSecond: number, hotPercent: number): void;
  /** SHA-256 of the device's state, kept incrementally (verify capability). */
  digest(): Buffer;
  /** Does some digest work ahead of time (during precopy); returns bytes hashed. */
  refreshDigest(budgetBytes: number): number;
  /** Status for query-devices / query-migrate. */
  status(): DeviceStatus;
}
