/**
 * `kv`: a Redis-protocol (RESP2) in-memory store as a livemig device type,
 * written only against the public device contract (@livemig/common's
 * DeviceType / Device, SectionType, ProtocolError).
 *
 * Migration (iterable, not multifd):
 * - START carries the precopy initial data: the key space's size (keys,
 *   bytes). The destination prepares its table from it (allocates the value
 *   arena, touched, and builds its index) asynchronously and, with
 *   switchover-ack, approves switchover when done (the ms reported with the
 *   approval, DEVICE_PREALLOCATED). Without switchover-ack the same work is
 *   awaited by loadComplete, i.e. in the downtime if it is not done by then.
 * - PART sections carry batches of key records (set or delete, expiry in
 *   absolute ms): every key once, then the keys writes dirtied since.
 *   Values go out as views of the store's immutable value Buffers.
 * - END closes the stream. verify digests the whole key space.
 * - precopy-resume (receivedState / resumeFrom): the destination reports,
 *   per key it holds, the entry's hash (key, expiry, value: the term the
 *   store keeps for its digest anyway); the source resends every key whose
 *   current entry hashes otherwise, and a delete for every key held there but
 *   gone here. Comparing content, not "was it sent", covers a dirtied key's
 *   newer copy lost in the break (the destination holds the older one, whose
 *   hash differs) and a lost delete; a PART torn by the break never reached
 *   loadState. No bookkeeping while precopy runs: the cost is one walk of
 *   each side's table at the resume. A key space whose list would pass
 *   HELD_LIST_MAX_BYTES is cleared on the destination instead and sent whole.
 * - While the machine is stopped no command executes (clients' requests wait
 *   as raw bytes); after a completed migration the source forwards every
 *   client to the address the destination device sent in its completion
 *   message.
 */
import {
  ProtocolError,
  SectionType,
  type Device,
  type DeviceRole,
  type DeviceSpec,
  type DeviceStatus,
  type DeviceLogger,
  type DeviceStartContext,
  type DeviceType,
  type IncomingSection,
  type QuiesceContext,
  type LoadContext,
  type MigrationOutcome,
  type SaveContext,
  type SectionKind,
  type SectionWriter,
} from '@livemig/common/devices';
import { KvServer } from './server';
import { Store } from './store';
import { Preparation } from './preparation';
import { RecordReader, RECORD_META, OP_DEL, OP_SET } from './records';

export interface KvSpec extends DeviceSpec {
  readonly host: string;
  readonly port: number;
  readonly keys: number;
  readonly valueSize: number;
  /** Source, `--migrate-to`: how long (ms) the exit waits for forwarded clients to close; 0: not at all. */
  readonly forwardTimeoutMs: number;
}

/** Before start() hands the daemon's logger: stderr, as a plain line (the contract suite, an embedder without start). */
const STDERR_LOG: DeviceLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (o, m) => process.stderr.write(`kv: ${m ?? ''} ${typeof o === 'string' ? o : JSON.stringify(o)}\n`),
  error: (o, m) => process.stderr.write(`kv: ${m ?? ''} ${typeof o === 'string' ? o : JSON.stringify(o)}\n`),
};

/** A wildcard listen address: the destination cannot tell which of its addresses the source reaches. */
const WILDCARD = new Set(['0.0.0.0', '::', '']);

/** Records per PART section (the meta block is RECORD_META bytes each). */
const BATCH_RECORDS = 1024;
/**
 * Records per saveLiveIterate call while the machine runs: the call is
 * synchronous, and clients wait while it runs. 2 batches: measured against 8
 * (6 interleaved runs each, 100k × 512 B, 8 INCR clients, shared host) the
 * longest client gap's median went 256 → 125 ms at the same source CPU.
 */
const RUNNING_CALL_RECORDS = 2 * BATCH_RECORDS;
/**
 * Values up to this size are copied into the batch's buffer with its metas and
 * keys; larger ones go as views of the store's Buffers. A view costs the socket
 * an iovec and Node's writev a JS object each: with one per record, writing a
 * round of 512-byte values took longer than copying them (profiled).
 */
const INLINE_VALUE_BYTES = 1024;
/**
 * Bound on receivedState's key list (keys, 4-byte lengths, 8-byte hashes):
 * well under what the engine inflates of a report (256 MiB). Past it (about
 * 3M keys of 10 bytes) the destination clears its store and the source sends
 * everything, as without the hooks.
 */
const HELD_LIST_MAX_BYTES = 64 * 1024 * 1024;
/** receivedState's first byte: a key list follows, or the store was cleared (too many keys to list). */
const HELD_LIST = 0;
const HELD_CLEARED = 1;
/** Active expiry: every 100 ms, check up to this many keys with a TTL (Redis's cycle, bounded). */
const EXPIRE_SAMPLE = 2000;

function parseListen(text: string | undefined, fail: (m: string) => never): { host: string; port: number } {
  const m = text ? /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(text) : null;
  if (!m) return fail(`listen=${text ?? ''}: expected HOST:PORT`);
  const port = Number(m[3]);
  if (port > 65535) return fail(`listen=${text}: port ${port} is out of range`);
  return { host: (m[1] ?? m[2])!, port };
}

export const kvType: DeviceType<KvSpec> = {
  name: 'kv',
  help: 'a Redis-protocol (RESP2) in-memory key-value store serving real clients on listen=HOST:PORT',
  keys: {
    listen: { def: '127.0.0.1:6379', help: "this side's client address HOST:PORT (port 0: any; see query-devices)" },
    keys: { def: '0', help: 'keys prefilled at start (source)' },
    'value-size': { def: '64', help: 'bytes of each prefilled value' },
    'forward-timeout': { def: '60', help: 'source with --migrate-to: seconds the exit after a completed migration waits for forwarded clients to close (0: exit at once)' },
  },
  version: 1,
  iterable: true,
  multifd: false,
  parse: (r) => {
    const { host, port } = parseListen(r.text('listen'), r.fail);
    return { ...r.base, host, port, keys: r.count('keys', 0, 50_000_000), valueSize: r.size('value-size', 1, 64 * 1024 * 1024), forwardTimeoutMs: r.count('forward-timeout', 0, 86_400) * 1000 };
  },
  // Where clients connect and the prefill are local: a destination loads whatever the source holds.
  shape: () => 'kv',
  create: (spec, role) => new KvDevice(spec, role),
};

export class KvDevice implements Device {
  readonly type = kvType;
  readonly version = kvType.version;
  readonly iterable = true;
  readonly id: string;
  readonly store = new Store();
  readonly server: KvServer;
  private expireTimer: NodeJS.Timeout | null = null;

  // save side
  private toSend = new Set<string>();
  /** The first pass: a walk of the table from setup on, at most bulkLeft more keys (see nextKey). */
  private bulk: Iterator<string> | null = null;
  private bulkLeft = 0;
  /** Reused per batch (no per-batch array). */
  private readonly batchKeys: string[] = [];
  private transferred = 0;
  private switchoverAck = false;
  // load side
  private loadCtx: LoadContext | null = null;
  private prep: Preparation | null = null;
  private loaded = 0;
  private movedTo: string | null = null;
  private log: DeviceLogger = STDERR_LOG;
  /** start() bound the client address: it stays bound until dispose(). */
  private started = false;

  constructor(
    readonly spec: KvSpec,
    readonly role: DeviceRole,
  ) {
    this.id = spec.id;
    this.server = new KvServer(this.store, spec.host, spec.port, STDERR_LOG);
    if (role === 'source') this.prefill();
  }

  get stateBytes(): number {
    return this.store.bytes;
  }

  /** keys=N: key:0..key:N-1 with seeded random printable values. */
  private prefill(): void {
    let x = this.spec.seed >>> 0 || 1;
    for (let i = 0; i < this.spec.keys; i++) {
      const v = Buffer.allocUnsafe(this.spec.valueSize);
      for (let j = 0; j < v.length; j++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        v[j] = 97 + ((x >>> 0) % 26);
      }
      this.store.set(`key:${i}`, v, 0);
    }
  }

  // ---- lifetime: start, quiesce (hold the source's exit), dispose ----

  /**
   * Binds the client address at daemon start-up on both sides, so a port in
   * use is a start-up error (exit 2, naming the device and the address). A
   * destination's clients (forwarded or direct) wait, unexecuted, until the
   * machine runs there.
   */
  async start(ctx: DeviceStartContext): Promise<void> {
    this.log = ctx.log;
    this.server.log = ctx.log;
    await this.server.listen();
    this.started = true;
    this.log.info({ address: this.server.address() }, 'kv: serving clients');
  }

  /**
   * Source, after a completed migration, before a `--migrate-to` process exits:
   * the exit waits until no forwarded client is left (each closed by its client
   * or by the destination), at most forward-timeout; new clients are still
   * accepted and forwarded meanwhile. Then the process exits and closes any left.
   */
  async quiesce(ctx: QuiesceContext): Promise<void> {
    if (!this.movedTo || this.spec.forwardTimeoutMs === 0 || ctx.signal.aborted) return;
    const open = this.server.connections;
    if (open === 0) return;
    this.log.info({ clients: open, to: this.movedTo, timeoutMs: this.spec.forwardTimeoutMs }, 'kv: holding the exit until the forwarded clients close');
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const outcome = await Promise.race([
      this.server.whenIdle().then(() => 'idle' as const),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.spec.forwardTimeoutMs))),
      new Promise<'aborted'>((resolve) => ctx.signal.addEventListener('abort', (onAbort = () => resolve('aborted')), { once: true })),
    ]);
    clearTimeout(timer);
    if (onAbort) ctx.signal.removeEventListener('abort', onAbort);
    if (outcome === 'idle') this.log.info('kv: no forwarded client left');
    else this.log.warn({ clients: this.server.connections, reason: outcome }, 'kv: exiting with forwarded clients still open (they are closed)');
  }

  /** Daemon shutdown: stop listening, close every client (and its upstream), stop the expiry cycle. */
  dispose(): void {
    clearInterval(this.expireTimer ?? undefined);
    this.expireTimer = null;
    this.prep?.cancel();
    this.server.close();
    this.started = false;
  }

  // ---- run state (vm-state-change) ----

  vmStateChange(running: boolean): void {
    clearInterval(this.expireTimer ?? undefined);
    this.expireTimer = null;
    if (running) {
      void this.server.listen(); // already bound by start() in a daemon; a failure is logged
      this.expireTimer = setInterval(() => this.store.activeExpire(Date.now(), EXPIRE_SAMPLE), 100);
      this.expireTimer.unref();
    }
    // Stopped: requests wait unexecuted (held as bytes) until the machine runs
    // again here, or until they are forwarded to the destination.
    this.server.setRunning(running);
  }

  migrationEnded(outcome: MigrationOutcome): void {
    if (outcome.role === 'source' && outcome.completed && outcome.message) {
      const text = Buffer.from(outcome.message).toString();
      const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d+)$/.exec(text);
      if (!m) {
        this.log.warn({ message: text }, 'kv: the destination sent no client address: clients are not forwarded');
        return;
      }
      let host = (m[1] ?? m[2])!;
      // A destination listening on a wildcard address: forward to the host this
      // source reached it at (the migration URI's), the one address known to work.
      if (WILDCARD.has(host)) host = outcome.peerHost ?? (host === '::' ? '::1' : '127.0.0.1');
      this.movedTo = `${host.includes(':') ? `[${host}]` : host}:${m[3]}`;
      this.log.info({ to: this.movedTo, clients: this.server.connections }, 'kv: forwarding clients to the destination');
      this.server.forward({ host, port: Number(m[3]) });
    }
  }

  // ---- save side ----

  saveSetup(out: SectionWriter, ctx: SaveContext): void {
    this.switchoverAck = ctx.switchoverAck;
    this.store.dirty = new Set();
    this.toSend = new Set();
    // The first pass walks the table itself, not a copy of its keys (copying 100 000
    // keys into a Set took over 100 ms of the event loop: a client-seen pause).
    this.bulk = this.store.map.keys();
    this.bulkLeft = this.store.size;
    // Precopy initial data: the key space's size, so the destination prepares.
    const h = Buffer.alloc(17);
    h.writeDoubleBE(this.store.size, 0);
    h.writeDoubleBE(this.store.bytes, 8);
    h.writeUInt8(ctx.switchoverAck ? 1 : 0, 16);
    this.transferred = out.write(SectionType.SECTION_START, h);
  }

  private avgRecordBytes(): number {
    return RECORD_META + (this.store.size > 0 ? this.store.bytes / this.store.size : 16);
  }

  statePendingEstimate(): number {
    return Math.ceil((this.toSend.size + this.bulkLeft) * this.avgRecordBytes());
  }

  statePendingExact(): number {
    const d = this.store.dirty;
    if (d) {
      for (const k of d) this.toSend.add(k);
      d.clear();
    }
    return this.statePendingEstimate();
  }

  initialDataPending(): number {
    return 0; // the initial data goes in START, at setup
  }

  /**
   * The next key to send: the dirty ones first, then the first pass's walk of
   * the table. That walk yields the keys present at setup before any key added
   * since (a Map iterates in insertion order; a key deleted and set again moves
   * to the end), so it stops after as many keys as the table held: every later
   * one is dirty, hence in toSend, and a deleted one is dirty too.
   */
  private nextKey(): string | null {
    for (const k of this.toSend) {
      this.toSend.delete(k);
      return k;
    }
    if (!this.bulk) return null;
    const r = this.bulk.next();
    if (r.done || --this.bulkLeft <= 0) {
      this.bulk = null;
      this.bulkLeft = 0;
    }
    return r.done ? null : r.value;
  }

  saveLiveIterate(out: SectionWriter, budget: number, final: boolean): number {
    let written = 0;
    let records = 0;
    const map = this.store.map;
    const keys = this.batchKeys;
    while (written < budget && (final || records < RUNNING_CALL_RECORDS)) {
      // The batch's keys, then one buffer for the metas, the keys and the small values;
      // a large value goes as a view of the store's Buffer between two slices of it.
      keys.length = 0;
      let bytes = 0;
      let packed = 0;
      while (keys.length < BATCH_RECORDS && (keys.length === 0 || written + bytes < budget)) {
        const k = this.nextKey();
        if (k === null) break;
        keys.push(k);
        const vlen = map.get(k)?.value.length ?? 0;
        bytes += RECORD_META + k.length + vlen;
        packed += RECORD_META + k.length + (vlen <= INLINE_VALUE_BYTES ? vlen : 0);
      }
      const n = keys.length;
      if (n === 0) break;
      const buf = Buffer.allocUnsafe(packed);
      const payload: Buffer[] = [];
      let at = n * RECORD_META;
      let from = 0;
      for (let i = 0; i < n; i++) {
        const k = keys[i]!;
        const e = map.get(k);
        const o = i * RECORD_META;
        const vlen = e ? e.value.length : 0;
        buf.writeUInt8(e ? OP_SET : OP_DEL, o);
        buf.writeUInt32BE(k.length, o + 1); // keys are latin1 strings: one byte per char
        buf.writeUInt32BE(vlen, o + 5);
        buf.writeDoubleBE(e ? e.expireAt : 0, o + 9);
        at += buf.write(k, at, k.length, 'latin1');
        if (vlen === 0) continue;
        if (vlen <= INLINE_VALUE_BYTES) {
          at += e!.value.copy(buf, at);
        } else {
          // The value itself, not a copy: values are immutable (a write makes a new Buffer).
          payload.push(buf.subarray(from, at), e!.value);
          from = at;
        }
      }
      if (at > from) payload.push(buf.subarray(from, at));
      records += n;
      const h = Buffer.allocUnsafe(4);
      h.writeUInt32BE(n, 0);
      written += out.write(SectionType.SECTION_PART, h, payload);
    }
    this.transferred += written;
    return written;
  }

  /**
   * precopy-resume, source: the destination holds `held` (its receivedState()).
   * From now on what goes is exactly what differs: keys whose entry there
   * hashes otherwise (or is missing) and deletes for keys it holds that are
   * gone here; the first pass's walk is no longer needed (this compares every
   * key). Writes from here on are dirty-tracked as before. Returns the record
   * bytes the destination lacked.
   */
  resumeFrom(held: Uint8Array): number {
    const b = Buffer.from(held.buffer, held.byteOffset, held.byteLength);
    const map = this.store.map;
    const toSend = new Set<string>();
    let lacking = 0;
    const add = (k: string): void => {
      toSend.add(k);
      lacking += RECORD_META + k.length + (map.get(k)?.value.length ?? 0);
    };
    if (b.length < 1 || (b[0] !== HELD_LIST && b[0] !== HELD_CLEARED)) throw new ProtocolError(`${this.id}: kv held-state report: bad kind`);
    if (b[0] === HELD_CLEARED) {
      for (const k of map.keys()) add(k);
    } else {
      const there = new Map<string, bigint>();
      let o = 1;
      while (o < b.length) {
        if (o + 4 > b.length) throw new ProtocolError(`${this.id}: kv held-state report cut in a key length`);
        const klen = b.readUInt32BE(o);
        if (o + 4 + klen + 8 > b.length) throw new ProtocolError(`${this.id}: kv held-state report cut in a key`);
        const k = b.toString('latin1', o + 4, o + 4 + klen);
        there.set(k, b.readBigUInt64BE(o + 4 + klen));
        o += 4 + klen + 8;
      }
      for (const [k, e] of map) if (there.get(k) !== e.h) add(k);
      for (const k of there.keys()) if (!map.has(k)) add(k);
    }
    this.toSend = toSend;
    this.bulk = null;
    this.bulkLeft = 0;
    return lacking;
  }

  saveLiveCompletePrecopy(out: SectionWriter): void {
    this.transferred += out.write(SectionType.SECTION_END);
  }

  saveCleanup(): void {
    this.toSend.clear();
    this.bulk = null;
    this.bulkLeft = 0;
    this.store.dirty = null;
  }

  // ---- load side ----

  loadSetup(ctx: LoadContext): void {
    this.loadCtx = ctx;
    // Clients the source forwards after the switchover connect here; their
    // requests wait until the machine runs on this side.
    void this.server.listen(); // already bound by start() in a daemon; a failure is logged
    // The incoming migration replaces whatever the store holds.
    this.store.clear();
    this.loaded = 0;
  }

  switchoverAckNeeded(): boolean {
    return true;
  }

  decodeHeader(type: SectionKind, _version: number, bytes: Uint8Array): unknown {
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (type === SectionType.SECTION_START) {
      if (b.length !== 17) throw new ProtocolError(`${this.id}: kv START header is 17 bytes, got ${b.length}`);
      return { keys: b.readDoubleBE(0), bytes: b.readDoubleBE(8), ack: b[16] === 1 };
    }
    if (type === SectionType.SECTION_PART) {
      if (b.length !== 4) throw new ProtocolError(`${this.id}: kv PART header is 4 bytes, got ${b.length}`);
      return { records: b.readUInt32BE(0) };
    }
    return {};
  }

  loadState(section: IncomingSection): void {
    if (section.type === SectionType.SECTION_START) {
      const h = section.header as { keys: number; bytes: number; ack: boolean };
      if (!Number.isSafeInteger(h.keys) || !Number.isSafeInteger(h.bytes) || h.keys < 0 || h.bytes < 0) throw new ProtocolError(`${this.id}: bad key-space size`);
      if (h.ack && !this.loadCtx?.switchoverAck) throw new ProtocolError(`${this.id}: initial data marked for switchover-ack, which is not on`);
      const ctx = this.loadCtx!;
      this.prep = new Preparation(h.keys, h.bytes, (done, total) => ctx.progress(this.id, done, total));
      if (h.ack) {
        const prep = this.prep;
        void prep.done.then(
          (ms) => {
            if (this.prep === prep) ctx.approveSwitchover(this.id, ms);
          },
          () => undefined,
        );
      }
      return;
    }
    if (section.type !== SectionType.SECTION_PART) return;
    const { records } = section.header as { records: number };
    const r = new RecordReader(section.payload, this.id);
    const metas = r.take(records * RECORD_META);
    const prep = this.prep;
    for (let i = 0; i < records; i++) {
      const o = i * RECORD_META;
      const op = metas[o]!;
      const klen = metas.readUInt32BE(o + 1);
      const vlen = metas.readUInt32BE(o + 5);
      const expireAt = metas.readDoubleBE(o + 9);
      const k = r.take(klen).toString('latin1');
      if (op === OP_DEL) {
        if (vlen !== 0) throw new ProtocolError(`${this.id}: a delete record with a value`);
        this.store.delete(k);
      } else if (op === OP_SET) {
        if (!Number.isSafeInteger(expireAt) || expireAt < 0) throw new ProtocolError(`${this.id}: bad expiry ${expireAt}`);
        // Copied once, into the prepared arena when there is room.
        const dst = prep?.slot(vlen) ?? Buffer.allocUnsafe(vlen);
        r.copyInto(dst);
        this.store.set(k, dst, expireAt);
      } else throw new ProtocolError(`${this.id}: unknown record op ${op}`);
      this.loaded++;
    }
    if (r.remaining !== 0) throw new ProtocolError(`${this.id}: ${r.remaining} bytes after ${records} records`);
  }

  /**
   * precopy-resume, destination: what this store holds of the paused
   * migration, per key its entry's hash (see resumeFrom). Only whole PART
   * sections were loaded (kv takes no payload in place), so all of it is
   * held. Too many keys to list: the store is cleared (it never served a
   * client: the machine has not run here) and the source sends everything.
   */
  receivedState(): Uint8Array {
    let bytes = 1;
    for (const k of this.store.map.keys()) bytes += 4 + k.length + 8;
    if (bytes > HELD_LIST_MAX_BYTES) {
      this.store.clear();
      return Uint8Array.of(HELD_CLEARED);
    }
    const b = Buffer.allocUnsafe(bytes);
    b[0] = HELD_LIST;
    let o = 1;
    for (const [k, e] of this.store.map) {
      b.writeUInt32BE(k.length, o);
      o += 4;
      o += b.write(k, o, k.length, 'latin1');
      b.writeBigUInt64BE(e.h, o);
      o += 8;
    }
    return b;
  }

  async loadComplete(): Promise<void> {
    // Without switchover-ack the preparation is awaited here: in the downtime.
    await this.prep?.done;
  }

  loadCleanup(): void {
    this.prep?.cancel();
    this.prep = null;
    this.store.clear();
    this.loadCtx = null;
    // A failed incoming migration without start() (no daemon: nothing owns the
    // listener): nothing to serve, the next stream listens again. A started
    // device keeps its address bound until dispose().
    if (!this.started && !this.server.running) this.server.close();
  }

  completionMessage(): Uint8Array {
    // Where the source forwards its clients: this side's client address as
    // bound. A wildcard host stays one: the source puts in the host it reached
    // this destination at (MigrationOutcome.peerHost).
    return Buffer.from(this.server.address());
  }

  // ---- verify, status ----

  digest(): Buffer {
    // The store keeps its digest as it changes (the sum of its entries' hashes): no work at
    // switchover. With the count and bytes beside it.
    const d = Buffer.allocUnsafe(24);
    d.writeBigUInt64BE(this.store.sum, 0);
    d.writeDoubleBE(this.store.size, 8);
    d.writeDoubleBE(this.store.bytes, 16);
    return d;
  }

  status(): DeviceStatus {
    return {
      id: this.id,
      type: 'kv',
      listen: this.server.address(),
      ...(this.server.listenError ? { 'listen-error': this.server.listenError } : {}),
      keys: this.store.size,
      bytes: this.store.bytes,
      clients: this.server.connections,
      'clients-total': this.server.connectionsTotal,
      commands: this.server.commands,
      pending: this.statePendingEstimate(),
      transferred: this.transferred,
      loaded: this.loaded,
      'moved-to': this.movedTo,
      forwarded: this.server.forwarded,
      'switchover-ack': this.switchoverAck,
    };
  }
}
