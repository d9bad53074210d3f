/**
 * Composition root of the destination: the machine waiting for state, the
 * migration listener (plain TCP or mutual TLS), settings and QMP.
 *
 * Connections: up to MAX_PENDING_HANDSHAKES may be in their handshake (header,
 * auth, configuration) at once, each bounded in time; the first whose
 * configuration is accepted claims the one migration slot, and every other
 * connection is refused with a SHUT naming the reason. A connection that fails
 * before it became a migration is logged and forgotten: the destination keeps
 * listening (even with --exit-on-complete).
 */
import { EventEmitter } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import {
  CancelledError,
  HANDSHAKE_TIMEOUT_MS,
  MAX_PENDING_HANDSHAKES,
  Machine,
  MigrationSettings,
  QmpDispatcher,
  QmpError,
  adoptForPooledReads,
  argString,
  encodeRpMessage,
  parseMigrationUri,
  processCpuMs,
  ControlEndpoints,
  registerCommonCommands,
  MIGRATE_INCOMING_SCHEMA,
  MIGRATE_SCHEMA,
  registerOtherSideCommand,
  type DeviceSpec,
  type ListenAddress,
  type Logger,
  type SecurityOptions,
  type WorkloadSpec,
} from '@livemig/common';
import { IncomingMigration } from './incoming-migration';
import { lingeringClose } from './lingering-close';
import { queryIncoming } from './migration-info';
import { prefaultInBackground, type Prefault } from './memory-prefault';
import type { FaultHooks } from './test-faults';

export const VERSION = '0.1.0';

export interface DestinationDaemonEvents {
  /** An incoming migration ended (completed or failed after it became a migration). */
  finished: [IncomingMigration];
  quit: [];
}

export class DestinationDaemon extends EventEmitter<DestinationDaemonEvents> {
  readonly machine: Machine;
  readonly settings: MigrationSettings;
  readonly qmp = new QmpDispatcher('livemig-destination', VERSION);
  private readonly endpoints: ControlEndpoints;
  private readonly log: Logger;
  private readonly security: SecurityOptions;
  private readonly faults: FaultHooks | null;
  private server: Server | null = null;
  private listenAddress = '';
  /** The incoming migration (a connection whose configuration was accepted). */
  private current: IncomingMigration | null = null;
  private last: IncomingMigration | null = null;
  /** Connections still in their handshake. */
  private readonly handshakes = new Set<IncomingMigration>();

  /** Connections still in their handshake (header, auth, configuration). */
  get handshakesInProgress(): number {
    return this.handshakes.size;
  }
  private readonly prefault: Prefault;

  constructor(opts: {
    devices: readonly DeviceSpec[];
    workload: WorkloadSpec;
    log: Logger;
    security?: SecurityOptions;
    /** TEST ONLY (test-faults.ts). */
    faults?: FaultHooks | null;
  }) {
    super();
    this.log = opts.log;
    this.security = opts.security ?? { tls: null, authSecret: null, controlToken: null };
    this.endpoints = new ControlEndpoints(this.qmp, this.log, this.security.controlToken);
    this.faults = opts.faults ?? null;
    this.machine = new Machine(opts.devices, opts.workload, 'destination');
    this.prefault = prefaultInBackground(this.machine.devices, (ms, bytes) => this.log.info({ ms: Math.round(ms), bytes }, 'memory ready'));
    this.settings = new MigrationSettings(() => this.current !== null);
    this.machine.on('STOP', () => this.qmp.emitEvent('STOP'));
    this.machine.on('RESUME', () => this.qmp.emitEvent('RESUME'));
    this.registerCommands();
  }

  get address(): string {
    return this.listenAddress;
  }

  /** Starts accepting the incoming migration (QEMU -incoming tcp:HOST:PORT). */
  async listen(host: string, port: number): Promise<string> {
    if (this.server) throw new QmpError('The incoming migration has already been started');
    const tls = this.security.tls;
    const server = tls
      ? createTlsServer(
          { cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2', handshakeTimeout: HANDSHAKE_TIMEOUT_MS },
          (socket) => this.onConnection(socket),
        )
      : createServer((socket) => this.onConnection(socket));
    if (tls) {
      server.on('tlsClientError', (err: Error, socket: Socket) => {
        this.log.warn({ peer: `${socket.remoteAddress}:${socket.remotePort}`, err: err.message }, 'incoming connection refused: TLS handshake failed');
      });
    }
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const a = server.address() as AddressInfo;
    this.listenAddress = a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
    this.log.info({ address: this.listenAddress, port: a.port }, 'listening for incoming migration');
    return this.listenAddress;
  }

  private onConnection(socket: Socket): void {
    socket.setNoDelay(true);
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    const refuse = (reason: string): void => {
      this.log.warn({ peer, reason }, 'incoming connection refused');
      lingeringClose(socket, encodeRpMessage({ shut: { ok: false, code: 'MIG_ERR_STATE', reason } }));
    };
    // With multifd, the migration's extra channels arrive here too, possibly while its
    // main connection is still in its handshake; anything else is refused once it shows itself.
    const owner = this.current ?? (this.handshakes.size === 1 ? [...this.handshakes][0]! : null);
    if (owner?.takesChannels) return owner.adoptChannel(socket, peer);
    const busy = this.busyReason();
    if (busy) return refuse(busy);
    if (this.handshakes.size >= MAX_PENDING_HANDSHAKES) return refuse(`too many connections in their handshake (${MAX_PENDING_HANDSHAKES})`);
    const m: IncomingMigration = new IncomingMigration({
      socket,
      input: adoptForPooledReads(socket),
      machine: this.machine,
      caps: this.settings.capabilities,
      multifdCompression: this.settings.parameters['multifd-compression'],
      log: this.log.child({ channel: 'incoming', peer }),
      stallTimeoutMs: () => this.settings.parameters['stall-timeout'],
      authSecret: this.security.authSecret,
      claim: () => this.claim(m),
      faults: this.faults,
    });
    this.handshakes.add(m);
    m.on('status', (status) => {
      this.log.info({ status, cpuMs: processCpuMs() }, 'incoming migration status');
      this.qmp.emitEvent('MIGRATION', { status });
    });
    m.on('switchover-ack', () => this.qmp.emitEvent('MIGRATION_SWITCHOVER_ACK', {}));
    m.on('device-preallocated', (device, ms) => this.qmp.emitEvent('DEVICE_PREALLOCATED', { device, ms: Math.round(ms) }));
    m.on('device-progress', (device, done, total) => this.qmp.emitEvent('DEVICE_PREALLOCATION_PROGRESS', { device, done, total }));
    m.on('done', () => {
      this.handshakes.delete(m);
      if (this.current === m) this.current = null;
      if (m.becameMigration) {
        this.last = m;
        this.emit('finished', m);
      }
    });
    this.log.info({ peer }, 'incoming connection');
    m.start();
  }

  private busyReason(): string | null {
    if (this.current) return 'another incoming migration is in progress';
    if (this.last?.status === 'completed') return 'this destination already completed an incoming migration';
    return null;
  }

  /** A handshake ended with an accepted configuration: it becomes the migration, unless one already is. */
  private claim(m: IncomingMigration): string | null {
    const busy = this.busyReason();
    if (busy) return busy;
    this.handshakes.delete(m);
    this.current = m;
    return null;
  }

  queryMigrate(): Record<string, unknown> {
    return queryIncoming(this.current ?? this.last, this.machine, this.listenAddress);
  }

  listenControl(addr: ListenAddress): Promise<string> {
    return this.endpoints.listenControl(addr);
  }

  listenQmp(addr: ListenAddress): Promise<string> {
    return this.endpoints.listenQmp(addr);
  }

  private registerCommands(): void {
    const qmp = this.qmp;
    registerCommonCommands(qmp, {
      machine: this.machine,
      settings: this.settings,
      deviceExtras: (id) => {
        const m = this.current ?? this.last;
        const ms = m?.preallocated.get(id);
        return ms === undefined ? {} : { preallocated: true, 'allocation-ms': Math.round(ms) };
      },
      canContinue: () => null,
      quit: () => {
        this.qmp.emitEvent('SHUTDOWN', { guest: false, reason: 'host-qmp-quit' });
        this.emit('quit');
      },
    });
    qmp.register(
      'migrate-incoming',
      async (args) => {
        const { host, port } = parseMigrationUri(argString(args, 'uri'));
        await this.listen(host, port);
        return {};
      },
      MIGRATE_INCOMING_SCHEMA,
    );
    registerOtherSideCommand(qmp, 'migrate', MIGRATE_SCHEMA, 'This is livemig-destination: it receives migrations (migrate is a livemig-source command)');
    qmp.register('query-migrate', () => this.queryMigrate());
    qmp.register('migrate_cancel', () => {
      this.current?.fail(new CancelledError('incoming migration cancelled on the destination'));
      return {};
    });
  }

  async close(): Promise<void> {
    this.prefault.stop();
    this.current?.fail(new CancelledError('destination shutting down'));
    for (const h of [...this.handshakes]) h.fail(new CancelledError('destination shutting down'));
    await this.endpoints.close();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.machine.close();
  }
}

