/**
 * Composition root of the destination: the machine waiting for state, the
 * migration listener (plain TCP or mutual TLS), settings and QMP.
 *
 * Connections: every accepted connection is first a Handshake (handshake.ts),
 * which holds nothing of the machine. Up to MAX_PENDING_HANDSHAKES may be in
 * their handshake at once; a new one never waits or is turned away for lack of
 * room: the idlest handshake is evicted instead (one that has not sent a valid
 * header in SPEAK_GRACE_MS first, then the oldest), and each must send its header within
 * HEADER_TIMEOUT_MS, so silent or slow clients cannot lock a real source out.
 * The first whose configuration is accepted claims the one migration slot and
 * only then becomes an IncomingMigration, handed the machine; a multifd
 * channel's header names the migration it joins, which gives it a place only
 * up to its channel count. A connection that fails before it became a
 * migration is logged and forgotten: the destination keeps listening (even
 * with --exit-on-complete), and nothing it did reaches the machine.
 */
import { EventEmitter } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { CancelledError } from '@livemig/common/errors';
import {
  HANDSHAKE_TIMEOUT_MS,
  HEADER_TIMEOUT_MS,
  type ConfigurationMessage,
  MAX_PENDING_HANDSHAKES,
  adoptForPooledReads,
  encodeRpMessage,
} from '@livemig/common/wire';
import { LIVEMIG_VERSION, parseMigrationUri } from '@livemig/common/cli';
import {
  MigrationSettings,
  QmpDispatcher,
  QmpError,
  argString,
  ControlEndpoints,
  registerCommonCommands,
  registerDeviceCommands,
  MIGRATE_INCOMING_SCHEMA,
  MIGRATE_SCHEMA,
  MIGRATE_RECOVER_SCHEMA,
  NO_PAUSED_INCOMING,
  registerOtherSideCommand,
  type ListenAddress,
  type SecurityOptions,
} from '@livemig/common/control';
import { Machine, deviceTypes, type Device, type DeviceSpec, type WorkloadSpec } from '@livemig/common/devices';
import { processCpuMs, type Logger } from '@livemig/common/daemon';
import { checkConfiguration } from './configuration-check';
import { Handshake, type AcceptedConnection, type ChannelHello, type ChannelSlot, type HandshakeOwner } from './handshake';
import { IncomingMigration } from './incoming-migration';
import { lingeringClose } from './lingering-close';
import { queryIncoming } from './migration-info';
import { prefaultInBackground, type Prefault } from './memory-prefault';

export const VERSION = LIVEMIG_VERSION;

export interface DestinationDaemonEvents {
  /** An incoming migration ended (completed or failed after it became a migration). */
  finished: [IncomingMigration];
  quit: [];
}

/** How long a new connection is not yet idle for having sent no header (a quarter of its time to send it). */
export const SPEAK_GRACE_MS = HEADER_TIMEOUT_MS / 4;

export class DestinationDaemon extends EventEmitter<DestinationDaemonEvents> {
  readonly machine: Machine;
  readonly settings: MigrationSettings;
  readonly qmp = new QmpDispatcher('livemig-destination', VERSION);
  private readonly endpoints: ControlEndpoints;
  private readonly log: Logger;
  private readonly security: SecurityOptions;
  /** What every handshake asks of the daemon. */
  private readonly handshakeOwner: HandshakeOwner;
  private server: Server | null = null;
  private listenAddress = '';
  /** The incoming migration (a connection whose configuration was accepted). */
  private current: IncomingMigration | null = null;
  private last: IncomingMigration | null = null;
  /** precopy-resume: handshakes of connections resuming the paused migration (the first to pass auth wins). */
  private readonly recovering = new Set<Handshake>();
  /** The handshake that discarded the last migration (abandons), and that migration until the handshake ends. */
  private discarder: Handshake | null = null;
  private discardedWaiting: IncomingMigration | null = null;
  /** precopy-resume: extra listeners migrate-recover opened (closed with the daemon). */
  private readonly recoverServers: Server[] = [];
  private readonly recoverAddresses: string[] = [];
  /** Connections still in their handshake, oldest first (a Set keeps insertion order). */
  private readonly handshakes = new Set<Handshake>();

  /** Connections still in their handshake (header, auth, configuration). */
  get handshakesInProgress(): number {
    return this.handshakes.size;
  }
  private readonly prefault: Prefault;

  constructor(opts: {
    /** Specs (made with the registered types) or device instances (an application's own). */
    devices: readonly (DeviceSpec | Device)[];
    /** The simulated workload the machine runs once resumed here (built-in devices); absent: none. */
    workload?: WorkloadSpec | null;
    log: Logger;
    security?: SecurityOptions;
  }) {
    super();
    this.log = opts.log;
    this.security = opts.security ?? { tls: null, authSecret: null, controlToken: null };
    this.endpoints = new ControlEndpoints(this.qmp, this.log, this.security.controlToken);
    this.machine = new Machine(opts.devices, { role: 'destination', workload: opts.workload ?? null });
    this.prefault = prefaultInBackground(this.machine.devices, (ms, bytes) => this.log.info({ ms: Math.round(ms), bytes }, 'memory ready'));
    this.settings = new MigrationSettings(() => this.current !== null);
    this.machine.on('STOP', () => this.qmp.emitEvent('STOP'));
    this.machine.on('RESUME', () => this.qmp.emitEvent('RESUME'));
    this.registerCommands();
    this.handshakeOwner = {
      authSecret: this.security.authSecret,
      limitMs: () => {
        const stall = this.settings.parameters['stall-timeout'];
        return stall > 0 ? stall : HANDSHAKE_TIMEOUT_MS;
      },
      checkConfiguration: (config) => checkConfiguration(config, this.machine.devices, this.settings.capabilities, this.settings.parameters['multifd-compression']),
      claim: () => this.busyReason(),
      accepted: (conn, config) => this.startMigration(conn, config),
      channel: (h, hello) => this.channelFor(h, hello),
      recoverBegins: (h, id) => this.recoverBegins(h, id),
      abandoned: (h, ids) => this.abandon(h, ids),
      resumed: (h, conn) => {
        this.recovering.delete(h);
        const m = this.current;
        // The source is back before this side noticed the break (a link that went down
        // without a reset; silence not yet past stall-timeout): its old connection is dead.
        if (m && !m.paused) m.breakForResume();
        if (m?.paused) m.resume(conn);
        else conn.socket.destroy();
      },
      ended: (h) => {
        this.handshakes.delete(h);
        // A resume's handshake that failed leaves the paused migration as it was. (One that
        // succeeded ends here too, just before resumed(): it is not abandoned.)
        if (this.recovering.delete(h) && this.recovering.size === 0 && h.phase !== 'resumed') this.current?.recoverAbandoned();
        if (h === this.discarder) this.discardSettled(h);
      },
    };
  }

  get address(): string {
    return this.listenAddress;
  }

  /** The devices' start hooks, once (listen() runs them first): a failure rejects, naming the device. */
  startDevices(): Promise<void> {
    return this.machine.startDevices(this.log);
  }

  /** Starts accepting the incoming migration (QEMU -incoming tcp:HOST:PORT), after starting the devices. */
  async listen(host: string, port: number): Promise<string> {
    await this.startDevices();
    // Checked after the await: the server is set below with no await in between.
    if (this.server) throw new QmpError('The incoming migration has already been started');
    const server = this.makeServer();
    this.server = server;
    const { address, port: bound } = await listenOn(server, host, port);
    this.listenAddress = address;
    this.log.info({ address, port: bound }, 'listening for incoming migration');
    return address;
  }

  /** A listener for migration connections (plain TCP or mutual TLS), each one a Handshake. */
  private makeServer(): Server {
    const tls = this.security.tls;
    // allowHalfOpen: a source that half-closes (FIN) may still read the return path, so the
    // failure its FIN causes is told in a SHUT (handshake.ts, incoming-migration.ts). With
    // Node's default the FIN ends our write side too, and that SHUT was silently dropped.
    const server = tls
      ? createTlsServer(
          { cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2', handshakeTimeout: HANDSHAKE_TIMEOUT_MS, allowHalfOpen: true },
          (socket) => this.onConnection(socket),
        )
      : createServer({ allowHalfOpen: true }, (socket) => this.onConnection(socket));
    if (tls) {
      // The peer's address, taken when it connects: by the time a handshake fails the socket may be gone ("undefined:undefined").
      const peers = new WeakMap<Socket, string>();
      server.on('connection', (raw: Socket) => peers.set(raw, `${raw.remoteAddress}:${raw.remotePort}`));
      server.on('tlsClientError', (err: Error & { code?: string }, socket: Socket) => {
        // Node's TLSSocket keeps the TCP socket it wraps as `_parent` (not public API: hence the fallback).
        const raw = (socket as Socket & { _parent?: Socket })._parent;
        const peer = (raw && peers.get(raw)) ?? (socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : 'unknown peer');
        this.log.warn({ peer, code: err.code, err: err.message, reason: tlsFailureReason(err) }, 'incoming connection refused: TLS handshake failed');
      });
    }
    return server;
  }

  private onConnection(socket: Socket): void {
    socket.setNoDelay(true);
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    if (this.last?.status === 'completed') {
      const reason = 'this destination already completed an incoming migration';
      this.log.warn({ peer, reason }, 'incoming connection refused');
      lingeringClose(socket, encodeRpMessage({ shut: { ok: false, code: 'MIG_ERR_STATE', reason } }));
      return;
    }
    if (this.handshakes.size >= MAX_PENDING_HANDSHAKES) this.evictOne();
    const input = adoptForPooledReads(socket);
    const h = new Handshake(socket, input, peer, this.handshakeOwner, this.log.child({ channel: 'incoming', peer }));
    this.handshakes.add(h);
    this.log.info({ peer }, 'incoming connection');
    h.start();
  }

  /**
   * All handshake slots are taken: the idlest goes, so a newcomer (perhaps the
   * real source) always gets its chance. A connection that has had
   * SPEAK_GRACE_MS to send a valid header and has not goes first, the oldest
   * of them; else the oldest of all. Without the grace, a source accepted a
   * moment ago (its header not read yet, or not even sent: its process had
   * not run) was the one victim among strays that had sent theirs, at the
   * very next connection (seen under load: "evicted after 3 ms").
   */
  private evictOne(): void {
    const now = performance.now();
    let victim: Handshake | null = null;
    for (const h of this.handshakes) {
      if (!h.identified && now - h.acceptedAt >= SPEAK_GRACE_MS) {
        victim = h;
        break;
      }
      victim ??= h;
    }
    if (!victim) return;
    const ms = Math.round(performance.now() - victim.acceptedAt);
    victim.evict(`evicted after ${ms} ms in its handshake (${victim.phase}): all ${MAX_PENDING_HANDSHAKES} handshake slots were taken and a new connection arrived`);
  }

  /**
   * precopy-resume: a header names a migration to resume. Only the current
   * one's id is taken, and only while it is paused or still in precopy (its
   * source may be back before this side noticed the break); anything else is
   * refused and the migration is unharmed. Several may try (one without the
   * secret cannot hold the real source off): the first through auth wins.
   */
  private recoverBegins(h: Handshake, id: Buffer): string | null {
    const m = this.current;
    if (!m || !m.migrationId.equals(id)) return 'no incoming migration here is the one this connection resumes';
    if (!m.resumable) return `the incoming migration cannot be resumed now (${m.status}, ${m.phase})`;
    this.recovering.add(h);
    m.recoverBegins();
    return null;
  }

  /**
   * A new migration's source proved itself and says it gave up on `ids` (they ended
   * on its side before the commit): if the current incoming migration is one of them
   * and never switched over, it is discarded now (loadCleanup: what was loaded is
   * dropped, accel's allocation freed), so this connection's configuration may claim
   * the slot instead of being refused until precopy-resume-timeout. Safe because such
   * a migration never ran the machine here: the destination runs it only after
   * SWITCHOVER_START, the final loads and the source's commit, and its source has
   * ended it, so no connection will ever complete it. Resume handshakes for it in
   * progress have nothing left to resume and go too. Any other id (a migration this
   * destination never had, or already ended) changes nothing.
   */
  private abandon(h: Handshake, ids: readonly Buffer[]): void {
    const m = this.current;
    if (!m || !ids.some((id) => id.equals(m.migrationId))) return;
    if (!m.discardable) {
      this.log.warn({ peer: h.peer, phase: m.phase }, 'a new migration names the incoming one as abandoned, but it is past the switchover: kept');
      return;
    }
    const stray = [...this.recovering];
    this.recovering.clear();
    for (const r of stray) r.evict('the migration it resumes was discarded: its source gave up on it');
    this.log.warn({ peer: h.peer, status: m.status, phase: m.phase }, 'incoming migration discarded: its source gave up on it');
    // Its 'finished' waits for this handshake's end, which says whether a new migration took its place.
    this.discarder = h;
    m.discard();
  }

  /**
   * The handshake that discarded a migration ended: accepted, a new migration
   * took its place (`superseded`: --exit-on-complete waits for that one);
   * anything else (a source's notice closing, a refusal) leaves it simply failed.
   */
  private discardSettled(h: Handshake): void {
    this.discarder = null;
    const m = this.discardedWaiting;
    this.discardedWaiting = null;
    if (!m) return;
    m.superseded = h.phase === 'accepted';
    this.emit('finished', m);
  }

  /**
   * `migrate-recover {"uri"}` (QEMU's, for a paused postcopy): the paused
   * migration's source may also come to `host:port` (the original listen
   * address keeps working).
   */
  async listenForRecovery(host: string, port: number): Promise<string> {
    const server = this.makeServer();
    const { address, port: bound } = await listenOn(server, host, port);
    this.recoverServers.push(server);
    this.recoverAddresses.push(address);
    this.log.info({ address, port: bound }, 'listening for the paused migration to resume (migrate-recover)');
    return address;
  }

  /** A multifd channel's header: the migration it names gives it a place, or why not. */
  private channelFor(h: Handshake, hello: ChannelHello): ChannelSlot | string {
    const m = this.current;
    if (!m || !m.channels.names(hello)) return 'another incoming migration is in progress (this multifd channel names no migration in progress here)';
    const slot = m.channels.reserve(hello, () => h.evict('evicted: newer multifd channels for this migration are answering their challenge'));
    // Bounded by the migration's channel count from now on, not by the handshake slots.
    if (typeof slot !== 'string') this.handshakes.delete(h);
    return slot;
  }

  /** A handshake's configuration was accepted and it claimed the slot: it becomes the migration, and only it gets the machine. */
  private startMigration(conn: AcceptedConnection, config: ConfigurationMessage): void {
    const m = new IncomingMigration({
      connection: conn,
      config,
      machine: this.machine,
      caps: this.settings.capabilities,
      multifdCompression: this.settings.parameters['multifd-compression'],
      log: this.log.child({ channel: 'incoming', peer: conn.peer }),
      stallTimeoutMs: () => this.settings.parameters['stall-timeout'],
      resumeTimeoutMs: () => this.settings.parameters['precopy-resume-timeout'],
    });
    this.current = m;
    m.on('status', (status) => {
      this.log.info({ status, cpuMs: processCpuMs() }, 'incoming migration status');
      this.qmp.emitEvent('MIGRATION', { status });
    });
    m.on('switchover-ack', () => this.qmp.emitEvent('MIGRATION_SWITCHOVER_ACK', {}));
    m.on('device-preallocated', (device, ms) => this.qmp.emitEvent('DEVICE_PREALLOCATED', { device, ms: Math.round(ms) }));
    m.on('device-progress', (device, done, total) => this.qmp.emitEvent('DEVICE_PREALLOCATION_PROGRESS', { device, done, total }));
    m.on('done', () => {
      if (this.current === m) this.current = null;
      this.last = m;
      if (m.discarded && this.discarder) this.discardedWaiting = m;
      else this.emit('finished', m);
    });
    m.start();
  }

  private busyReason(): string | null {
    if (this.current?.paused) return 'an incoming migration is paused here (precopy-resume), waiting for its source to resume it';
    if (this.current) return 'another incoming migration is in progress';
    if (this.last?.status === 'completed') return 'this destination already completed an incoming migration';
    return null;
  }

  queryMigrate(): Record<string, unknown> {
    const info = queryIncoming(this.current ?? this.last, this.machine, this.listenAddress);
    // Beyond QEMU: where migrate-recover listens too (port 0 there picks a free one).
    if (this.recoverAddresses.length > 0) info['recover-socket-addresses'] = [...this.recoverAddresses];
    return info;
  }

  listenControl(addr: ListenAddress, flag?: string): Promise<string> {
    return this.endpoints.listenControl(addr, flag);
  }

  listenQmp(addr: ListenAddress, flag?: string): Promise<string> {
    return this.endpoints.listenQmp(addr, flag);
  }

  private registerCommands(): void {
    const qmp = this.qmp;
    registerDeviceCommands(qmp, this.machine, 'destination', deviceTypes());
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
    qmp.register(
      'migrate-recover',
      async (args) => {
        const uri = argString(args, 'uri');
        if (!this.current?.paused) throw new QmpError(NO_PAUSED_INCOMING);
        const { host, port } = parseMigrationUri(uri, { listen: true });
        await this.listenForRecovery(host, port);
        return {};
      },
      MIGRATE_RECOVER_SCHEMA,
    );
    registerOtherSideCommand(qmp, 'migrate', MIGRATE_SCHEMA, 'This is livemig-destination: it receives migrations (migrate is a livemig-source command)');
    qmp.register('query-migrate', () => this.queryMigrate());
    qmp.register('migrate_cancel', () => {
      this.current?.fail(new CancelledError('incoming migration cancelled on the destination'));
      return {};
    });
  }

  /** `lingerMs`: let control clients fetch the final figures first (ControlEndpoints.close). */
  async close(lingerMs = 0): Promise<void> {
    this.prefault.stop();
    this.current?.fail(new CancelledError('destination shutting down'));
    for (const h of [...this.handshakes]) h.fail(new CancelledError('destination shutting down'));
    await this.endpoints.close(lingerMs);
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    for (const server of this.recoverServers) await new Promise<void>((resolve) => server.close(() => resolve()));
    this.machine.close();
    await this.machine.dispose(this.log);
  }
}

/** Listens; resolves with the address bound (`HOST:PORT`, IPv6 in brackets) and its port. */
async function listenOn(server: Server, host: string, port: number): Promise<{ address: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  return { address: a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`, port: a.port };
}

/** A failed TLS handshake in words (OpenSSL's text stays in the log's `err`). */
function tlsFailureReason(err: Error & { code?: string }): string {
  const what = `${err.code ?? ''} ${err.message}`;
  if (/WRONG_VERSION_NUMBER|HTTP_REQUEST|UNKNOWN_PROTOCOL|wrong version number|http request/i.test(what)) return 'the client does not speak TLS (a source without --tls-cert/--tls-key/--tls-ca, or not a livemig source)';
  if (/CERTIFICATE_REQUIRED|PEER_DID_NOT_RETURN_A_CERTIFICATE|did not return a certificate/i.test(what)) return 'the client sent no certificate (mutual TLS needs --tls-cert on the source)';
  if (/UNKNOWN_CA|unable to get local issuer|self.signed|certificate verify failed|CERTIFICATE_VERIFY_FAILED/i.test(what)) return "the client's certificate is not signed by the CA in --tls-ca";
  if (/timed? ?out|ETIMEDOUT/i.test(what)) return 'the client did not finish the TLS handshake in time';
  return 'the TLS handshake failed';
}
