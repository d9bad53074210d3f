/**
 * The connections of one outgoing migration to its destination, and every
 * wait on them. The first fatal error (return path, connection loss, stall
 * watchdog, multifd channel) aborts the link and wakes whatever waits; every
 * wait ends on progress (notify), on that abort or on a timeout, so none can
 * hang. Also how a failure is described: the first recorded cause wins over
 * what the loop tripped on afterwards, and a raw socket error becomes a
 * connection loss naming the phase.
 */
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { ConnectionError, MigError, toMigError, type CancelledError } from '@livemig/common/errors';
import type { MigrationChannels } from './migration-channels';
import type { MigrationStream } from './migration-stream';
import type { StallWatchdog } from './stall-watchdog';
import { Wakeup } from './wakeup';

/** How long a connection failure waits for the destination's SHUT naming the cause. */
const PEER_REASON_GRACE_MS = 500;

/** What the link reads of its migration. */
export interface LinkOwner {
  readonly finished: boolean;
  /** Where the migration is, for error messages. */
  readonly phase: string;
}

export class DestinationLink {
  private abort = new AbortController();
  readonly wakeup = new Wakeup();
  socket: Socket | null = null;
  socketError: Error | null = null;
  stream: MigrationStream | null = null;
  /** The main channel plus, with multifd, the page channels. */
  channels: MigrationChannels | null = null;
  watchdog: StallWatchdog | null = null;
  /** OPEN_RETURN_PATH is out and nothing final came back: keepalive PINGs may go. */
  pinging = false;
  /** What the source waits for from the destination, when only its answer shows progress. */
  awaiting: string | null = null;
  private readonly owner: LinkOwner;

  constructor(owner: LinkOwner) {
    this.owner = owner;
  }

  /** Aborted on cancel or on the first fatal error (its reason). */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  checkAbort(): void {
    if (this.abort.signal.aborted) throw this.abort.signal.reason;
  }

  /** Waits until `cond` holds; ends early (throws) on cancel, failure or stall. */
  async waitFor(cond: () => boolean): Promise<void> {
    while (!cond()) {
      this.checkAbort();
      await this.wakeup.wait(1000);
    }
    this.checkAbort();
  }

  /**
   * waitFor, naming what only the destination's answer can show progress on
   * (the watchdog then expects that answer, and the phase names it). On
   * failure the name stays, so the error says what was awaited.
   */
  async waitForPeer(what: string, cond: () => boolean): Promise<void> {
    this.awaiting = what;
    await this.waitFor(cond);
    this.awaiting = null;
  }

  /** migrate_cancel: aborts every wait and drops the main connection. */
  cancel(err: CancelledError): void {
    this.abort.abort(err);
    this.socket?.destroy();
    this.wakeup.notify();
  }

  /** Records a fatal error from outside the loop (return path, socket, watchdog) and wakes the loop. */
  fatal(err: MigError): void {
    if (this.abort.signal.aborted || this.owner.finished) return;
    this.abort.abort(err);
    this.destroy();
    this.wakeup.notify();
  }

  /**
   * precopy-resume: the connections broke and the migration pauses. Drops
   * them and starts afresh (a new abort, no socket): cancel and the next
   * connection's failures are this link's again. The wakeup stays.
   */
  renew(): void {
    this.destroy();
    this.watchdog?.stop();
    this.abort = new AbortController();
    this.socket = null;
    this.socketError = null;
    this.stream = null;
    this.channels = null;
    this.watchdog = null;
    this.pinging = false;
    this.awaiting = null;
  }

  /** Drops every connection at once. */
  destroy(): void {
    this.socket?.destroy();
    this.channels?.destroy();
  }

  /** The migration ended, however: no more ticks, and no wait can start again. */
  close(): void {
    this.watchdog?.stop();
    this.wakeup.close();
  }

  /**
   * A write that failed because the destination closed a connection (with
   * multifd there are several) usually means it refused the migration, and the
   * SHUT with its reason is about to be read on the main channel: wait a moment
   * for it, so the error names the cause rather than the broken pipe.
   */
  async preferPeerReason(err: unknown, cancelling: boolean): Promise<unknown> {
    const isPeer = (e: unknown): boolean => e instanceof Error && (e as MigError).code === 'MIG_ERR_PEER';
    if (cancelling || isPeer(err)) return err;
    if (toMigError(err).code === 'MIG_ERR_CONNECTION' && !isPeer(this.abort.signal.reason)) await this.wakeup.wait(PEER_REASON_GRACE_MS);
    return isPeer(this.abort.signal.reason) ? this.abort.signal.reason : err;
  }

  /**
   * The error that names the cause: the first fatal one recorded (return path,
   * connection loss, watchdog) wins over what the loop tripped on afterwards; a
   * raw socket error becomes a connection loss naming the phase.
   */
  describeFailure(err: unknown): MigError {
    const first: unknown = this.abort.signal.aborted ? this.abort.signal.reason : null;
    if (first instanceof MigError) return first;
    // Once connected, a write to a broken connection (the stream's ConnectionError or a raw errno) is the connection loss.
    const errno = typeof (err as NodeJS.ErrnoException | null)?.code === 'string' && !(err instanceof MigError);
    if (this.socket && (err instanceof ConnectionError || errno)) return this.connectionLost(err);
    return toMigError(err);
  }

  connectionLost(err?: unknown): ConnectionError {
    const cause = this.socketError ?? (err instanceof Error && !(err instanceof MigError) ? err : null);
    const why = cause ? `: ${cause.message}` : ' (closed by the destination)';
    // A TLS destination hangs up on a plain source without sending a byte (OpenSSL: "wrong version number").
    if (this.socket && !(this.socket instanceof TLSSocket) && this.socket.bytesRead === 0) {
      return new ConnectionError(
        `connection to the destination lost during ${this.owner.phase}, before it answered a single byte${why}: if the destination was started with --tls-cert/--tls-key/--tls-ca, it expects TLS and this source has none (give it --tls-cert, --tls-key and --tls-ca too)`,
        { cause: cause ?? err },
      );
    }
    return new ConnectionError(`connection to the destination lost during ${this.owner.phase}${why}`, { cause: cause ?? err });
  }
}
