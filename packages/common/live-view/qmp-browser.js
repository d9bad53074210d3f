// A QMP client over the daemon's WebSocket control API, for the browser:
// greeting, qmp_capabilities, commands matched to replies by id, events.

export class QmpConnection {
  constructor(url) {
    this.url = url;
    this.greeting = null;
    this.product = '';
    this.role = 'unknown';
    this.open = false;
    this.nextId = 1;
    this.pending = new Map();
    this.eventHandlers = [];
    this.closeHandlers = [];
  }

  /** Resolves once negotiated; rejects if the socket fails first. */
  connect() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url);
      this.ws = ws;
      let negotiated = false;
      ws.onmessage = (m) => {
        const msg = JSON.parse(m.data);
        if (msg.QMP) {
          this.greeting = msg;
          this.product = msg.QMP.version?.package ?? '';
          this.role = this.product.startsWith('livemig-source') ? 'source' : this.product.startsWith('livemig-destination') ? 'destination' : 'unknown';
          this.call('qmp_capabilities').then(() => {
            negotiated = true;
            this.open = true;
            resolve(this);
          }, reject);
          return;
        }
        if (typeof msg.event === 'string') {
          for (const h of this.eventHandlers) h(msg);
          return;
        }
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.error) p.reject(new Error(`${p.command}: ${msg.error.desc}`));
        else p.resolve(msg.return);
      };
      ws.onerror = () => {
        if (!negotiated) reject(new Error(`cannot connect to ${this.url}`));
      };
      ws.onclose = () => {
        this.open = false;
        for (const p of this.pending.values()) p.reject(new Error(`${p.command}: connection closed`));
        this.pending.clear();
        if (!negotiated) reject(new Error(`connection to ${this.url} closed`));
        for (const h of this.closeHandlers) h();
      };
    });
  }

  call(command, args) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.ws.readyState !== WebSocket.OPEN) return reject(new Error(`${command}: not connected`));
      this.pending.set(id, { command, resolve, reject });
      this.ws.send(JSON.stringify(args ? { execute: command, arguments: args, id } : { execute: command, id }));
    });
  }

  onEvent(handler) {
    this.eventHandlers.push(handler);
  }

  onClose(handler) {
    this.closeHandlers.push(handler);
  }
}

/** QMP timestamp → epoch ms. */
export function eventEpochMs(e) {
  return e.timestamp.seconds * 1000 + e.timestamp.microseconds / 1000;
}
