/**
 * What the destination said on the return path (return-path-reader.ts turns
 * its messages into these calls), checked against how far this side got
 * through the migration, as one state machine (the source's protocol state):
 *
 *   handshake → accepted → stream-ended → loaded → committed → resumed → concluded
 *                 ↑   ↓         └────────────── (no return path) ─────────────┘
 *               recovering     (precopy-resume)
 *
 * handshake:    until CONFIG_ACCEPTED (the auth challenge, if any, is kept as data);
 * accepted:     state may flow (acks and approvals may come);
 * recovering:   a paused migration reconnects: the destination's held-state
 *               reports, then RESUME_ACK (back to accepted), then its ack
 *               state again (approvals and ack are re-sent, so they are
 *               forgotten here when the recovery begins);
 * stream-ended: EOF is queued, the whole state is on its way (this side moves here);
 * loaded:       the destination loaded (and verified) everything;
 * committed:    CMD_RESUME is out (this side): the source must never resume now;
 * resumed:      RESUMED with the destination's figures;
 * concluded:    SHUT ok, the last word.
 * An answer the table does not allow from where this side is fails the
 * migration. The phases wait on the state; every change wakes them.
 */
import { MigError, ProtocolError, StateError, toMigError } from '@livemig/common/errors';
import { HeldStateAssembler, type DecodedRpMessage } from '@livemig/common/wire';
import type { DestinationLink } from './destination-link';
import type { MigrationStatus } from './migration-status';
import type { ReturnPathSink } from './return-path-reader';
import type { Challenge } from './source-auth';

export interface DeviceAckState {
  approved: boolean;
  'allocation-ms'?: number;
  /** This device's re-arms so far (0: its first approval is awaited). */
  rearms: number;
}

/** What the replies are checked against, and who hears about approvals. */
export interface RepliesOwner {
  status(): MigrationStatus;
  /** Where the migration is, for error messages. */
  phase(): string;
  onSwitchoverAck(at: number): void;
  onDeviceApproved(deviceId: string, ms: number): void;
  /** The source decided to switch over (the final pass began or the machine is stopping): a re-arm now fails the migration. */
  switchoverDecided(): boolean;
}

export type ResumedMessage = NonNullable<DecodedRpMessage['resumed']>;

export type ConversationState = 'handshake' | 'accepted' | 'recovering' | 'stream-ended' | 'loaded' | 'committed' | 'resumed' | 'concluded';

const ORDER: readonly ConversationState[] = ['handshake', 'accepted', 'recovering', 'stream-ended', 'loaded', 'committed', 'resumed', 'concluded'];

const NEXT: Readonly<Record<ConversationState, readonly ConversationState[]>> = {
  handshake: ['accepted'],
  accepted: ['stream-ended', 'recovering'],
  recovering: ['accepted'],
  // Without a return path the destination's SHUT ok answers EOF directly.
  'stream-ended': ['loaded', 'concluded'],
  loaded: ['committed'],
  committed: ['resumed'],
  resumed: ['concluded'],
  concluded: [],
};

export class DestinationReplies {
  private readonly owner: RepliesOwner;
  private readonly link: DestinationLink;
  private readonly returnPath: boolean;
  private state: ConversationState = 'handshake';
  /** The destination's authentication challenge (only with a shared secret; before acceptance). */
  challenge: Challenge | null = null;
  ackAt: number | null = null;
  /** Devices that gate switchover (switchoverAckNeeded(), with switchover-ack) and their approvals. */
  readonly deviceAcks = new Map<string, DeviceAckState>();
  /** Re-arms so far (all devices): only a SWITCHOVER_ACK for this many counts. */
  rearms = 0;
  /** LOADED's device messages (completionMessage() of the destination's devices), by device id. */
  readonly deviceMessages = new Map<string, Uint8Array>();
  /** precopy-resume: the held-state reports of the recovery under way (null outside one). */
  held: HeldStateAssembler | null = null;
  /** precopy-resume: the destination's count of resumes, from its RESUME_ACK. */
  destinationResumes = 0;
  /** RESUMED's figures, and when it came. */
  resumed: ResumedMessage | null = null;
  resumedAt = 0;
  /**
   * Called from the callback that delivers LOADED, right after it is accepted:
   * the commit (CMD_RESUME) goes out from there, not a turn of the event loop later.
   */
  onLoaded: (() => void) | null = null;

  constructor(owner: RepliesOwner, link: DestinationLink, returnPath: boolean) {
    this.owner = owner;
    this.link = link;
    this.returnPath = returnPath;
  }

  get conversation(): ConversationState {
    return this.state;
  }

  /** CONFIG_ACCEPTED: the destination took header, authentication and configuration; state may go. */
  get configAccepted(): boolean {
    return this.at('accepted');
  }

  /** EOF is queued: the whole state is on its way. */
  get streamEnded(): boolean {
    return this.at('stream-ended');
  }

  /** The destination loaded (and verified) everything (return path). */
  get loaded(): boolean {
    return this.returnPath && this.at('loaded');
  }

  /** CMD_RESUME is out: the destination may run the machine; the source must never resume now. */
  get committed(): boolean {
    return this.returnPath && this.at('committed');
  }

  get shutOk(): boolean {
    return this.state === 'concluded';
  }

  /** The destination gave its final word (RESUMED or SHUT ok): its closing the connection is no failure. */
  get concluded(): boolean {
    return this.state === 'resumed' || this.state === 'concluded';
  }

  /** precopy-resume: a recovery began (a new connection); acks and approvals come again after RESUME_ACK. */
  beginRecovery(): void {
    this.go('recovering');
    this.challenge = null;
    this.held = new HeldStateAssembler();
    this.ackAt = null;
    for (const [id, st] of this.deviceAcks) this.deviceAcks.set(id, { approved: false, rearms: st.rearms });
  }

  /** The recovery failed before RESUME_ACK: paused again, as before it began. */
  abandonRecovery(): void {
    if (this.state === 'recovering') this.go('accepted');
    this.held = null;
  }

  /** RESUME_ACK came: the destination holds what `held` says, and state may go. */
  get recovered(): boolean {
    return this.state === 'accepted' && this.held !== null;
  }

  /** The recovery is over (the held state applied): forget the reports. */
  endRecovery(): void {
    this.held = null;
  }

  /** This side queued EOF. */
  endStream(): void {
    this.go('stream-ended');
  }

  /** This side sent CMD_RESUME. */
  commit(): void {
    this.go('committed');
  }

  /**
   * A device re-armed its approval (SaveContext.rearmSwitchover): the ack is
   * void until the destination approved again. After the switchover decision
   * the migration fails. Returns the device's re-arm number.
   */
  rearm(deviceId: string): number {
    const state = this.deviceAcks.get(deviceId);
    if (!state) throw new StateError(`'${deviceId}' re-armed switchover-ack, but it does not gate switchover (or switchover-ack is off)`);
    const n = state.rearms + 1;
    if (this.owner.switchoverDecided()) {
      const err = new MigError('MIG_ERR_DEVICE', `'${deviceId}' re-armed switchover-ack (new precopy initial data) after the source decided to switch over`);
      this.link.fatal(err);
      return n;
    }
    this.deviceAcks.set(deviceId, { approved: false, rearms: n });
    this.rearms++;
    this.ackAt = null;
    this.link.wakeup.notify();
    return n;
  }

  /** The calls ReturnPathReader makes, each checked against where this migration is. */
  sink(): ReturnPathSink {
    const link = this.link;
    return {
      authChallenge: (nonce, mac) => {
        this.challenge = { nonce, mac };
        link.wakeup.notify();
      },
      configAccepted: () => {
        if (!this.advance('accepted')) link.fatal(new ProtocolError(`return path: CONFIG_ACCEPTED in state ${this.state}`));
      },
      pong: (v) => {
        link.wakeup.notify();
        try {
          link.watchdog?.keepalive.pong(v);
        } catch (err) {
          link.fatal(toMigError(err, 'MIG_ERR_RETURN_PATH'));
        }
      },
      switchoverAck: (rearms) => {
        if (rearms > this.rearms) return link.fatal(new ProtocolError(`return path: SWITCHOVER_ACK after ${rearms} re-arms, the source made ${this.rearms}`));
        // An ack the destination sent before it loaded the latest re-arm: stale, a new one follows.
        if (rearms < this.rearms) return;
        const at = performance.now();
        this.ackAt = at;
        this.owner.onSwitchoverAck(at);
        link.wakeup.notify();
      },
      deviceApproved: (id, ms, rearms) => {
        const state = this.deviceAcks.get(id);
        if (!state) return link.fatal(new ProtocolError(`return path: approval from '${id}', which is not a device that gates switchover`));
        if (rearms > state.rearms) return link.fatal(new ProtocolError(`return path: approval from '${id}' after ${rearms} re-arms, the source made ${state.rearms}`));
        if (rearms < state.rearms) return; // for initial data since replaced: stale
        if (state.approved) return link.fatal(new ProtocolError(`return path: second approval from '${id}'`));
        this.deviceAcks.set(id, { approved: true, 'allocation-ms': ms, rearms });
        this.owner.onDeviceApproved(id, ms);
      },
      loaded: (_verified, messages) => {
        for (const m of messages) this.deviceMessages.set(m.deviceId ?? '', m.data ?? new Uint8Array(0));
        if (this.owner.status() !== 'device' || !this.advance('loaded')) return link.fatal(new ProtocolError('return path: LOADED before the stream ended'));
        this.onLoaded?.();
      },
      resumed: (m) => {
        if (this.state !== 'committed') return link.fatal(new ProtocolError('return path: RESUMED before the source sent RESUME'));
        this.resumed = m;
        this.resumedAt = performance.now();
        link.pinging = false;
        this.advance('resumed');
      },
      shutOk: () => {
        // With a return path SHUT ok follows RESUMED; without, it answers EOF.
        const from: ConversationState = this.returnPath ? 'resumed' : 'stream-ended';
        if (this.state !== from) return link.fatal(new ProtocolError(`return path: the destination ended the migration (SHUT ok) during ${this.owner.phase()}`));
        link.pinging = false;
        this.advance('concluded');
      },
      recvBitmap: (piece) => {
        if (this.state !== 'recovering' || !this.held) return link.fatal(new ProtocolError('return path: held-state report outside a recovery'));
        try {
          this.held.add(piece);
        } catch (err) {
          link.fatal(toMigError(err, 'MIG_ERR_RETURN_PATH'));
        }
      },
      resumeAck: (resumes) => {
        if (!this.held?.complete) return link.fatal(new ProtocolError('return path: RESUME_ACK before every held-state report was complete'));
        if (!this.advance('accepted')) return link.fatal(new ProtocolError(`return path: RESUME_ACK in state ${this.state}`));
        this.destinationResumes = resumes;
      },
      error: (err: MigError) => link.fatal(err),
    };
  }

  /** At `s` or past it. */
  private at(s: ConversationState): boolean {
    return ORDER.indexOf(this.state) >= ORDER.indexOf(s);
  }

  /** Moves on and wakes the waits, or says (false) that the table does not allow it from here. */
  private advance(next: ConversationState): boolean {
    if (!NEXT[this.state].includes(next)) return false;
    this.state = next;
    this.link.wakeup.notify();
    return true;
  }

  private go(next: ConversationState): void {
    if (!this.advance(next)) throw new StateError(`outgoing migration cannot go from ${this.state} to ${next}`);
  }
}
