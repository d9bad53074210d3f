/**
 * A daemon's control endpoints: the QMP WebSocket (with the live view) and
 * plain QMP sockets, all serving one dispatcher, opened on request and closed
 * together. Both daemons use it the same way.
 */
import { bindError } from './bind-error';
import type { Logger } from '../logger';
import { liveViewHandler } from '../live-view/static-handler';
import type { QmpDispatcher } from './dispatcher';
import { QmpSocketServer, WsControlServer, type ListenAddress } from './servers';

export class ControlEndpoints {
  private readonly qmp: QmpDispatcher;
  private readonly log: Logger;
  private readonly token: string | null;
  private readonly servers: Array<WsControlServer | QmpSocketServer> = [];

  constructor(qmp: QmpDispatcher, log: Logger, token: string | null) {
    this.qmp = qmp;
    this.log = log;
    this.token = token;
  }

  /** `--control`: QMP over WebSocket, plus the live view on plain HTTP GETs. A bind failure is a UsageError naming `flag`. */
  async listenControl(addr: ListenAddress, flag = '--control'): Promise<string> {
    const log = this.log.child({ channel: 'control' });
    const server = new WsControlServer(this.qmp, log, liveViewHandler((err, path) => log.warn({ err, path }, 'live view asset unavailable')), { token: this.token });
    this.servers.push(server);
    const where = await server.listen(addr).catch((err: unknown) => {
      throw bindError(flag, addressText(addr), err);
    });
    this.log.info({ address: where, url: addr.kind === 'tcp' ? `http://${where}/` : undefined }, 'control API (WebSocket) listening');
    return where;
  }

  /** `--qmp`: QEMU's plain QMP socket (TCP or Unix path). */
  async listenQmp(addr: ListenAddress, flag = '--qmp'): Promise<string> {
    const server = new QmpSocketServer(this.qmp, this.log.child({ channel: 'qmp' }), { token: this.token });
    this.servers.push(server);
    const where = await server.listen(addr).catch((err: unknown) => {
      throw bindError(flag, addressText(addr), err);
    });
    this.log.info({ address: where }, 'QMP socket listening');
    return where;
  }

  /**
   * Delivers the events still queued, then closes every endpoint (what was sent
   * still reaches its client). With `lingerMs`, connected clients are first
   * given up to that long to hang up on their own, still answered meanwhile:
   * a watcher that saw the migration end can fetch the final figures.
   */
  async close(lingerMs = 0): Promise<void> {
    this.qmp.flushEvents();
    if (lingerMs > 0) await Promise.all(this.servers.map((s) => s.untilClientsLeave(lingerMs)));
    await Promise.all(this.servers.map((s) => s.close()));
  }
}

function addressText(addr: ListenAddress): string {
  return addr.kind === 'unix' ? `unix:${addr.path}` : `${addr.host.includes(':') ? `[${addr.host}]` : addr.host}:${addr.port}`;
}
