/**
 * A daemon's control endpoints: the QMP WebSocket (with the live view) and
 * plain QMP sockets, all serving one dispatcher, opened on request and closed
 * together. Both daemons use it the same way.
 */
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

  /** `--control`: QMP over WebSocket, plus the live view on plain HTTP GETs. */
  async listenControl(addr: ListenAddress): Promise<string> {
    const log = this.log.child({ channel: 'control' });
    const server = new WsControlServer(this.qmp, log, liveViewHandler((err, path) => log.warn({ err, path }, 'live view asset unavailable')), { token: this.token });
    this.servers.push(server);
    const where = await server.listen(addr);
    this.log.info({ address: where, url: addr.kind === 'tcp' ? `http://${where}/` : undefined }, 'control API (WebSocket) listening');
    return where;
  }

  /** `--qmp`: QEMU's plain QMP socket (TCP or Unix path). */
  async listenQmp(addr: ListenAddress): Promise<string> {
    const server = new QmpSocketServer(this.qmp, this.log.child({ channel: 'qmp' }), { token: this.token });
    this.servers.push(server);
    const where = await server.listen(addr);
    this.log.info({ address: where }, 'QMP socket listening');
    return where;
  }

  /** Delivers the events still queued, then closes every endpoint (what was sent still reaches its client). */
  async close(): Promise<void> {
    this.qmp.flushEvents();
    await Promise.all(this.servers.map((s) => s.close()));
  }
}
