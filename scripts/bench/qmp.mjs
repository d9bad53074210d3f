/**
 * A minimal client for the daemons' plain QMP socket (newline-delimited JSON,
 * QEMU's framing): greeting, qmp_capabilities, commands by id, events kept
 * and waitable. Every wait also ends when the connection closes.
 */
import { connect } from 'node:net';
import { once } from 'node:events';

export class QmpClient {
  constructor(socket) {
    this.socket = socket;
    this.events = [];
    this.pending = new Map();
    this.waiters = [];
    this.nextId = 1;
    this.closed = false;
    let partial = '';
    socket.setEncoding('utf8');
    socket.on('data', (text) => {
      partial += text;
      let nl;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl).trim();
        partial = partial.slice(nl + 1);
        if (line) this.onMessage(JSON.parse(line));
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      for (const [, p] of this.pending) p.reject(new Error('QMP connection closed'));
      this.pending.clear();
      for (const w of this.waiters) w.reject(new Error('QMP connection closed'));
      this.waiters = [];
    });
  }

  static async connect(address) {
    const i = address.lastIndexOf(':');
    const socket = connect({ host: address.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(address.slice(i + 1)) });
    await once(socket, 'connect');
    const c = new QmpClient(socket);
    await c.call('qmp_capabilities');
    return c;
  }

  onMessage(msg) {
    if ('QMP' in msg) return;
    if ('event' in msg) {
      this.events.push(msg);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(msg)) return true;
        w.resolve(msg);
        return false;
      });
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if ('error' in msg) p.reject(new Error(`${p.command}: ${msg.error.desc}`));
    else p.resolve(msg.return);
  }

  call(command, args) {
    if (this.closed) return Promise.reject(new Error('QMP connection closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, command });
      this.socket.write(`${JSON.stringify(args ? { execute: command, arguments: args, id } : { execute: command, id })}\n`);
    });
  }

  /** The first event (already seen or future) matching `pred`. */
  waitEvent(pred) {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    if (this.closed) return Promise.reject(new Error('QMP connection closed'));
    return new Promise((resolve, reject) => this.waiters.push({ pred, resolve, reject }));
  }

  close() {
    this.socket.destroy();
  }
}
