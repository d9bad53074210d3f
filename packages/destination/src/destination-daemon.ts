/**
 * Composition root of the destination: the machine waiting for state, the
 * migration listener (one incoming migration at a time), settings and QMP.
 */
import { EventEmitter } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import {
  CancelledError,
  Machine,
  MigrationSettings,
  QmpDispatcher,
  QmpError,
  QmpSocketServer,
  WsControlServer,
  adoptForPooledReads,
  argString,
  encodeRpMessage,
  parseMigrationUri,
  processCpuMs,
  registerCommonCommands,
  rejectUnknownArgs,
  type DeviceSpec,
  type ListenAddress,
  type Logger,
  type WorkloadSpec,
} from '@livemig/common';
import { IncomingMigration } from './incoming-migration';
import { queryIncoming } from './migration-info';
import { prefaultInBackground, type Prefault } from './memory-prefault';

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
  private readonly log: Logger;
  private server: Server | null = null;
  private listenAddress = '';
  private current: IncomingMigration | null = null;
  private last: IncomingMigration | null = null;
  private readonly servers: Array<WsControlServer | QmpSocketServer> = [];
  private readonly prefault: Prefault;

  constructor(opts: { devices: readonly DeviceSpec[]; workload: WorkloadSpec; log: Logger }) {
    super();
    this.log = opts.log;
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
    const server = createServer((socket) => this.onConnection(socket));
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
      socket.on('error', () => socket.destroy());
      socket.end(encodeRpMessage({ shut: { ok: false, code: 'MIG_ERR_STATE', reason } }));
      // Read and drop what the peer sends until it closes: closing with unread bytes
      // would send a RST that can overtake the SHUT (see IncomingMigration.fail).
      socket.resume();
      setTimeout(() => socket.destroy(), 2000).unref();
    };
    if (this.current) {
      // With multifd, the migration's extra channels arrive here too; anything else is refused once it shows itself.
      if (this.current.takesChannels) return this.current.adoptChannel(socket, peer);
      return refuse('another incoming migration is in progress');
    }
    if (this.last?.status === 'completed') return refuse('this destination already completed an incoming migration');
    const m = new IncomingMigration({ socket, input: adoptForPooledReads(socket), machine: this.machine, caps: this.settings.capabilities, log: this.log.child({ channel: 'incoming', peer }) });
    this.current = m;
    m.on('status', (status) => {
      this.log.info({ status, cpuMs: processCpuMs() }, 'incoming migration status');
      this.qmp.emitEvent('MIGRATION', { status });
    });
    m.on('switchover-ack', () => this.qmp.emitEvent('MIGRATION_SWITCHOVER_ACK', {}));
    m.on('device-preallocated', (device, ms) => this.qmp.emitEvent('DEVICE_PREALLOCATED', { device, ms: Math.round(ms) }));
    m.on('device-progress', (device, done, total) => this.qmp.emitEvent('DEVICE_PREALLOCATION_PROGRESS', { device, done, total }));
    m.on('done', () => {
      this.current = null;
      if (m.becameMigration) {
        this.last = m;
        this.emit('finished', m);
      }
    });
    this.log.info({ peer }, 'incoming connection');
    m.start();
  }

  queryMigrate(): Record<string, unknown> {
    return queryIncoming(this.current ?? this.last, this.machine, this.listenAddress);
  }

  async listenControl(addr: ListenAddress): Promise<string> {
    const server = new WsControlServer(this.qmp, this.log.child({ channel: 'control' }));
    this.servers.push(server);
    const where = await server.listen(addr);
    this.log.info({ address: where }, 'control API (WebSocket) listening');
    return where;
  }

  async listenQmp(addr: ListenAddress): Promise<string> {
    const server = new QmpSocketServer(this.qmp, this.log.child({ channel: 'qmp' }));
    this.servers.push(server);
    const where = await server.listen(addr);
    this.log.info({ address: where }, 'QMP socket listening');
    return where;
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
      canContinue: () => (this.machine.runState === 'inmigrate' ? 'Guest is waiting for an incoming migration' : null),
      quit: () => this.emit('quit'),
    });
    qmp.register('migrate-incoming', async (args) => {
      rejectUnknownArgs(args, ['uri']);
      const { host, port } = parseMigrationUri(argString(args, 'uri'));
      await this.listen(host, port);
      return {};
    });
    qmp.register('query-migrate', () => this.queryMigrate());
    qmp.register('migrate_cancel', () => {
      this.current?.fail(new CancelledError('incoming migration cancelled on the destination'));
      return {};
    });
  }

  async close(): Promise<void> {
    this.prefault.stop();
    this.current?.fail(new CancelledError('destination shutting down'));
    await Promise.all(this.servers.map((s) => s.close()));
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.machine.close();
  }
}

