/**
 * The device contract, in QEMU's terms (SaveVMHandlers and register_savevm_live,
 * include/migration/register.h). Everything the engine knows about a device is
 * here: a device *type* (registered with registerDeviceType, registry.ts) says
 * how its `--device` spec is parsed, what both ends must agree on, its section
 * version, whether it iterates, gates switchover or may use multifd channels,
 * and makes device *instances*; an instance holds the state and implements the
 * save side (source), the load side (destination), its digest for `verify`, its
 * own section payload codec and the run-state and end-of-migration hooks.
 *
 * The engine frames each section with a small generic header (section id,
 * START/PART/END/FULL, device id, type name, version, payload length) and
 * carries the device's own bytes opaquely: a device header (small, encoded by
 * the device) and a raw payload (views of device memory, never copied by the
 * engine). docs/DEVICES.md is the guide to writing one.
 */
import type { livemig } from '../wire/messages';

/** START (save_setup), PART (save_live_iterate), END (complete_precopy of an iterable device), FULL (a non-iterable device's whole state). */
export type SectionKind = livemig.SectionType;

export type DeviceRole = 'source' | 'destination';

/** What every parsed spec has; a type adds its own (frozen) fields. */
export interface DeviceSpec {
  /** The type's name (`--device NAME,...`). */
  readonly type: string;
  readonly id: string;
  /** seed= or a stable value derived from the id. */
  readonly seed: number;
}

/** One key of a device spec: its default (as the user would write it; absent = required) and meaning. */
export interface DeviceKeyInfo {
  readonly def?: string;
  readonly help: string;
}

/**
 * Given to a type's parse(): the spec's values, with the type's defaults applied
 * (from `keys`), and checked converters whose errors name the device and key.
 */
export interface SpecReader {
  /** type, id and seed: spread them into the spec you return. */
  readonly base: DeviceSpec;
  /** The value as given (or its default); undefined if neither. */
  text(key: string): string | undefined;
  /** A byte size (K/M/G suffixes), within [min, max] when given. */
  size(key: string, min?: number, max?: number): number;
  /** A non-negative integer, within [min, max] when given. */
  count(key: string, min?: number, max?: number): number;
  /** Throws the spec error (exit 2 at start-up) with `message` after the device's name. */
  fail(message: string): never;
}

/** A QMP command a device type adds to a daemon (e.g. `x-accel-resize`): `{"id", ...}` names the device. */
export interface DeviceCommand {
  readonly name: string;
  /** Which daemon serves it. */
  readonly role: DeviceRole;
  /** Its arguments besides `id` (checked before run(), QEMU's error texts): name → type. */
  readonly args?: Readonly<Record<string, { readonly type: 'string' | 'boolean' | 'int' | 'size' | 'object' | 'any'; readonly required?: boolean }>>;
  run(device: Device, args: Readonly<Record<string, unknown>>): unknown;
}

/** A device type: registered once, used for every `--device NAME,...` of it. */
export interface DeviceType<S extends DeviceSpec = DeviceSpec> {
  /** `--device NAME,...`, the configuration's and START/FULL sections' type name. */
  readonly name: string;
  /** One line for --help. */
  readonly help: string;
  /** Every key the spec accepts besides `id` and `seed` (which every type has). */
  readonly keys: Readonly<Record<string, DeviceKeyInfo>>;
  /** The section version this type writes. */
  readonly version: number;
  /** The oldest section version it still loads (converting); default `version`. A newer one is refused. */
  readonly oldestVersion?: number;
  /** Streams state during precopy (START/PART/END) or sends one FULL section at stop. */
  readonly iterable: boolean;
  /** May its PART sections travel on multifd channels (bulk data, order-free within a sync round)? */
  readonly multifd: boolean;
  /** Parses and validates a spec (once, at start-up); throw with reader.fail(). */
  parse(r: SpecReader): S;
  /**
   * What both ends must agree on, canonical "k=v,..." text (checked before any
   * state moves). Local behaviour (seeds, fill, latencies) stays out of it.
   */
  shape(spec: S): string;
  /** A device instance holding the state of `spec` on this side. */
  create(spec: S, role: DeviceRole): Device;
  /** QMP commands for devices of this type (source or destination). */
  readonly commands?: readonly DeviceCommand[];
}

/** Where a device writes its sections; the engine adds the generic header and framing. */
export interface SectionWriter {
  /**
   * Writes one section: `header` is the device's own encoded header (small,
   * under 64 KiB), `payload` raw bytes handed to the socket as they are (views
   * of device memory, no copy: do not change them before the next turn of the
   * event loop unless the change is tracked as dirty). Returns the bytes put on the wire.
   */
  write(type: SectionKind, header?: Uint8Array | null, payload?: readonly Buffer[]): number;
}

export interface SaveContext {
  /** switchover-ack is on: mark the end of precopy initial data. */
  readonly switchoverAck: boolean;
  /** verify is on: a device may digest state as it sends it (while it is in cache). */
  readonly verify?: boolean;
  /** precopy-resume is on: keep what `resumeFrom` needs (which copy of each unit went out); otherwise skip that bookkeeping. */
  readonly precopyResume?: boolean;
  /**
   * Set when the multifd channels compress (multifd-compression): a device
   * whose type uses multifd keeps each PART payload within this many bytes,
   * one compressed packet (QEMU's multifd packet size).
   */
  readonly multifdPacketBytes?: number;
  /**
   * Re-arms this device's switchover approval (QEMU 2026 re-usable
   * switchover-ack): its precopy initial data changed while the machine runs, new
   * initial data follows, and the source may not switch over until the
   * destination approved again. After the source decided to switch over, the
   * migration fails (the source keeps running). Only with switchover-ack.
   * Returns this re-arm's number (1, 2, …): put it in the new initial data's
   * first section, so the destination's device can pass it to its own
   * LoadContext.rearmSwitchover.
   */
  rearmSwitchover(deviceId: string): number;
}

/** Source side (QEMU SaveVMHandlers). saveLiveIterate is the hot path: synchronous, no per-page allocation. */
export interface SaveHandlers {
  readonly iterable: boolean;
  /** Writes the START section (iterable) and arms the device's dirty tracking for migration. */
  saveSetup(out: SectionWriter, ctx: SaveContext): void;
  /** Cheap estimate of bytes that must still go before switchover (QEMU must_precopy). */
  statePendingEstimate(): number;
  /** Exact pending bytes; a device syncs its dirty log here (one "pass"). */
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
  /**
   * Optional (precopy-resume, QEMU's postcopy recovery for precopy): the
   * paused migration resumes and the destination holds `held` (its device's
   * receivedState()). Mark everything it lacks to be sent again; what was
   * dirtied since is already tracked. Returns the bytes it lacked (for the
   * figures). Without this hook (or when the destination's device has no
   * receivedState) the engine sets the device up again (saveCleanup,
   * saveSetup) and it sends everything: correct, just not optimal.
   */
  resumeFrom?(held: Uint8Array): number;
}

export interface LoadContext {
  readonly switchoverAck: boolean;
  /** verify is on: a device may digest state as it lands (while it is in cache). */
  readonly verify?: boolean;
  /** precopy-resume is on: keep what `receivedState` reports (which copy of each unit landed); otherwise skip that bookkeeping. */
  readonly precopyResume?: boolean;
  /** QEMU qemu_loadvm_approve_switchover(): a device's preparation is done (ms it took). */
  approveSwitchover(deviceId: string, allocationMs: number): void;
  /** The source re-armed this device's approval (new initial data; `rearm` its number from the stream): one more approval is owed. */
  rearmSwitchover(deviceId: string, rearm: number): void;
  /** Reports progress of a long device preparation (for the live view). */
  progress(deviceId: string, done: number, total: number): void;
}

export interface IncomingSection {
  readonly type: SectionKind;
  /** The version the source wrote this section in (from its START/FULL); ≤ the device's, ≥ its oldest. */
  readonly version: number;
  /** The device's own header, as its codec decoded it (decodeHeader). */
  readonly header: unknown;
  /** Valid only during the synchronous part of loadState: copy what an async handler keeps. */
  readonly payload: readonly Buffer[];
  readonly payloadLength: number;
  /** The payload is already in place: it went into the regions payloadTargets() named. */
  readonly inPlace?: boolean;
}

/** Destination side. */
export interface LoadHandlers {
  loadSetup(ctx: LoadContext): void;
  /** True when this device gates switchover (QEMU switchover_ack_needed). Asked on both sides. */
  switchoverAckNeeded(): boolean;
  /**
   * The device's section header codec: turns the opaque header bytes of a
   * section written in `version` into whatever loadState reads (converting an
   * older version). Throw ProtocolError on bad bytes.
   */
  decodeHeader(type: SectionKind, version: number, bytes: Uint8Array): unknown;
  /**
   * Loads one section, in stream order. Throws ProtocolError/DeviceError on bad
   * content. May return a promise (work that waits on I/O or a lock): the
   * engine goes on with other sections and devices, and awaits it before this
   * device's loadComplete; a rejection fails the migration.
   */
  loadState(section: IncomingSection): void | Promise<void>;
  /**
   * Optional bulk path: where in device memory this section's payload belongs
   * (regions in payload order), so the stream can receive it straight there;
   * null to get it as slices in loadState. Called before any payload byte
   * arrives, so it validates the header fully; the section then reaches
   * loadState with `inPlace` set.
   */
  payloadTargets?(type: SectionKind, header: unknown, payloadLength: number): Buffer[] | null;
  /** Resolves once the final state is in place (e.g. waits for allocation). */
  loadComplete(): Promise<void>;
  /** Discards partial state and frees what load_setup and loading took. */
  loadCleanup(): void;
  /** Optional: a small message for the source device, sent with LOADED (e.g. where clients go now). */
  completionMessage?(): Uint8Array | null;
  /**
   * Optional (precopy-resume): what this device holds of a paused migration,
   * for its source device's resumeFrom(): only what arrived whole and was
   * loaded (a section torn by the break never counts; one whose payload
   * started landing in place no longer counts what it overwrites), and
   * which copy: RAM reports per page the number of the batch it was last
   * loaded from (not a bit: the source must see that a copy it re-sent was
   * lost while an older one is held). Without it the source resends the
   * whole device: the engine runs loadCleanup and loadSetup again for it and
   * takes a new START.
   */
  receivedState?(): Uint8Array;
}

/** How a migration ended, for the end-of-migration hooks. */
export interface MigrationOutcome {
  readonly role: DeviceRole;
  /** Completed (the destination runs the machine now) or not. */
  readonly completed: boolean;
  /** Source, completed: the destination device's completionMessage(), if it sent one. */
  readonly message?: Uint8Array | null;
  /**
   * Source: the host the source reached the destination at (the migration URI's
   * HOST). A destination that listens on a wildcard address (0.0.0.0, ::) cannot
   * know which of its addresses the source can reach; this is one that it did.
   */
  readonly peerHost?: string;
}

/** Counters of a guest-memory device (QEMU's `ram` figures): query-migrate sums them. */
export interface MemoryCounters {
  readonly pageSize: number;
  readonly totalBytes: number;
  readonly transferred: number;
  readonly normalPages: number;
  readonly zeroPages: number;
  /** Pages newly dirtied at the last statePendingExact() (for the dirty rate and auto-converge). */
  readonly lastSyncDirtyPages: number;
}

/**
 * A device's logger: the daemon's (pino) logger, a child bound to the device
 * (`device: ID` on every line). Any pino-compatible logger fits.
 */
export interface DeviceLogger {
  debug(objOrMsg: object | string, msg?: string): void;
  info(objOrMsg: object | string, msg?: string): void;
  warn(objOrMsg: object | string, msg?: string): void;
  error(objOrMsg: object | string, msg?: string): void;
}

/** What the engine hands a device when it starts it (Device.start). */
export interface DeviceStartContext {
  readonly role: DeviceRole;
  readonly log: DeviceLogger;
}

/** What the engine hands Device.quiesce. */
export interface QuiesceContext {
  /** Aborted when the process must exit now (SIGTERM, SIGINT, QMP quit, close()): resolve promptly. */
  readonly signal: AbortSignal;
}

export interface DeviceStatus {
  readonly id: string;
  readonly type: string;
  readonly pending?: number;
  readonly transferred?: number;
  readonly [key: string]: unknown;
}

/** A device of the machine. */
export interface Device extends SaveHandlers, LoadHandlers {
  readonly id: string;
  /** Its type (name, version, iterable, multifd): as registered. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly type: DeviceType<any>;
  /** The section version this device writes (its type's). */
  readonly version: number;
  readonly spec: DeviceSpec;
  /** Bytes of state the device holds (for progress and RSS figures). */
  readonly stateBytes: number;
  /** Digest of the device's state (verify capability); both ends must compute the same. */
  digest(): Buffer;
  /** Optional: digest work ahead of time (during precopy); returns bytes hashed. */
  refreshDigest?(budgetBytes: number): number;
  /** Status for query-devices / query-migrate (`pending`, `transferred` when it has them). */
  status(): DeviceStatus;
  /** Optional, QEMU's vm-state-change notifier: the machine starts running (true) or stops (false). */
  vmStateChange?(running: boolean): void;
  /** Optional: the migration ended on this side (after saveCleanup / loadCleanup or the resume). */
  migrationEnded?(outcome: MigrationOutcome): void;
  /** Optional: guest-memory counters (QEMU's `ram` in query-migrate). */
  memoryCounters?(): MemoryCounters;
  /** Optional, destination: idle-time preparation before a stream arrives (e.g. pre-faulting memory); returns bytes covered, 0 when done. */
  prefault?(budgetBytes: number): number;

  // ---- Lifetime hooks (all optional): start, hold the exit, dispose ----
  /**
   * Called once when the daemon starts, before the machine first runs (source)
   * or before the daemon listens for migrations (destination), with the device's
   * logger. May be async; a rejection is a start-up error: the daemon exits 2
   * with the device's id and the error's message (e.g. a port in use).
   */
  start?(ctx: DeviceStartContext): void | Promise<void>;
  /**
   * Source, after a completed migration, when the process is about to exit by
   * itself (`--migrate-to`): the exit waits for the returned promise (e.g. a
   * service whose clients the source still forwards to the destination). Keep
   * it bounded; resolve promptly once `ctx.signal` aborts.
   */
  quiesce?(ctx: QuiesceContext): Promise<void>;
  /** Called once when the daemon shuts down (after any migration ended): release sockets, timers, files. */
  dispose?(): void | Promise<void>;
}
