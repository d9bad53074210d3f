/**
 * One incoming connection before it is anything (QEMU's incoming channel
 * before migration_ioc_process_incoming decides what it is): the stream
 * header, the shared-secret challenge, the configuration. It holds a socket,
 * its reader and its return direction — no device, no machine, no migration
 * state — so whatever it does or fails to do (silence, garbage, a timeout, a
 * disconnect, eviction) ends here: it is refused with a SHUT naming why and
 * forgotten. Only once it is accepted is the connection handed on, to the
 * migration (the main channel, after the daemon granted the one migration
 * slot) or to the migration its header names (a multifd channel).
 *
 *   header ─┬─→ [auth] → config ─→ accepted       (main channel)
 *           ├─→ [auth] ──────────→ resumed        (precopy-resume: a paused migration's source is back)
 *           └─→ [channel-auth] ──→ attached       (multifd channel)
 *     every phase ─────────────────→ refused
 *
 * header:       StreamHeader, right magic and version, within HEADER_TIMEOUT_MS
 *               of the accept (a real source sends it at once).
 * auth:         AuthResponse to our challenge (main channel).
 * config:       Configuration equal to ours; the daemon grants the slot.
 * channel-auth: a multifd channel's own challenge, bound to its migration id
 *               and index.
 * resumed:      the header named a paused migration (StreamHeader.resume) and
 *               the source proved the secret as at setup: no configuration
 *               (the migration has it); handed to that migration. Another
 *               migration id, or none paused, is refused and harms nothing.
 * abandons:     a new migration's header may name earlier migrations of its
 *               source that ended there before their commit
 *               (StreamHeader.abandons); once it passed [auth] (as strong a
 *               proof as a resume's: the id and the secret), the daemon
 *               discards the current incoming migration if it is one of them
 *               and never switched over, then the configuration goes on as
 *               usual. Before auth they are only held, so a connection without
 *               the secret discards nothing.
 * The whole handshake must end within stall-timeout (HANDSHAKE_TIMEOUT_MS when
 * off). No frame may carry a payload here: nothing is buffered before a
 * connection said what it is.
 */
import type { Socket } from 'node:net';
import { ConnectionError, ProtocolError, StallError, StateError, toMigError, type MigError } from '@livemig/common/errors';
import {
  HEADER_TIMEOUT_MS,
  MAX_ABANDONED_IDS,
  STREAM_MAGIC,
  STREAM_VERSION,
  type ChunkInput,
  type ConfigurationMessage,
  type DecodedFrame,
  type DecodedFrameMessage,
} from '@livemig/common/wire';
import { type Logger } from '@livemig/common/daemon';
import { challengeFor, checkAnswer, type PendingAuth } from './destination-auth';
import { lingeringClose } from './lingering-close';
import { reached } from './probes';
import { ReturnPathWriter } from './return-path-writer';
import { StreamReader, type ReaderOwner } from './stream-reader';

/** A connection whose handshake succeeded, as handed on. */
export interface AcceptedConnection {
  readonly socket: Socket;
  readonly reader: StreamReader;
  readonly rp: ReturnPathWriter;
  readonly peer: string;
}

export interface ChannelHello {
  readonly migrationId: Buffer;
  readonly channel: number;
}

/** A place for one multifd channel in the migration its header named, while it proves itself. */
export interface ChannelSlot {
  /** The channel proved itself (or no secret is configured): takes its index, or says why not. */
  claim(): string | null;
  /** After claim(): the channel becomes the migration's. */
  attach(conn: AcceptedConnection): void;
  /** The channel failed its handshake: its place goes. */
  release(): void;
}

/** The daemon's side of a handshake. */
export interface HandshakeOwner {
  readonly authSecret: Buffer | null;
  /** Bound on the whole handshake (ms), read when it starts. */
  limitMs(): number;
  /** Compares the source's configuration with this destination's; throws ConfigMismatchError. */
  checkConfiguration(config: ConfigurationMessage): void;
  /** Asks for the one migration slot: null grants it, a reason refuses. */
  claim(): string | null;
  /** The slot is granted: the migration takes the connection, now (from inside the frame callback). */
  accepted(conn: AcceptedConnection, config: ConfigurationMessage): void;
  /** A multifd channel's header: a place in the migration it names, or why not. */
  channel(h: Handshake, hello: ChannelHello): ChannelSlot | string;
  /**
   * precopy-resume: the header names the paused migration `migrationId`:
   * null lets the handshake go on (the migration is recovering now), a reason refuses it.
   */
  recoverBegins(h: Handshake, migrationId: Buffer): string | null;
  /**
   * A new migration's source proved itself (or no secret is configured) and named
   * earlier migrations of its own that ended before their commit: the current
   * incoming migration goes if it is one of them and has not switched over.
   */
  abandoned(h: Handshake, migrationIds: readonly Buffer[]): void;
  /** The resume's handshake is done: the paused migration takes the connection, now. */
  resumed(h: Handshake, conn: AcceptedConnection): void;
  /** Handed on or refused: the daemon forgets this handshake. */
  ended(h: Handshake): void;
}

type HandshakeState =
  | { readonly phase: 'header' }
  | { readonly phase: 'auth'; readonly pending: PendingAuth; readonly resume: boolean; readonly abandons: readonly Buffer[] }
  | { readonly phase: 'config' }
  | { readonly phase: 'channel-auth'; readonly pending: PendingAuth; readonly slot: ChannelSlot }
  | { readonly phase: 'accepted' }
  | { readonly phase: 'attached' }
  | { readonly phase: 'resumed' }
  | { readonly phase: 'refused'; readonly error: MigError };

export type HandshakePhase = HandshakeState['phase'];

const TRANSITIONS: Readonly<Record<HandshakePhase, readonly HandshakePhase[]>> = {
  header: ['auth', 'config', 'channel-auth', 'attached', 'resumed', 'refused'],
  auth: ['config', 'resumed', 'refused'],
  config: ['accepted', 'refused'],
  'channel-auth': ['attached', 'refused'],
  accepted: [],
  attached: [],
  resumed: [],
  refused: [],
};

/** One read during the handshake takes at most this much: its frames are small (a header is ≤ MAX_HEADER_BYTES). */
const HANDSHAKE_READ_BYTES = 64 * 1024;
/** What a refused connection may still send (read and dropped, so the SHUT is not overtaken by a reset) before reading stops. */
const REFUSED_DRAIN_BYTES = 64 * 1024;

export class Handshake implements ReaderOwner {
  readonly peer: string;
  readonly acceptedAt = performance.now();
  private readonly socket: Socket;
  private readonly owner: HandshakeOwner;
  private readonly log: Logger;
  private readonly rp: ReturnPathWriter;
  private readonly reader: StreamReader;
  private state: HandshakeState = { phase: 'header' };
  private readonly limit: number;
  private headerTimer: NodeJS.Timeout | null = null;
  private limitTimer: NodeJS.Timeout | null = null;
  /** Its header's abandons were acted on: a close before the configuration is a source's notice (abandon-notice.ts), not a failure. */
  private abandonsTaken = false;
  private readonly onError = (err: Error): void => this.fail(toMigError(err));
  private readonly onClose = (): void => {
    const partial = this.reader.atFrameBoundary ? '' : `, in the middle of a frame (${this.reader.pendingBytes} bytes of it received)`;
    this.fail(new ConnectionError(`connection closed by the source during ${this.phase}${partial}`));
  };

  constructor(socket: Socket, input: ChunkInput | null, peer: string, owner: HandshakeOwner, log: Logger) {
    this.socket = input?.socket ?? socket;
    this.peer = peer;
    this.owner = owner;
    this.log = log;
    this.rp = new ReturnPathWriter(this.socket);
    this.reader = new StreamReader(this.socket, input, this);
    this.limit = owner.limitMs();
  }

  get phase(): HandshakePhase {
    return this.state.phase;
  }

  /** The reason it was refused (null while in progress or once handed on). */
  get error(): MigError | null {
    return this.state.phase === 'refused' ? this.state.error : null;
  }

  /** Sent a valid header: further along than a connection that has not said what it is (eviction spares it longer). */
  get identified(): boolean {
    return this.state.phase !== 'header';
  }

  start(): void {
    this.socket.on('error', this.onError);
    // 'end' (the source's FIN; the server allows half-open sockets, so our SHUT can still go out) or 'close'.
    this.socket.on('end', this.onClose);
    this.socket.on('close', this.onClose);
    const headerMs = Math.min(HEADER_TIMEOUT_MS, this.limit);
    this.headerTimer = setTimeout(() => this.fail(new StallError(`handshake not completed within ${headerMs} ms (no stream header yet)`)), headerMs);
    this.limitTimer = setTimeout(() => this.fail(new StallError(`handshake not completed within ${this.limit} ms (stuck in ${this.phase})`)), this.limit);
    this.headerTimer.unref();
    this.limitTimer.unref();
    this.reader.start();
    reached('accept', this.socket, (err) => this.fail(err));
  }

  /** Makes room for a newer connection (all handshake slots taken). */
  evict(reason: string): void {
    this.fail(new StateError(reason));
  }

  // ---- ReaderOwner ----

  finished(): boolean {
    return this.phase === 'accepted' || this.phase === 'attached' || this.phase === 'resumed' || this.phase === 'refused';
  }

  /** Nothing in a handshake has a payload: refused when the header states one, before a byte of it is buffered. */
  payloadTargets(msg: DecodedFrameMessage, length: number): Buffer[] | null {
    throw new ProtocolError(`'${msg.body ?? 'unknown'}' frame with a ${length}-byte payload during the handshake (${this.phase})`);
  }

  arrived(): void {}

  readLimit(): number {
    return HANDSHAKE_READ_BYTES;
  }

  loaded(): void {}

  fail(err: MigError): void {
    if (this.finished()) return;
    const slot = this.state.phase === 'channel-auth' ? this.state.slot : null;
    const notice = this.abandonsTaken && this.state.phase === 'config' && err.code === 'MIG_ERR_CONNECTION';
    this.state = { phase: 'refused', error: err };
    this.stopTimers();
    slot?.release();
    this.rp.shutQuietly(false, err.code, err.message);
    this.reader.drain(REFUSED_DRAIN_BYTES);
    lingeringClose(this.socket, undefined, { read: false });
    if (notice) this.log.info('the source closed after naming the migrations it gave up on (a notice, not a migration)');
    else this.log.warn({ code: err.code, err: err.message }, 'connection refused before it became a migration');
    this.owner.ended(this);
  }

  handleFrame(frame: DecodedFrame<DecodedFrameMessage>): void {
    const msg = frame.message;
    const state = this.state;
    switch (state.phase) {
      case 'header':
        return this.onHeader(msg);
      case 'auth':
        checkAnswer(state.pending, msg);
        this.log.info('source authenticated (shared secret)');
        if (state.resume) return this.handOn('resumed', () => this.owner.resumed(this, this.connection()));
        if (state.abandons.length > 0) this.abandon(state.abandons);
        this.go({ phase: 'config' });
        return;
      case 'config':
        return this.onConfiguration(msg);
      case 'channel-auth':
        checkAnswer(state.pending, msg);
        return this.attachChannel(state.slot);
      default:
        // Handed on or refused: the reader no longer calls here.
        return;
    }
  }

  private onHeader(msg: DecodedFrameMessage): void {
    if (msg.body !== 'header' || !msg.header) throw new ProtocolError(`not a livemig stream: expected a stream header, got '${msg.body ?? 'unknown'}'`);
    const h = msg.header;
    if (h.magic !== STREAM_MAGIC) throw new ProtocolError(`not a livemig stream: bad magic 0x${(h.magic ?? 0).toString(16)}`);
    if (h.version !== STREAM_VERSION) throw new ProtocolError(`unsupported stream version ${h.version} (this destination speaks ${STREAM_VERSION})`);
    if (this.headerTimer) clearTimeout(this.headerTimer);
    this.headerTimer = null;
    reached('header', this.socket, (err) => this.fail(err));
    if (this.finished()) return;
    const nonce = h.authNonce ?? null;
    if (h.multifd) {
      const hello: ChannelHello = { migrationId: Buffer.from(h.multifd.migrationId ?? []), channel: h.multifd.channel ?? 0 };
      const slot = this.owner.channel(this, hello);
      if (typeof slot === 'string') throw new StateError(slot);
      let auth;
      try {
        auth = challengeFor(this.owner.authSecret, nonce, { migrationId: hello.migrationId, channel: hello.channel });
      } catch (err) {
        slot.release();
        throw err;
      }
      if (!auth) return this.attachChannel(slot);
      this.go({ phase: 'channel-auth', pending: auth.pending, slot });
      this.rp.send({ authChallenge: auth.challenge });
      return;
    }
    const resume = h.resume ? Buffer.from(h.resume.migrationId ?? []) : null;
    const abandons = (h.abandons ?? []).map((id) => Buffer.from(id));
    if (abandons.length > 0 && resume) throw new ProtocolError('a resume header names migrations it abandons: only a new migration does');
    if (abandons.length > MAX_ABANDONED_IDS) throw new ProtocolError(`the header names ${abandons.length} abandoned migrations (at most ${MAX_ABANDONED_IDS})`);
    if (resume) {
      const refused = this.owner.recoverBegins(this, resume);
      if (refused !== null) throw new StateError(refused);
    }
    const auth = challengeFor(this.owner.authSecret, nonce);
    if (auth) {
      this.go({ phase: 'auth', pending: auth.pending, resume: resume !== null, abandons });
      this.rp.send({ authChallenge: auth.challenge });
    } else if (resume) this.handOn('resumed', () => this.owner.resumed(this, this.connection()));
    else {
      if (abandons.length > 0) this.abandon(abandons);
      this.go({ phase: 'config' });
    }
  }

  /** The source proved itself (or needs not): the daemon discards what it names. */
  private abandon(ids: readonly Buffer[]): void {
    this.abandonsTaken = true;
    this.owner.abandoned(this, ids);
  }

  private onConfiguration(msg: DecodedFrameMessage): void {
    if (msg.body !== 'configuration' || !msg.configuration) throw new ProtocolError(`configuration section missing: got '${msg.body ?? 'unknown'}'`);
    const config = msg.configuration;
    this.owner.checkConfiguration(config);
    const refused = this.owner.claim();
    if (refused !== null) throw new StateError(refused);
    this.handOn('accepted', () => this.owner.accepted(this.connection(), config));
  }

  private attachChannel(slot: ChannelSlot): void {
    const taken = slot.claim();
    if (taken !== null) throw new StateError(taken);
    this.handOn('attached', () => slot.attach(this.connection()));
  }

  private connection(): AcceptedConnection {
    return { socket: this.socket, reader: this.reader, rp: this.rp, peer: this.peer };
  }

  /** Gives the connection away: its timers and listeners are no longer this handshake's. */
  private handOn(phase: 'accepted' | 'attached' | 'resumed', take: () => void): void {
    this.go({ phase });
    this.stopTimers();
    this.socket.off('error', this.onError);
    this.socket.off('end', this.onClose);
    this.socket.off('close', this.onClose);
    this.owner.ended(this);
    take();
  }

  private go(next: HandshakeState): void {
    if (!TRANSITIONS[this.state.phase].includes(next.phase)) throw new StateError(`handshake cannot go from ${this.state.phase} to ${next.phase}`);
    this.state = next;
  }

  private stopTimers(): void {
    if (this.headerTimer) clearTimeout(this.headerTimer);
    if (this.limitTimer) clearTimeout(this.limitTimer);
    this.headerTimer = null;
    this.limitTimer = null;
  }
}
