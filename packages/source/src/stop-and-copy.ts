/**
 * The end of an outgoing migration (QEMU migration_completion): the machine
 * stops; SWITCHOVER_START, the dirty rest of every iterable device (no rate
 * limit, QEMU lifts it at switchover), END/FULL sections, digests, EOF. Then,
 * with return-path, the commit: LOADED from the destination, CMD_RESUME,
 * RESUMED; without, the destination's SHUT ok. Records the downtime and its
 * breakdown. Until the commit a failure lets the source resume the machine
 * (stoppedMachine); after it, never.
 */
import { toMigError } from '@livemig/common/errors';
import { ROUND_BYTES, livemig } from '@livemig/common/wire';
import { iterableDevices, type OutgoingContext } from './outgoing-context';

export interface DowntimeBreakdown {
  'final-transfer': number;
  'destination-load': number;
  verify: number;
  'per-device': Record<string, number>;
}

/**
 * The status moves the phase makes: status 'device', announced once the
 * downtime is over (or downtime-limit after the stop, if it is not by then).
 */
export interface StopAndCopyOwner {
  /** The machine is about to stop for the switchover (its owner may hold its QMP events until the announcement). */
  switchoverBegins(): void;
  enterDevice(): void;
  announceStatus(): void;
}

export class StopAndCopy {
  private readonly ctx: OutgoingContext;
  private readonly owner: StopAndCopyOwner;
  stoppedAt: number | null = null;
  /** This migration stopped the machine (and the commit did not hand it over yet). */
  stoppedMachine = false;
  downtime: number | null = null;
  downtimeSourceOnly = false;
  downtimeBreakdown: DowntimeBreakdown | null = null;
  downtimeBytes = 0;
  verified: boolean | null = null;
  /** The destination left the machine paused (its user ran `stop` there during the migration). */
  destinationPaused = false;

  constructor(ctx: OutgoingContext, owner: StopAndCopyOwner) {
    this.ctx = ctx;
    this.owner = owner;
  }

  async run(): Promise<void> {
    const { machine } = this.ctx;
    this.owner.switchoverBegins();
    if (machine.running) {
      machine.stop('paused');
      this.stoppedMachine = true;
    }
    this.stoppedAt = performance.now();
    // Announced once the downtime is over: the log line (a write to a pipe) and the
    // status event wake whoever reads them, and on a small machine the woken reader
    // takes the CPU from the migration (0.1–0.4 ms for the line alone, up to a few ms
    // when it preempted the source). A downtime that runs long is announced anyway,
    // downtime-limit after the stop.
    this.owner.enterDevice();
    const announceLate = setTimeout(() => this.owner.announceStatus(), this.ctx.params()['downtime-limit']);
    announceLate.unref();
    try {
      await this.finish();
    } finally {
      clearTimeout(announceLate);
    }
  }

  /** After the stop: the rest, END, digests, EOF; the commit; the machine handed over. */
  private async finish(): Promise<void> {
    const { machine, caps, log, link } = this.ctx;
    const stream = link.stream!;
    const channels = link.channels!;
    const signal = link.signal;
    const before = channels.bytesQueued;
    stream.writeFrame({ command: { type: livemig.CommandType.CMD_SWITCHOVER_START } });
    const devices = machine.devices;
    channels.syncMultifd();
    for (const d of devices) if (!d.iterable) d.statePendingExact();
    // The rest, device by device, without rate limit (QEMU lifts it at switchover), still
    // honouring backpressure. Each round goes to the kernel as soon as it is queued, so
    // bytes travel while the next device syncs its dirty log and queues its part.
    for (const d of iterableDevices(machine)) {
      d.statePendingExact();
      const writer = channels.writerFor(d, devices.indexOf(d));
      for (;;) {
        link.checkAbort();
        const written = d.saveLiveIterate(writer, ROUND_BYTES, true);
        if (written === 0) break;
        channels.push();
        // Machine stopped: keep the socket fed (views of guest memory cost nothing to queue);
        // only a very large rest waits for the socket.
        if (channels.needsDrain) await channels.flush(signal);
      }
    }
    // Every page is on its way before END and EOF (multifd: the destination waits for all channels here).
    channels.syncMultifd();
    devices.forEach((d, i) => d.saveLiveCompletePrecopy(channels.writerFor(d, i)));
    if (caps.verify) {
      const t0 = performance.now();
      const digests = [...machine.digests()].map(([deviceId, digest]) => ({ deviceId, digest }));
      log.debug({ ms: Math.round(performance.now() - t0) }, 'source digests computed');
      stream.writeFrame({ verify: { digests } });
    }
    // Paused before this migration stopped it (user `stop`): the destination keeps it paused.
    stream.writeFrame({ eof: { sourcePaused: !this.stoppedMachine } });
    this.ctx.replies.endStream();
    channels.push();
    await channels.flush(signal);
    const flushedAt = performance.now();
    this.downtimeBytes = channels.bytesQueued - before;
    if (caps['return-path']) await this.commit();
    else await this.awaitShut(flushedAt);
    this.owner.announceStatus();
    machine.stop('postmigrate');
    this.stoppedMachine = false;
    channels.end();
    link.socket?.end();
  }

  /**
   * The commit: only a destination that has loaded (and verified) everything
   * is told to resume, and the source never resumes once it has been told.
   */
  private async commit(): Promise<void> {
    const { caps, link, replies } = this.ctx;
    // CMD_RESUME leaves from the return-path callback that delivers LOADED (or now, if
    // LOADED is here already): waking this wait first would put a turn of the event loop
    // and the stream's next-tick uncork on the downtime's critical path.
    replies.onLoaded = () => this.sendResume();
    if (replies.loaded) this.sendResume();
    await link.waitFor(() => replies.committed);
    await link.waitFor(() => replies.resumed !== null);
    const r = replies.resumed!;
    const stoppedAt = this.stoppedAt!;
    // RESUMED with `paused`: the destination's user ran `stop` while it waited (QEMU
    // autostart off), or the machine was paused here already, so the destination left
    // the loaded machine paused until a `cont` there. The downtime then ends when the
    // destination was ready to run the machine, which is all this migration can answer
    // for; the pause after it is the user's.
    this.destinationPaused = r.paused === true;
    this.downtime = replies.resumedAt - stoppedAt;
    const destinationLoad = r.loadMs ?? 0;
    const verifyMs = r.verifyMs ?? 0;
    this.downtimeBreakdown = {
      'final-transfer': Math.max(0, this.downtime - destinationLoad - verifyMs),
      'destination-load': destinationLoad,
      verify: verifyMs,
      'per-device': Object.fromEntries((r.devices ?? []).map((t) => [t.deviceId ?? '', t.loadMs ?? 0])),
    };
    this.verified = caps.verify ? r.verified === true : null;
  }

  /** The commit: CMD_RESUME, handed to the kernel at once; from here on the source never resumes. */
  private sendResume(): void {
    const { link, replies } = this.ctx;
    replies.onLoaded = null;
    // Cancelled or failed meanwhile: no commit (the wait on it throws the reason).
    if (link.signal.aborted || replies.committed) return;
    try {
      link.stream!.writeFrame({ command: { type: livemig.CommandType.CMD_RESUME } });
      link.stream!.push();
    } catch (err) {
      return link.fatal(toMigError(err));
    }
    replies.commit();
  }

  /**
   * No commit without a return path: the destination resumes on its own and
   * confirms with SHUT ok (SHUT with an error, e.g. a verification mismatch, fails this).
   */
  private async awaitShut(flushedAt: number): Promise<void> {
    const { caps, link, replies } = this.ctx;
    await link.waitForPeer('the destination to confirm the end of the migration', () => replies.shutOk);
    this.downtime = flushedAt - this.stoppedAt!;
    this.downtimeSourceOnly = true;
    this.downtimeBreakdown = { 'final-transfer': this.downtime, 'destination-load': 0, verify: 0, 'per-device': {} };
    this.verified = caps.verify ? true : null;
  }
}
