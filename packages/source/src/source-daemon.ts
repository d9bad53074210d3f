/**
 * Composition root of the source: the running machine, the migration settings,
 * the current outgoing migration, and the QMP surface over WebSocket/socket.
 */
import { EventEmitter, once } from 'node:events';
import { StateError } from '@livemig/common/errors';
import { LIVEMIG_VERSION, parseMigrationUri } from '@livemig/common/cli';
import { HANDSHAKE_TIMEOUT_MS, MAX_ABANDONED_IDS } from '@livemig/common/wire';
import {
  MigrationSettings,
  QmpDispatcher,
  QmpError,
  argString,
  ControlEndpoints,
  registerCommonCommands,
  MIGRATE_INCOMING_SCHEMA,
  MIGRATE_SCHEMA,
  MIGRATE_RECOVER_SCHEMA,
  NO_PAUSED_MIGRATION,
  registerOtherSideCommand,
  registerDeviceCommands,
  type ListenAddress,
  type SecurityOptions,
} from '@livemig/common/control';
import { Machine, deviceTypes, type Device, type DeviceSpec, type WorkloadSpec } from '@livemig/common/devices';
import { type Logger } from '@livemig/common/daemon';
import { sendAbandonNotice } from './abandon-notice';
import { OutgoingMigration } from './outgoing-migration';
import { queryMigrate } from './migration-info';
import { MigrationHistory } from './migration-history';

export const VERSION = LIVEMIG_VERSION;
/** How long shutdown waits for a cancelled migration to wind down (resume the machine, close its connections). */
const SHUTDOWN_CANCEL_WAIT_MS = 2000;

export interface SourceDaemonOptions {
  /** Specs (made with the registered types) or device instances (an application's own). */
  devices: readonly (DeviceSpec | Device)[];
  /** The simulated workload of the built-in devices; null or absent: none (an application's state changes by itself). */
  workload?: WorkloadSpec | null;
  log: Logger;
  /** TLS, shared secret, control token (none by default). */
  security?: SecurityOptions;
}

export interface SourceDaemonEvents {
  finished: [OutgoingMigration];
  quit: [];
}

export class SourceDaemon extends EventEmitter<SourceDaemonEvents> {
  readonly machine: Machine;
  readonly settings: MigrationSettings;
  readonly qmp = new QmpDispatcher('livemig-source', VERSION);
  private readonly endpoints: ControlEndpoints;
  private readonly log: Logger;
  private readonly security: SecurityOptions;
  private migration: OutgoingMigration | null = null;
  /**
   * Ids of this source's migrations that ended before their commit after a destination
   * accepted them, newest first (at most MAX_ABANDONED_IDS): each new migration names them
   * (StreamHeader.abandons), so a destination still holding one (paused by precopy-resume
   * after a break that swallowed SWITCHOVER_START, or a cancel here while paused) discards it
   * instead of refusing the new migration until its precopy-resume-timeout.
   */
  private abandoned: Buffer[] = [];
  /** The latest abandon notice (tests and embedders may await it; it never rejects). */
  noticeSent: Promise<boolean> | null = null;
  /** Aborted by close(): a device holding the exit (quiesce) lets go at once. */
  private readonly exiting = new AbortController();
  /** The last migration's samples, for a live view opened during or after it. */
  private readonly history = new MigrationHistory(
    () => ({ info: this.queryMigrate(), downtimeLimit: this.settings.parameters['downtime-limit'] }),
    () => this.migration?.status === 'device',
  );

  constructor(opts: SourceDaemonOptions) {
    super();
    this.log = opts.log;
    this.security = opts.security ?? { tls: null, authSecret: null, controlToken: null };
    this.endpoints = new ControlEndpoints(this.qmp, this.log, this.security.controlToken);
    this.machine = new Machine(opts.devices, { role: 'source', workload: opts.workload ?? null });
    this.settings = new MigrationSettings(() => this.migrating);
    this.machine.on('STOP', () => this.qmp.emitEvent('STOP'));
    this.machine.on('RESUME', () => this.qmp.emitEvent('RESUME'));
    this.registerCommands();
  }

  get migrating(): boolean {
    return this.migration !== null && !this.migration.finished;
  }

  get currentMigration(): OutgoingMigration | null {
    return this.migration;
  }

  /**
   * Starts the devices (their start hooks: a failure rejects, naming the
   * device) and then the machine.
   */
  async start(): Promise<void> {
    await this.machine.startDevices(this.log);
    this.machine.start();
    this.log.info({ devices: this.machine.devices.map((d) => d.id), bytes: this.machine.stateBytes }, 'machine running');
  }

  listenControl(addr: ListenAddress, flag?: string): Promise<string> {
    return this.endpoints.listenControl(addr, flag);
  }

  listenQmp(addr: ListenAddress, flag?: string): Promise<string> {
    return this.endpoints.listenQmp(addr, flag);
  }

  /** Starts a migration to `uri`; the returned object runs in the background. */
  migrate(uri: string): OutgoingMigration {
    if (this.migrating) throw new StateError("There's a migration process in progress");
    const { host, port } = parseMigrationUri(uri);
    const m = new OutgoingMigration({
      host,
      port,
      machine: this.machine,
      caps: this.settings.capabilities,
      params: () => this.settings.parameters,
      log: this.log.child({ migration: uri }),
      security: { tls: this.security.tls, authSecret: this.security.authSecret },
      abandons: this.abandoned,
    });
    this.migration = m;
    // The machine stops for the switchover: QMP events wait until the status after it is
    // announced (the downtime is over, or downtime-limit after the stop; stop-and-copy.ts).
    m.on('switchover', () => this.qmp.holdEvents());
    m.on('status', (status) => {
      this.qmp.emitEvent('MIGRATION', { status });
      this.qmp.releaseEvents();
    });
    m.on('pass', (pass) => this.qmp.emitEvent('MIGRATION_PASS', { pass }));
    m.on('switchover-ack', () => this.qmp.emitEvent('MIGRATION_SWITCHOVER_ACK', { 'wait-ms': Math.round((m.ackAt ?? 0) - m.startedAt) }));
    m.on('device-approved', (device, ms) => this.qmp.emitEvent('DEVICE_PREALLOCATED', { device, ms: Math.round(ms) }));
    this.history.start();
    void m.run().then(() => {
      this.qmp.releaseEvents();
      this.history.stop();
      if (m.leftIncomingBehind) {
        this.abandoned = [m.migrationId, ...this.abandoned].slice(0, MAX_ABANDONED_IDS);
        // With precopy-resume the destination took the close for a break and may hold the
        // migration paused: tell it now if the link lets us (abandon-notice.ts).
        if (m.caps['precopy-resume']) this.noticeSent = this.tellAbandoned(m);
      }
      this.emit('finished', m);
    });
    return m;
  }

  private tellAbandoned(m: OutgoingMigration): Promise<boolean> {
    const stall = this.settings.parameters['stall-timeout'];
    return sendAbandonNotice({
      host: m.host,
      port: m.port,
      tls: this.security.tls,
      authSecret: this.security.authSecret,
      ids: [m.migrationId],
      timeoutMs: stall > 0 ? stall : HANDSHAKE_TIMEOUT_MS,
      log: this.log.child({ migration: `tcp:${m.host}:${m.port}` }),
    });
  }

  /**
   * precopy-resume: `migrate {"uri", "resume": true}`: the paused migration
   * reconnects to `uri` (QEMU's answer when nothing is paused).
   */
  resumeMigration(uri: string): OutgoingMigration {
    const m = this.migration;
    if (!m || (m.status !== 'precopy-paused' && m.status !== 'precopy-recover')) throw new QmpError(NO_PAUSED_MIGRATION);
    const { host, port } = parseMigrationUri(uri);
    m.resume(host, port);
    return m;
  }

  /** Starts a migration to `uri` and resolves once it ended (completed, failed or cancelled; see its `status`). */
  async migrateAndWait(uri: string): Promise<OutgoingMigration> {
    const m = this.migrate(uri);
    while (!m.finished) await once(this, 'finished');
    return m;
  }

  queryMigrate(): Record<string, unknown> {
    return queryMigrate(this.migration, this.machine, this.settings.parameters);
  }

  private registerCommands(): void {
    const qmp = this.qmp;
    registerCommonCommands(qmp, {
      machine: this.machine,
      settings: this.settings,
      canContinue: () => {
        const m = this.migration;
        if (m?.status === 'completed') {
          return m.destinationPaused ? 'Migration completed: the machine now lives on the destination (left paused there; cont on the destination starts it)' : 'Migration completed: the machine now runs on the destination';
        }
        return this.migrating && this.machine.runState !== 'running' && m?.status === 'device' ? 'Migration is completing' : null;
      },
      quit: () => {
        this.qmp.emitEvent('SHUTDOWN', { guest: false, reason: 'host-qmp-quit' });
        this.emit('quit');
      },
    });
    qmp.register(
      'migrate',
      (args) => {
        const uri = argString(args, 'uri');
        if (args.resume === true) {
          this.resumeMigration(uri);
          return {};
        }
        this.migrate(uri);
        return {};
      },
      MIGRATE_SCHEMA,
    );
    registerDeviceCommands(qmp, this.machine, 'source', deviceTypes());
    registerOtherSideCommand(qmp, 'migrate-incoming', MIGRATE_INCOMING_SCHEMA, 'This is livemig-source: it sends migrations (migrate-incoming is a livemig-destination command)');
    registerOtherSideCommand(qmp, 'migrate-recover', MIGRATE_RECOVER_SCHEMA, 'This is livemig-source: migrate-recover is a livemig-destination command (here: migrate with resume=true)');
    qmp.register('migrate_cancel', () => {
      this.migration?.cancel();
      return {};
    });
    qmp.register('query-migrate', () => this.queryMigrate());
    // Beyond QEMU: the last migration's chart samples, oldest first (the live view plots them on connect).
    qmp.register('x-query-migrate-history', () => ({ samples: this.history.list() }));
  }

  /**
   * For shutdown (SIGTERM, SIGINT, QMP quit): cancels a running migration and
   * waits, at most `waitMs`, for it to end, so that what is reported last (the
   * --json line) is the cancelled migration, not one still `active`. Resolves
   * true if a migration was running and did not complete.
   */
  async cancelForShutdown(waitMs = SHUTDOWN_CANCEL_WAIT_MS): Promise<boolean> {
    const m = this.migration;
    if (!m || m.finished) return false;
    try {
      m.cancel();
    } catch (err) {
      this.log.warn({ err }, 'migration still completing while the daemon shuts down');
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([once(this, 'finished'), new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
    return m.status !== 'completed';
  }

  /**
   * After a completed migration, before the process exits by itself
   * (`--migrate-to`): waits for the devices that hold the exit (Device.quiesce,
   * e.g. kv's forwarded clients). close() cuts it short.
   */
  async quiesce(): Promise<void> {
    if (this.migration?.status !== 'completed' || !this.machine.devices.some((d) => d.quiesce)) return;
    this.log.info('waiting for devices to let the process exit (quiesce)');
    await this.machine.quiesceDevices(this.exiting.signal, this.log);
  }

  /** `lingerMs`: let control clients fetch the final figures first (ControlEndpoints.close). */
  async close(lingerMs = 0): Promise<void> {
    this.exiting.abort();
    if (this.migrating) {
      try {
        this.migration?.cancel();
      } catch (err) {
        this.log.warn({ err }, 'migration still completing while the daemon closes');
      }
    }
    this.history.stop();
    await this.endpoints.close(lingerMs);
    this.machine.close();
    await this.machine.dispose(this.log);
  }
}
