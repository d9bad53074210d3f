/**
 * Every connection of one outgoing migration as one thing: the main channel
 * and, with multifd, the extra page channels. The migration loop asks it for
 * section writers, byte counts (for the bandwidth estimate), backpressure,
 * and the multifd sync point; it does not need to know how many sockets there are.
 */
import { livemig } from '@livemig/common/wire';
import { type Device, type SectionWriter } from '@livemig/common/devices';
import type { MigrationStream } from './migration-stream';
import type { MultifdSender } from './multifd-sender';
import type { CompressionTotals } from './compressing-channel';

export type MultifdCompressionInfo = CompressionTotals & { readonly method: string };

export class MigrationChannels {
  readonly main: MigrationStream;
  private multifd: MultifdSender | null = null;
  private readonly writers = new Map<Device, SectionWriter>();

  constructor(main: MigrationStream) {
    this.main = main;
  }

  attachMultifd(sender: MultifdSender): void {
    this.multifd = sender;
  }

  /** multifd-compression's totals (null without compression). */
  get compression(): MultifdCompressionInfo | null {
    return this.multifd?.compression ?? null;
  }

  get multifdChannels(): number {
    return this.multifd?.channels ?? 0;
  }

  /** The writer for a device's sections: PART sections of a type that may use multifd go over the channels when it is on. */
  sectionWriter(device: Device, sectionId: number): SectionWriter {
    const main = this.main.sectionWriter(device, sectionId);
    return this.multifd && device.type.multifd ? this.multifd.writerFor(device, sectionId, main) : main;
  }

  /**
   * The device's section writer, made on first use (so after multifd is
   * attached): its section id is the device's place in the machine + 1.
   */
  writerFor(device: Device, index: number): SectionWriter {
    let w = this.writers.get(device);
    if (!w) {
      w = this.sectionWriter(device, index + 1);
      this.writers.set(device, w);
    }
    return w;
  }

  /**
   * The multifd sync point (QEMU multifd_send_sync_main + RAM_SAVE_FLAG_MULTIFD_FLUSH):
   * a marker on every channel and CMD_MULTIFD_SYNC on the main channel, when
   * pages went over the channels since the last one. Call it before each
   * dirty-bitmap sync and before the END sections.
   */
  syncMultifd(): void {
    const seq = this.multifd?.sync() ?? null;
    if (seq !== null) this.main.writeFrame({ command: { type: livemig.CommandType.CMD_MULTIFD_SYNC, value: seq } });
  }

  /** Hands everything queued on every channel to the kernel now (see MigrationStream.push). */
  push(): void {
    this.main.push();
    this.multifd?.push();
  }

  get bytesQueued(): number {
    return this.main.bytesQueued + (this.multifd?.bytesQueued ?? 0);
  }

  get bytesFlushed(): number {
    return this.main.bytesFlushed + (this.multifd?.bytesFlushed ?? 0);
  }

  /** Bytes handed to the channels that the kernel has not taken yet (Node's buffers; not the compression workers'). */
  get backlogBytes(): number {
    return this.bytesQueued - this.bytesFlushed;
  }

  get needsDrain(): boolean {
    return this.main.needsDrain || (this.multifd?.needsDrain ?? false);
  }

  async flush(signal: AbortSignal): Promise<void> {
    await Promise.all([this.main.flush(signal), this.multifd?.flush(signal)]);
  }

  end(): void {
    this.multifd?.end();
  }

  destroy(): void {
    this.multifd?.destroy();
  }
}
