'use strict';
/**
 * `ledger`: an example device type written only against livemig's public
 * device contract (docs/DEVICES.md). A bank of accounts; while the machine
 * runs, transfers move money between two random accounts (the total never
 * changes) and dirty both entries. It migrates iteratively: every entry once,
 * then the entries dirtied since, then the rest at stop. At completion the
 * destination's device tells the source's where its clients should go now.
 *
 *   livemig-source --device-module examples/ledger/ledger.js --device ledger,id=bank,accounts=10000,tps=5000 ...
 */
const { ProtocolError, SectionType } = require('@livemig/common/devices');

/** An entry on the wire: u32 account, i64 balance (cents). */
const ENTRY_BYTES = 12;
const START_BALANCE = 100_000n;

/** @type {import('@livemig/common/devices').DeviceType<any>} */
const ledgerType = {
  name: 'ledger',
  help: 'example: a ledger of accounts whose transfers dirty entries (examples/ledger)',
  keys: {
    accounts: { def: '1024', help: 'number of accounts (2-1M)' },
    tps: { def: '0', help: 'transfers per second while the machine runs' },
  },
  version: 1,
  iterable: true,
  multifd: false,
  parse: (r) => ({ ...r.base, accounts: r.count('accounts', 2, 1 << 20), tps: r.count('tps', 0, 1_000_000) }),
  shape: (spec) => `accounts=${spec.accounts}`,
  create: (spec, role) => new Ledger(spec, role),
};

class Ledger {
  constructor(spec, role) {
    this.type = ledgerType;
    this.version = ledgerType.version;
    this.iterable = true;
    this.spec = spec;
    this.id = spec.id;
    this.balances = new BigInt64Array(spec.accounts);
    if (role === 'source') this.balances.fill(START_BALANCE);
    this.dirty = new Set(); // entries changed since the last sync
    this.toSend = new Set(); // entries this migration must still send
    this.transferred = 0;
    this.movedTo = null;
    this.timer = null;
    this.rng = spec.seed >>> 0 || 1;
  }

  get stateBytes() {
    return this.balances.byteLength;
  }

  // ---- the application: transfers while the machine runs (vm-state-change hook) ----

  vmStateChange(running) {
    clearInterval(this.timer);
    this.timer = null;
    if (!running || this.spec.tps === 0) return;
    let last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      const n = Math.round(((now - last) / 1000) * this.spec.tps);
      last = now;
      for (let i = 0; i < n; i++) this.transfer(this.random() % this.spec.accounts, this.random() % this.spec.accounts, BigInt(this.random() % 500));
    }, 10);
    this.timer.unref();
  }

  transfer(from, to, amount) {
    this.balances[from] -= amount;
    this.balances[to] += amount;
    this.dirty.add(from).add(to);
  }

  random() {
    // xorshift32: repeatable per seed
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (this.rng = x >>> 0);
  }

  // ---- save side ----

  saveSetup(out) {
    this.toSend = new Set(this.balances.keys());
    this.dirty.clear();
    this.transferred = out.write(SectionType.SECTION_START);
  }
  statePendingEstimate() {
    return this.toSend.size * ENTRY_BYTES;
  }
  statePendingExact() {
    for (const e of this.dirty) this.toSend.add(e);
    this.dirty.clear();
    return this.statePendingEstimate();
  }
  initialDataPending() {
    return 0;
  }
  saveLiveIterate(out, budget) {
    let written = 0;
    while (written < budget && this.toSend.size > 0) {
      const n = Math.min(this.toSend.size, 4096, Math.max(1, Math.floor((budget - written) / ENTRY_BYTES)));
      const payload = Buffer.alloc(n * ENTRY_BYTES);
      let i = 0;
      for (const e of this.toSend) {
        if (i === n) break;
        payload.writeUInt32BE(e, i * ENTRY_BYTES);
        payload.writeBigInt64BE(this.balances[e], i * ENTRY_BYTES + 4);
        this.toSend.delete(e);
        i++;
      }
      // The device's own header: how many entries follow (4 bytes).
      const header = Buffer.alloc(4);
      header.writeUInt32BE(n);
      written += out.write(SectionType.SECTION_PART, header, [payload]);
    }
    this.transferred += written;
    return written;
  }
  saveLiveCompletePrecopy(out) {
    this.transferred += out.write(SectionType.SECTION_END);
  }
  saveCleanup() {
    this.toSend.clear();
  }

  // ---- load side ----

  loadSetup() {}
  switchoverAckNeeded() {
    return false;
  }
  decodeHeader(type, version, bytes) {
    if (type !== SectionType.SECTION_PART) return { entries: 0 };
    if (bytes.length !== 4) throw new ProtocolError(`${this.id}: a ledger header is 4 bytes, got ${bytes.length}`);
    return { entries: Buffer.from(bytes.buffer, bytes.byteOffset, 4).readUInt32BE(0) };
  }
  loadState(section) {
    const { entries } = section.header;
    if (section.payloadLength !== entries * ENTRY_BYTES) throw new ProtocolError(`${this.id}: ${entries} entries in ${section.payloadLength} bytes`);
    const data = Buffer.concat(section.payload); // the payload is only valid during this call
    for (let i = 0; i < entries; i++) {
      const account = data.readUInt32BE(i * ENTRY_BYTES);
      if (account >= this.spec.accounts) throw new ProtocolError(`${this.id}: account ${account} of ${this.spec.accounts}`);
      this.balances[account] = data.readBigInt64BE(i * ENTRY_BYTES + 4);
    }
  }
  async loadComplete() {}
  loadCleanup() {
    this.balances.fill(0n);
  }

  // Sent with LOADED; reaches the source device's migrationEnded hook.
  completionMessage() {
    return Buffer.from(`pid ${process.pid}`);
  }
  migrationEnded(outcome) {
    if (outcome.role === 'source' && outcome.completed && outcome.message) this.movedTo = Buffer.from(outcome.message).toString();
  }

  // ---- verify and status ----

  digest() {
    return require('node:crypto').createHash('sha256').update(new Uint8Array(this.balances.buffer)).digest();
  }
  status() {
    let total = 0n;
    for (const b of this.balances) total += b;
    return { id: this.id, type: 'ledger', accounts: this.spec.accounts, total: total.toString(), pending: this.statePendingEstimate(), transferred: this.transferred, 'moved-to': this.movedTo };
  }
}

module.exports = { deviceTypes: [ledgerType], Ledger };
