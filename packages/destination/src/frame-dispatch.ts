/**
 * The load state machine's dispatch (QEMU qemu_loadvm_state_main): every
 * frame of the main channel, once the connection is a migration, is checked
 * against the phase it arrives in (the table is load-phase.ts) and moves it
 * on. What a frame asks for is done by the parts: sections by
 * section-table.ts and the devices, load_setup by load-setup.ts, the end by
 * final-load.ts, multifd syncs by the stream reader and incoming-channels.ts.
 * Points of interest are published (probes.ts), never acted on here.
 */
import { ProtocolError } from '@livemig/common/errors';
import { livemig, type DecodedFrame, type DecodedFrameMessage } from '@livemig/common/wire';
import { type Capabilities } from '@livemig/common/control';
import { type Device, type Machine } from '@livemig/common/devices';
import { type Logger } from '@livemig/common/daemon';
import type { FinalLoad } from './final-load';
import type { IncomingChannels } from './incoming-channels';
import type { IncomingTimers } from './incoming-timers';
import { commandKind, LoadPhases, type LoadPhase } from './load-phase';
import type { LoadSetup } from './load-setup';
import { sectionArrived, type LoadPoint } from './probes';
import type { ReturnPathWriter } from './return-path-writer';
import type { PageLoader, SectionTable } from './section-table';
import type { StreamReader } from './stream-reader';

export type { LoadPhase } from './load-phase';

/** What the frames act on. */
export interface DispatchParts {
  readonly machine: Machine;
  readonly caps: Capabilities;
  readonly log: Logger;
  readonly rp: ReturnPathWriter;
  /** The main connection's reader (a resume, precopy-resume, brings a new one). */
  reader: StreamReader;
  readonly sections: SectionTable;
  readonly setup: LoadSetup;
  readonly end: FinalLoad;
  readonly timers: IncomingTimers;
  readonly channels: IncomingChannels;
}

/** The migration around the state machine. */
export interface DispatchOwner {
  /** Publishes a point of the migration's life (probes.ts); a subscriber may fail the migration. */
  reached(point: LoadPoint): void;
}

export class FrameDispatch {
  private readonly parts: DispatchParts;
  private readonly owner: DispatchOwner;
  readonly phases = new LoadPhases();
  private readonly loaders = new Map<Device, PageLoader>();
  /** The source sends digests (verify is on at the source). */
  readonly sourceVerify: boolean;

  constructor(parts: DispatchParts, owner: DispatchOwner, sourceVerify: boolean) {
    this.parts = parts;
    this.owner = owner;
    this.sourceVerify = sourceVerify;
  }

  get phase(): LoadPhase {
    return this.phases.phase;
  }

  get finished(): boolean {
    return this.phases.finished;
  }

  /** Precopy or switchover: sections (and multifd pages) may arrive. */
  get streaming(): boolean {
    return this.phases.streaming;
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

  /** The device a multifd section names: one whose type may use multifd, before its END. */
  pageDevice(deviceId: string): PageLoader {
    if (!this.streaming) throw new ProtocolError(`multifd pages for '${deviceId}' in state ${this.phase}`);
    const device = this.parts.machine.device(deviceId);
    if (!device || !device.type.multifd) throw new ProtocolError(`multifd pages for '${deviceId}', which is not a device of this machine that may use multifd`);
    if (this.parts.sections.ended(device)) throw new ProtocolError(`multifd pages for '${device.id}' after its END`);
    let loader = this.loaders.get(device);
    if (!loader) {
      const sections = this.parts.sections;
      loader = {
        device,
        header: (s) => sections.header(device, s),
        load: (s, payload, length, inPlace) => sections.load(device, s, payload, length, inPlace),
      };
      this.loaders.set(device, loader);
    }
    return loader;
  }

  handleFrame(frame: DecodedFrame<DecodedFrameMessage>): void {
    if (this.finished) return;
    const msg = frame.message;
    if (msg.body !== 'section' && frame.payloadLength > 0) throw new ProtocolError(`'${msg.body ?? 'unknown'}' frame with a payload`);
    switch (msg.body) {
      case 'command':
        return this.handleCommand(msg.command!);
      case 'section':
        this.phases.check('section');
        return this.handleSection(msg.section!, frame);
      case 'verify':
        this.phases.check('verify');
        if (!this.sourceVerify) throw new ProtocolError('digests sent but verify is off');
        this.parts.end.receiveDigests(msg.verify!.digests ?? []);
        return;
      case 'eof':
        this.phases.check('eof');
        this.parts.end.eofAt = performance.now();
        this.parts.end.sourcePaused = msg.eof?.sourcePaused === true;
        this.phases.go('loading');
        this.parts.timers.stopIdleDigest();
        this.owner.reached('eof');
        if (this.finished) return;
        void this.parts.end.run(this.parts.sections, this.sourceVerify);
        return;
      default:
        if (this.phase === 'loading' || this.phase === 'loaded') throw new ProtocolError(`'${msg.body ?? 'unknown'}' frame after EOF`);
        throw new ProtocolError(`unexpected '${msg.body ?? 'unknown'}' frame in state ${this.phase}`);
    }
  }

  private handleCommand(cmd: livemig.Command.$Properties): void {
    const kind = commandKind(cmd.type);
    this.phases.check(kind);
    switch (kind) {
      case 'OPEN_RETURN_PATH':
        if (!this.parts.caps['return-path']) throw new ProtocolError('OPEN_RETURN_PATH but return-path is off');
        if (this.parts.rp.isOpen) throw new ProtocolError('OPEN_RETURN_PATH received twice');
        this.parts.rp.openReturnPath();
        this.parts.setup.returnPathOpened();
        return;
      case 'PING':
        if (!this.parts.rp.isOpen) throw new ProtocolError('PING before OPEN_RETURN_PATH');
        this.parts.rp.send({ pong: { value: cmd.value ?? 0 } });
        return;
      case 'MULTIFD_SYNC': {
        const multifd = this.parts.channels.receiver;
        if (!multifd) throw new ProtocolError('MULTIFD_SYNC but multifd is off');
        // Stop here until every channel has reached the same point (see multifd-receiver.ts).
        this.parts.reader.pauseForSync();
        multifd.mainReached(cmd.value ?? 0, () => this.parts.reader.resumeAfterSync());
        return;
      }
      case 'SWITCHOVER_START':
        this.owner.reached('switchover-start');
        // A break right here (test fault) is as if it never arrived: the migration paused or failed in precopy.
        if (this.phase !== 'precopy') return;
        this.parts.end.switchoverAt = performance.now();
        this.phases.go('switchover');
        this.owner.reached('switchover');
        return;
      case 'RESUME':
        this.owner.reached('resume');
        if (!this.finished) this.parts.end.resume();
        return;
      default:
        throw new ProtocolError(`command '${kind}' in state ${this.phase}`);
    }
  }

  private handleSection(s: livemig.Section.$Properties, frame: DecodedFrame<DecodedFrameMessage>): void {
    const device = this.parts.sections.accept(s, this.phase === 'switchover');
    const type = s.type ?? livemig.SectionType.SECTION_TYPE_UNSPECIFIED;
    if (type === livemig.SectionType.SECTION_PART) {
      this.owner.reached('section');
      if (this.finished) return;
    }
    sectionArrived(frame.payload);
    this.parts.sections.load(device, s, frame.payload, frame.payloadLength, frame.inPlace);
  }
}
