/**
 * The load state machine's dispatch (QEMU qemu_loadvm_state_main): every
 * frame of the main channel is checked against the phase it arrives in, and
 * moves it on. The phases (the diagram is in incoming-migration.ts):
 *
 *   header → [auth] → config → precopy → switchover → loading → [loaded] → completed | failed
 *
 * An unexpected (phase, frame) pair is a protocol error naming both. What a
 * frame asks for is done by the parts: sections by section-table.ts and the
 * devices, load_setup by load-setup.ts, the end by final-load.ts, multifd
 * syncs by the stream reader and incoming-channels.ts.
 */
import {
  ProtocolError,
  STREAM_MAGIC,
  STREAM_VERSION,
  StateError,
  livemig,
  type Capabilities,
  type DecodedFrame,
  type DecodedFrameMessage,
  type Device,
  type Logger,
  type Machine,
  type MultifdCompression,
} from '@livemig/common';
import { checkConfiguration } from './configuration-check';
import { challengeFor, checkAnswer, type PendingAuth } from './destination-auth';
import type { FinalLoad } from './final-load';
import type { IncomingChannels } from './incoming-channels';
import type { IncomingTimers } from './incoming-timers';
import type { LoadSetup } from './load-setup';
import type { ReturnPathWriter } from './return-path-writer';
import type { SectionTable } from './section-table';
import type { StreamReader } from './stream-reader';
import type { FaultHooks, FaultPoint } from './test-faults';

export type LoadPhase = 'header' | 'auth' | 'config' | 'precopy' | 'switchover' | 'loading' | 'loaded' | 'completed' | 'failed';

/** What the frames act on. */
export interface DispatchParts {
  readonly machine: Machine;
  readonly caps: Capabilities;
  /** This destination's multifd-compression, as it was when the connection came. */
  readonly multifdCompression: MultifdCompression;
  readonly log: Logger;
  readonly rp: ReturnPathWriter;
  readonly reader: StreamReader;
  readonly sections: SectionTable;
  readonly setup: LoadSetup;
  readonly end: FinalLoad;
  readonly timers: IncomingTimers;
  readonly channels: IncomingChannels;
}

/** The migration around the state machine. */
export interface DispatchOwner {
  /** Shared secret: the source must authenticate before anything else. */
  readonly authSecret: Buffer | null;
  /** TEST ONLY (test-faults.ts). */
  readonly faults: FaultHooks | null;
  /** Asks for the one migration slot once the configuration is accepted; a reason refuses. */
  claim(): string | null;
  /** TEST ONLY hook; a throw fails the migration. */
  fault(point: FaultPoint): void;
  /** With multifd: the configuration names the channels to expect. */
  startMultifd(config: livemig.Configuration.$Properties): void;
  /** The configuration was accepted: the connection is a migration now. */
  becameMigration(): void;
}

export class FrameDispatch {
  private readonly parts: DispatchParts;
  private readonly owner: DispatchOwner;
  private pendingAuth: PendingAuth | null = null;
  phase: LoadPhase = 'header';
  /** The source sends digests (verify is on at the source). */
  sourceVerify = false;

  constructor(parts: DispatchParts, owner: DispatchOwner) {
    this.parts = parts;
    this.owner = owner;
  }

  get finished(): boolean {
    return this.phase === 'completed' || this.phase === 'failed';
  }

  /** Precopy or switchover: sections (and multifd pages) may arrive. */
  get streaming(): boolean {
    return this.phase === 'precopy' || this.phase === 'switchover';
  }

  /**
   * The decoder's payload sink: a PART section of a started device that can
   * take its payload in place (RAM pages) names the memory it goes to. Anything
   * else (or anything out of order) gets the ordinary path, where handleSection
   * reports the error.
   */
  payloadTargets(msg: DecodedFrameMessage, length: number): Buffer[] | null {
    if (!this.streaming || msg.body !== 'section' || !msg.section) return null;
    return this.parts.sections.payloadTargets(msg.section, length);
  }

  /** The device a multifd page section names: a RAM device, before its END. */
  pageDevice(deviceId: string): Device {
    if (!this.streaming) throw new ProtocolError(`multifd pages for '${deviceId}' in state ${this.phase}`);
    const device = this.parts.machine.device(deviceId);
    if (!device || device.kind !== 'ram' || !device.payloadTargets) throw new ProtocolError(`multifd pages for '${deviceId}', which is not a RAM device of this machine`);
    if (this.parts.sections.ended(device)) throw new ProtocolError(`multifd pages for '${device.id}' after its END`);
    return device;
  }

  handleFrame(frame: DecodedFrame<DecodedFrameMessage>): void {
    const msg = frame.message;
    const phase = this.phase;
    if (msg.body !== 'section' && frame.payloadLength > 0) throw new ProtocolError(`'${msg.body ?? 'unknown'}' frame with a payload`);
    switch (phase) {
      case 'header':
        if (msg.body !== 'header' || !msg.header) throw new ProtocolError(`not a livemig stream: expected a stream header, got '${msg.body ?? 'unknown'}'`);
        if (msg.header.magic !== STREAM_MAGIC) throw new ProtocolError(`not a livemig stream: bad magic 0x${(msg.header.magic ?? 0).toString(16)}`);
        if (msg.header.version !== STREAM_VERSION) throw new ProtocolError(`unsupported stream version ${msg.header.version} (this destination speaks ${STREAM_VERSION})`);
        this.owner.fault('header');
        if (this.finished) return;
        {
          const auth = challengeFor(this.owner.authSecret, msg.header.authNonce ?? null);
          this.pendingAuth = auth?.pending ?? null;
          if (auth) this.parts.rp.send({ authChallenge: auth.challenge });
          this.phase = auth ? 'auth' : 'config';
        }
        return;
      case 'auth':
        checkAnswer(this.pendingAuth!, msg);
        this.parts.log.info('source authenticated (shared secret)');
        this.phase = 'config';
        return;
      case 'config': {
        if (msg.body !== 'configuration' || !msg.configuration) throw new ProtocolError(`configuration section missing: got '${msg.body ?? 'unknown'}'`);
        checkConfiguration(msg.configuration, this.parts.machine.devices, this.parts.caps, this.parts.multifdCompression);
        const refused = this.owner.claim();
        if (refused !== null) throw new StateError(refused);
        this.sourceVerify = msg.configuration.capabilities?.verify === true;
        this.parts.setup.run(this.sourceVerify);
        if (this.parts.caps.multifd) this.owner.startMultifd(msg.configuration);
        this.phase = 'precopy';
        this.owner.becameMigration();
        this.owner.fault('config');
        return;
      }
      case 'precopy':
      case 'switchover':
        this.handleStreamFrame(frame);
        return;
      case 'loading':
      case 'loaded':
        // After EOF only keepalive PINGs, and in 'loaded' the commit.
        if (msg.body === 'command' && msg.command) return this.handleCommand(msg.command);
        throw new ProtocolError(`'${msg.body ?? 'unknown'}' frame after EOF`);
      case 'completed':
      case 'failed':
        return;
      default: {
        const never: never = phase;
        throw new ProtocolError(`frame '${msg.body ?? 'unknown'}' in state ${String(never)}`);
      }
    }
  }

  private handleStreamFrame(frame: DecodedFrame<DecodedFrameMessage>): void {
    const msg = frame.message;
    switch (msg.body) {
      case 'command':
        return this.handleCommand(msg.command!);
      case 'section':
        return this.handleSection(msg.section!, frame);
      case 'verify':
        if (this.phase !== 'switchover') throw new ProtocolError('digests before switchover');
        if (!this.sourceVerify) throw new ProtocolError('digests sent but verify is off');
        this.parts.end.receiveDigests(msg.verify!.digests ?? []);
        return;
      case 'eof':
        if (this.phase !== 'switchover') throw new ProtocolError('EOF before SWITCHOVER_START');
        this.parts.end.eofAt = performance.now();
        this.parts.end.sourcePaused = msg.eof?.sourcePaused === true;
        this.phase = 'loading';
        this.parts.timers.stopIdleDigest();
        this.owner.fault('eof');
        if (this.finished) return;
        void this.parts.end.run(this.parts.sections, this.sourceVerify);
        return;
      default:
        throw new ProtocolError(`unexpected '${msg.body ?? 'unknown'}' frame in state ${this.phase}`);
    }
  }

  private handleCommand(cmd: livemig.Command.$Properties): void {
    switch (cmd.type) {
      case livemig.CommandType.CMD_OPEN_RETURN_PATH:
        if (!this.parts.caps['return-path']) throw new ProtocolError('OPEN_RETURN_PATH but return-path is off');
        if (this.parts.rp.isOpen) throw new ProtocolError('OPEN_RETURN_PATH received twice');
        this.parts.rp.openReturnPath();
        this.parts.setup.returnPathOpened();
        return;
      case livemig.CommandType.CMD_PING:
        if (!this.parts.rp.isOpen) throw new ProtocolError('PING before OPEN_RETURN_PATH');
        this.parts.rp.send({ pong: { value: cmd.value ?? 0 } });
        return;
      case livemig.CommandType.CMD_MULTIFD_SYNC: {
        const multifd = this.parts.channels.receiver;
        if (!multifd) throw new ProtocolError('MULTIFD_SYNC but multifd is off');
        // Stop here until every channel has reached the same point (see multifd-receiver.ts).
        this.parts.reader.pauseForSync();
        multifd.mainReached(cmd.value ?? 0, () => this.parts.reader.resumeAfterSync());
        return;
      }
      case livemig.CommandType.CMD_SWITCHOVER_START:
        if (this.phase !== 'precopy') throw new ProtocolError(`SWITCHOVER_START in state ${this.phase}`);
        this.parts.end.switchoverAt = performance.now();
        this.phase = 'switchover';
        this.owner.fault('switchover');
        return;
      case livemig.CommandType.CMD_RESUME:
        if (this.phase !== 'loaded') throw new ProtocolError(`RESUME in state ${this.phase} (only after LOADED)`);
        this.owner.fault('resume');
        if (!this.finished) this.parts.end.resume();
        return;
      default:
        throw new ProtocolError(`unknown command ${String(cmd.type)}`);
    }
  }

  private handleSection(s: livemig.Section.$Properties, frame: DecodedFrame<DecodedFrameMessage>): void {
    const device = this.parts.sections.accept(s, this.phase === 'switchover');
    const type = s.type ?? livemig.SectionType.SECTION_TYPE_UNSPECIFIED;
    if (this.owner.faults) {
      if (type === livemig.SectionType.SECTION_PART) this.owner.fault('section');
      if (this.finished) return;
      this.owner.faults.section(frame.payload);
    }
    device.loadState({ type, data: s, payload: frame.payload, payloadLength: frame.payloadLength, inPlace: frame.inPlace });
  }

}
