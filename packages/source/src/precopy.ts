/**
 * The precopy phase of an outgoing migration (QEMU migration_iteration_run):
 * rounds over every iterable device (devices with precopy initial data
 * first), under max-bandwidth, with a dirty-bitmap sync whenever the pending
 * set is small, until it converges: pending ≤ bandwidth × downtime-limit, all
 * initial data is out, and the switchover gate is open (!switchover-ack ||
 * machine not running || SWITCHOVER_ACK received). Then final passes send
 * the converged pending set while the machine still runs, each one drained
 * (taken by the destination) before the next sync, for as long as each pass
 * shrinks the dirty set geometrically; the machine stops at the fixed point,
 * with only what the last pass let the machine dirty left for the downtime.
 * Also the figures query-migrate reports while it runs: passes, bytes, pending,
 * dirty rate, bandwidth, threshold, expected downtime, cpu throttle.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { TimeoutError } from '@livemig/common/errors';
import { ROUND_BYTES } from '@livemig/common/wire';
import { type Device } from '@livemig/common/devices';
import { AutoConverge } from './auto-converge';
import { BandwidthMeter, RateLimiter, expectedDowntimeMs, switchoverBandwidth, thresholdBytes, type ConvergenceInputs } from './convergence';
import { iterableDevices, type OutgoingContext } from './outgoing-context';

/** Least time between two dirty-bitmap syncs while the pending set is small. */
const MIN_SYNC_INTERVAL_MS = 50;
/** Longest idle wait when there is nothing to send (waiting for the ack). */
const IDLE_WAIT_MS = 20;
/** Digest work done per idle wait when verify is on (~2 ms at 4 GB/s). */
const IDLE_DIGEST_BYTES = 8 * 1024 * 1024;
/**
 * Another final pass is worth it while it leaves at most this fraction of the
 * dirty set it started from (geometric shrink). A pass of P bytes lets the
 * machine dirty rate × (P ÷ bandwidth + fixed cost): the ratio is dirty rate ÷
 * bandwidth (0.28 for 32 MiB/s on 1 Gbit/s) until the fixed cost (sync, round
 * trip) dominates, which is the fixed point: one more pass buys nothing.
 */
const FINAL_PASS_SHRINK = 0.5;
/** Bound on the final passes of one convergence (the shrink rule alone ends them; this is a backstop). */
const MAX_FINAL_PASSES = 32;

export class Precopy {
  private readonly ctx: OutgoingContext;
  private readonly startedAt: number;
  private readonly onPass: (pass: number) => void;
  /** auto-converge: throttles the workload while the dirty rate outruns the link. */
  private readonly autoConverge: AutoConverge | null;
  private precopyBytesAtSync = 0;
  private lastSyncAt = 0;
  meter: BandwidthMeter | null = null;
  passes = 0;
  precopyBytes = 0;
  pendingBytes = 0;
  dirtyPagesRate = 0;
  expectedDowntimeAtSwitchover: number | null = null;
  /** Precopy has converged and only the switchover-ack is missing. */
  gated = false;
  /** The "cannot converge" warning of this hold was given (see noteHeld). */
  private heldSaid = false;
  /** Converged and on the way to stop-and-copy (final pass, drain, stop): see DestinationReplies.rearm. */
  switchoverDecided = false;
  /**
   * precopy-resume: time spent paused (break to resume), not counted against
   * switchover-ack-timeout or timeout: no ack can arrive and nothing can converge
   * while the link is down, and the pause has its own bound (precopy-resume-timeout).
   */
  pausedMs = 0;

  constructor(ctx: OutgoingContext, startedAt: number, onPass: (pass: number) => void) {
    this.ctx = ctx;
    this.startedAt = startedAt;
    this.onPass = onPass;
    this.autoConverge = ctx.caps['auto-converge']
      ? new AutoConverge(ctx.params, (percent) => {
          ctx.machine.throttlePercent = percent;
          ctx.log.info({ percent }, 'auto-converge: cpu throttle');
        })
      : null;
  }

  /** QEMU's cpu-throttle-percentage (auto-converge on), else null. */
  get cpuThrottlePercentage(): number | null {
    return this.autoConverge ? this.autoConverge.percentage : null;
  }

  private convergenceInputs(): ConvergenceInputs {
    const p = this.ctx.params();
    return {
      bandwidth: this.meter?.bandwidth ?? 0,
      availSwitchoverBandwidth: p['avail-switchover-bandwidth'],
      maxBandwidth: p['max-bandwidth'],
      downtimeLimitMs: p['downtime-limit'],
    };
  }

  /** The measured bandwidth (bytes/ms) as the threshold counts it: at most max-bandwidth; avail-switchover-bandwidth aside. */
  get measuredBandwidth(): number {
    return switchoverBandwidth({ ...this.convergenceInputs(), availSwitchoverBandwidth: 0 });
  }

  get downtimeLimit(): number {
    return this.ctx.params()['downtime-limit'];
  }

  get thresholdBytes(): number {
    return thresholdBytes(this.convergenceInputs());
  }

  get expectedDowntime(): number | null {
    return expectedDowntimeMs(this.pendingBytes, this.convergenceInputs());
  }

  private get iterables(): Device[] {
    return iterableDevices(this.ctx.machine);
  }

  /** Setup is done: bandwidth is measured from here (bytes flushed so far are setup's). */
  startMetering(now: number, flushedBytes: number): void {
    this.meter = new BandwidthMeter(now, flushedBytes);
  }

  /** The migration ended, however: the machine (if it still runs here) runs at full speed again. */
  stop(): void {
    this.autoConverge?.stop();
  }

  /** Runs precopy until it has converged and the data in flight is taken; throws on cancel, failure or timeout. */
  async run(): Promise<void> {
    const { machine, caps, params, link } = this.ctx;
    // Also after a resume (precopy-resume): convergence is judged again from scratch.
    this.switchoverDecided = false;
    this.gated = false;
    const stream = link.channels!;
    const meter = this.meter!;
    const limiter = new RateLimiter(performance.now());
    const devices = machine.devices;
    // Converged, and sending the pending set while the machine still runs (see below);
    // passOut once a round of it found nothing more to send. finalPending: the dirty set
    // the current final pass started from; finalPasses: how many ran since convergence.
    let finalPass = false;
    let passOut = false;
    let finalPending = 0;
    let finalPasses = 0;
    for (;;) {
      link.checkAbort();
      const now = performance.now();
      this.checkTimeouts(now);
      meter.sample(now, stream.bytesFlushed, stream.backlogBytes);
      const threshold = this.thresholdBytes;
      let pending = 0;
      let sendable = 0;
      for (const d of devices) pending += d.statePendingEstimate();
      for (const d of this.iterables) sendable += d.statePendingEstimate();
      let synced = false;
      // Whether everything queued so far has been taken by the destination (a final pass's drain).
      let drained = false;
      // The final pass ends with a sync as soon as it is out; otherwise syncs are spaced.
      const syncDue = finalPass ? passOut : (pending < threshold || sendable === 0) && now - this.lastSyncAt >= MIN_SYNC_INTERVAL_MS;
      // What iterating could still send before this sync: after a complete pass only what
      // never goes before the stop (accel's final state); what the sync adds is the dirty set.
      const sendableBefore = sendable;
      let dirtySet = 0;
      if (syncDue) {
        // A final pass is over once it has crossed the link, not once it is queued (the
        // socket and the kernel hold megabytes, ~0.3 s of a 1 Gbit/s link): only a sync
        // after the drain sees what the machine dirtied while the pass was on the wire.
        if (finalPass) {
          drained = await this.drainInFlight();
          // The wait left the socket empty: the link estimate must not span it.
          meter.sample(performance.now(), stream.bytesFlushed, stream.backlogBytes);
        }
        pending = this.syncDirty(performance.now());
        synced = true;
        sendable = 0;
        for (const d of this.iterables) sendable += d.statePendingEstimate();
        dirtySet = Math.max(0, sendable - sendableBefore);
      }
      this.pendingBytes = pending;
      let initialData = 0;
      for (const d of devices) initialData += d.initialDataPending();
      const gateOpen = !caps['switchover-ack'] || !machine.running || this.ctx.replies.ackAt !== null;
      // Only the ack is missing once nothing the loop queued still waits for the kernel: on a
      // slow link the whole pass can sit in Node's buffer (up to 64 MiB) while the link is
      // measured, and that is still precopy under way, not a wait for the ack.
      const gated = !gateOpen && initialData === 0 && pending <= threshold && stream.backlogBytes === 0;
      // Said once per hold (again after a resume): from here on only the destination's
      // switchover-ack keeps the machine from stopping. Operators see why precopy goes on
      // with nothing left to send; the fault suite waits for it to fault this very wait.
      if (gated && !this.gated) this.ctx.log.info({ pending, threshold: Math.round(threshold) }, 'converged, holding for switchover-ack');
      this.gated = gated;
      // Convergence is judged only right after a sync, on a current pending set. With
      // nothing iterable left to send only what goes at stop remains, so switch over even
      // before a bandwidth was measured (all-zero RAM sends so few bytes that no
      // measuring window may ever see enough traffic).
      const converged = synced && gateOpen && initialData === 0 && ((pending <= threshold && meter.bandwidth > 0) || sendable === 0);
      // The machine dirtied more during the final pass than the downtime allows: iterate on.
      if (finalPass && synced && !converged) finalPass = passOut = this.switchoverDecided = false;
      if (converged) {
        // The switchover decision (a device re-arming switchover-ack from here on fails the migration).
        this.switchoverDecided = true;
        // Another final pass while the last one (drained, so measured on the wire) shrank
        // the dirty set geometrically; at the fixed point, stop.
        // The dirty set is what the sync added (state that only goes at the stop, such as
        // accel's final state, is the same after every pass and is not counted).
        const shrinking = finalPass && drained && dirtySet > 0 && dirtySet <= FINAL_PASS_SHRINK * finalPending && finalPasses < MAX_FINAL_PASSES;
        if (shrinking && machine.running) {
          this.ctx.log.debug({ pass: finalPasses, from: finalPending, to: dirtySet }, 'final pass shrank the dirty set: one more');
          finalPending = dirtySet;
          finalPasses++;
          passOut = false;
        } else if (finalPass || !machine.running || (sendable === 0 && !this.canDrain)) {
          this.expectedDowntimeAtSwitchover = this.expectedDowntime;
          // After a drained final pass nothing is in flight: stop at once.
          if (!drained) await this.drainInFlight();
          return;
        } else {
          // QEMU would stop here and send the pending set (≤ bandwidth × downtime-limit)
          // with the machine stopped. Send it while the machine still runs instead (final
          // passes, the first at most downtime-limit long), syncing after each: the
          // downtime only carries what the machine dirtied during the last one. With
          // nothing iterable pending the first pass is just the drain and its sync: the
          // backlog still in flight may take long, and what the machine dirties meanwhile
          // must not all land in the downtime.
          // The pending set judged here was measured at queue time, behind whatever backlog
          // precopy left in flight: no baseline yet, so the first drained pass always counts
          // as shrinking and the rule compares drained passes only.
          finalPass = true;
          finalPending = Number.POSITIVE_INFINITY;
          finalPasses = 1;
        }
      }

      // One round: every iterable device gets a turn (QEMU 4e1871c450), devices
      // with precopy initial data first so RAM re-sends cannot starve them.
      const allowance = limiter.allowance(now, params()['max-bandwidth']);
      if (allowance <= 0) {
        await this.sleepIdle(limiter.msToNextWindow(now), false);
        continue;
      }
      const budget = Math.min(ROUND_BYTES, allowance);
      const order = [...this.iterables].sort((a, b) => Number(b.initialDataPending() > 0) - Number(a.initialDataPending() > 0));
      let written = 0;
      for (const d of order) written += d.saveLiveIterate(stream.writerFor(d, devices.indexOf(d)), budget, false);
      if (written > 0 || converged) this.heldSaid = false;
      limiter.record(written);
      this.precopyBytes += written;
      if (caps.verify && written > 0) machine.refreshDigests(written);
      if (written === 0 && finalPass) {
        passOut = true; // sync at once
      } else if (written === 0) {
        // Nothing dirty to send: wait (for the ack, new dirt, or the next sync).
        this.noteHeld(pending, threshold, gateOpen && initialData === 0 && pending > threshold && this.thresholdFrozen);
        await this.sleepIdle(IDLE_WAIT_MS, true);
      } else {
        // The round goes to the kernel now, and the loop waits only on a deep backlog,
        // so the socket never runs dry while the next round is prepared.
        stream.push();
        if (stream.needsDrain) {
          meter.backpressured();
          await stream.flush(link.signal);
        } else await yieldToLoop();
      }
    }
  }

  /**
   * With nothing sent the threshold can no longer change: avail-switchover-bandwidth
   * sets it, or the link estimate does (kept through idle spells, see link-rate.ts).
   * Not the sender's own rate, the stand-in before a link sample: its windows age out.
   */
  private get thresholdFrozen(): boolean {
    return this.ctx.params()['avail-switchover-bandwidth'] > 0 || (this.meter?.link.rate ?? 0) > 0;
  }

  /**
   * Precopy has nothing left to send before the stop, yet what only goes at the
   * stop (accel's final state, the CPUs) is more than the threshold. Nothing
   * but downtime-limit, avail-switchover-bandwidth or timeout changes that: no
   * sync is due above the threshold, and with nothing sent the link estimate
   * takes no new sample. The migration stays active (as QEMU's would), but not
   * silently: said once per hold, with the figures (an estimate of 578 B/s on
   * loopback, from a miscounted TLS interval, once held a migration for good).
   */
  private noteHeld(pending: number, threshold: number, held: boolean): void {
    if (!held || this.heldSaid) return;
    this.heldSaid = true;
    const bandwidth = Math.round(switchoverBandwidth(this.convergenceInputs()) * 1000);
    const p = this.ctx.params();
    const timeout = p.timeout > 0 ? `timeout (${p.timeout} ms) ends it` : 'timeout is off (0): only migrate_cancel ends it';
    this.ctx.log.warn(
      { pending, threshold: Math.round(threshold), bandwidth, downtimeLimit: p['downtime-limit'] },
      `precopy cannot converge: nothing is left to send before the stop, and the ${pending} bytes that go at the stop are more than the threshold (${Math.round(threshold)} bytes: bandwidth ${bandwidth} B/s × downtime-limit ${p['downtime-limit']} ms); it waits for a larger downtime-limit or avail-switchover-bandwidth; ${timeout}`,
    );
  }

  /** Whether drainInFlight() can tell when the destination has taken what was sent. */
  private get canDrain(): boolean {
    return this.ctx.caps['return-path'] && this.ctx.machine.running && this.ctx.link.watchdog !== null;
  }

  /**
   * Waits until the destination has taken everything queued so far (a PING,
   * answered in stream order): before each final pass's sync, and before the
   * stop. Precopy keeps the socket full, so the kernel buffers on both ends
   * hold megabytes that the stop-and-copy would otherwise wait behind, machine
   * stopped; the wait costs the running machine only the pages it dirties
   * meanwhile, which the next sync picks up. Returns false when it cannot tell
   * (no return path, machine not running, PINGs unanswered): nothing was waited for.
   */
  private async drainInFlight(): Promise<boolean> {
    const { machine, link, log } = this.ctx;
    // Pages still in the compression workers (multifd-compression) or in Node's
    // buffers are in flight too: out to the kernel first, machine still running.
    if (machine.running) await link.channels!.flush(link.signal);
    if (!this.canDrain || !link.watchdog) return false;
    const value = link.watchdog.ping();
    if (value === null) return false;
    const keepalive = link.watchdog.keepalive;
    const t0 = performance.now();
    await link.waitForPeer('the destination to take the precopy data in flight', () => keepalive.answered(value));
    log.debug({ ms: Math.round((performance.now() - t0) * 10) / 10 }, 'precopy data in flight taken by the destination');
    return true;
  }

  /** QEMU's bitmap sync: fold newly dirtied state into the send set; one pass. */
  private syncDirty(now: number): number {
    // Pages of this pass must all be loaded before any re-sent copy of the next (multifd).
    this.ctx.link.channels!.syncMultifd();
    let pending = 0;
    let newlyDirty = 0;
    let newlyDirtyBytes = 0;
    for (const d of this.ctx.machine.devices) {
      pending += d.statePendingExact();
      const mem = d.memoryCounters?.();
      if (mem) {
        newlyDirty += mem.lastSyncDirtyPages;
        newlyDirtyBytes += mem.lastSyncDirtyPages * mem.pageSize;
      }
    }
    if (this.lastSyncAt > 0) {
      this.dirtyPagesRate = (newlyDirty * 1000) / (now - this.lastSyncAt);
      this.autoConverge?.onSync(newlyDirtyBytes, this.precopyBytes - this.precopyBytesAtSync);
    }
    this.precopyBytesAtSync = this.precopyBytes;
    this.lastSyncAt = now;
    this.passes++;
    this.ctx.log.debug({ pass: this.passes, pending, newlyDirty }, 'dirty sync');
    this.onPass(this.passes);
    return pending;
  }

  private async sleepIdle(ms: number, idle: boolean): Promise<void> {
    const t0 = performance.now();
    // Idle time is free time for digest work, so little of it is left for the downtime.
    if (idle && this.ctx.caps.verify) this.ctx.machine.refreshDigests(IDLE_DIGEST_BYTES);
    await this.ctx.link.wakeup.wait(ms);
    if (idle) this.meter?.addIdle(performance.now() - t0);
  }

  private checkTimeouts(now: number): void {
    const { params, caps, machine, replies } = this.ctx;
    const p = params();
    // Time with the link up (setup included), not wall time: see pausedMs.
    const elapsed = now - this.startedAt - this.pausedMs;
    if (p['switchover-ack-timeout'] > 0 && caps['switchover-ack'] && replies.ackAt === null && machine.running && elapsed > p['switchover-ack-timeout']) {
      throw new TimeoutError(`no SWITCHOVER_ACK from the destination within switchover-ack-timeout (${p['switchover-ack-timeout']} ms)`);
    }
    if (p.timeout > 0 && elapsed > p.timeout) {
      throw new TimeoutError(`migration did not converge within timeout (${p.timeout} ms)`);
    }
  }
}
