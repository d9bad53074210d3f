/**
 * The end of an incoming migration (QEMU qemu_loadvm_state after the last
 * section, then process_incoming_migration_bh): after EOF every device's
 * final load (accel waits for its allocation), the digest check when verify
 * is on; then, with a return path, LOADED and a wait for the source's commit
 * (CMD_RESUME) before resuming; without, resume at once. Resuming sends
 * RESUMED with the destination's side of the downtime (with a return path)
 * and SHUT ok; with autostart off (`stop` while inmigrate) the machine is left
 * paused instead. Also the figures query-migrate and RESUMED report: when
 * switchover and EOF arrived, load and verify times, per-device load times.
 */
import { ProtocolError, VerifyError, toMigError, type MigError } from '@livemig/common/errors';
import { livemig } from '@livemig/common/wire';
import { type Machine } from '@livemig/common/devices';
import { type Logger } from '@livemig/common/daemon';
import type { ReturnPathWriter } from './return-path-writer';
import type { SectionTable } from './section-table';
import type { LoadPoint } from './probes';

export interface DeviceLoadTimes {
  [id: string]: number;
}

/** The migration's side of the end: its fault points and phase moves. */
export interface FinalLoadOwner {
  finished(): boolean;
  /** Publishes a point of the migration's life (probes.ts); a subscriber may fail the migration. */
  reached(point: LoadPoint): void;
  /** Loaded (and verified), LOADED sent: wait for the commit. */
  awaitCommit(): void;
  /** The machine runs here now (`paused`: is ready to, left paused) and the source was told: the migration completed. */
  completed(paused: boolean): void;
  fail(err: MigError): void;
}

export class FinalLoad {
  private readonly machine: Machine;
  private readonly rp: ReturnPathWriter;
  private readonly log: Logger;
  private readonly owner: FinalLoadOwner;
  private sourceDigests: Map<string, Buffer> | null = null;
  switchoverAt = 0;
  eofAt = 0;
  loadedAt = 0;
  verifyMs = 0;
  verified: boolean | null = null;
  readonly deviceLoadMs: DeviceLoadTimes = {};
  /** EOF said the machine was paused on the source: it stays paused here. */
  sourcePaused = false;

  constructor(machine: Machine, rp: ReturnPathWriter, log: Logger, owner: FinalLoadOwner) {
    this.machine = machine;
    this.rp = rp;
    this.log = log;
    this.owner = owner;
  }

  /** The source's digests (the Verify frame, once, after SWITCHOVER_START). */
  receiveDigests(digests: readonly livemig.DeviceDigest.$Properties[]): void {
    if (this.sourceDigests) throw new ProtocolError('digests sent twice');
    this.sourceDigests = new Map(digests.map((d) => [d.deviceId ?? '', Buffer.from(d.digest ?? [])]));
  }

  /** After EOF: final loads, verification (`verify`); then the commit (return path) or resume. */
  async run(sections: SectionTable, verify: boolean): Promise<void> {
    try {
      sections.checkAllEnded();
      await Promise.all(
        this.machine.devices.map(async (d) => {
          await sections.settled(d);
          await d.loadComplete();
          this.deviceLoadMs[d.id] = performance.now() - this.switchoverAt;
        }),
      );
      if (this.owner.finished()) return;
      this.loadedAt = performance.now();
      if (verify) this.verify();
      this.verifyMs = performance.now() - this.loadedAt;
      this.owner.reached('loaded');
      if (this.owner.finished()) return;
      if (this.rp.isOpen) {
        // The machine stays stopped until the source commits (CMD_RESUME).
        this.owner.awaitCommit();
        this.rp.send({ loaded: { verified: this.verified === true, deviceMessages: this.deviceMessages() } });
      } else {
        this.resume();
      }
    } catch (err) {
      this.owner.fail(toMigError(err, 'MIG_ERR_DEVICE'));
    }
  }

  /**
   * Runs the machine here (QEMU process_incoming_migration_bh) and tells the
   * source: RESUMED with the figures, SHUT ok. With autostart off (the user ran
   * `stop` while the machine waited for the migration), or when the machine was
   * paused on the source (EOF says so, as QEMU's global_state carries the run
   * state), it is left paused, as QEMU does, until `cont`; RESUMED says so. The
   * commit is the same either way.
   */
  resume(): void {
    const paused = !this.machine.autostart || this.sourcePaused;
    try {
      if (paused) this.machine.stop('paused');
      else this.machine.start();
      if (this.rp.isOpen) {
        this.rp.send({
          resumed: {
            receiveMs: this.eofAt - this.switchoverAt,
            loadMs: this.loadedAt - this.eofAt,
            verifyMs: this.verifyMs,
            verified: this.verified === true,
            devices: Object.entries(this.deviceLoadMs).map(([deviceId, loadMs]) => ({ deviceId, loadMs })),
            paused,
          },
        });
      }
      this.rp.shut(true);
    } catch (err) {
      // The machine runs here now (or is ready to, paused): a failing return path no longer undoes that.
      this.log.warn({ err: toMigError(err).message }, 'could not confirm the resume to the source');
    }
    this.owner.completed(paused);
  }

  /** The devices' completion messages for their source device (completionMessage()). */
  private deviceMessages(): livemig.DeviceMessage.$Properties[] {
    const out: livemig.DeviceMessage.$Properties[] = [];
    for (const d of this.machine.devices) {
      const data = d.completionMessage?.();
      if (data && data.length > 0) out.push({ deviceId: d.id, data });
    }
    return out;
  }

  private verify(): void {
    const source = this.sourceDigests;
    if (!source) throw new VerifyError('verify is on but the source sent no digests');
    const t0 = performance.now();
    const ours = this.machine.digests();
    this.log.debug({ ms: Math.round(performance.now() - t0) }, 'destination digests computed');
    for (const [id, digest] of ours) {
      const theirs = source.get(id);
      if (!theirs) throw new VerifyError(`verification failed: no source digest for '${id}'`);
      if (!theirs.equals(digest)) {
        throw new VerifyError(`verification failed for '${id}': destination state ${digest.toString('hex').slice(0, 16)}… differs from source ${theirs.toString('hex').slice(0, 16)}…`);
      }
    }
    this.verified = true;
  }
}
