/**
 * The samples of the last migration, kept in the source daemon so that a live
 * view opened during or after it can plot it from the start
 * (`x-query-migrate-history`, beyond QEMU). While a migration runs, the
 * `query-migrate` figures the charts use are taken every SAMPLE_MS; the list is
 * bounded: when full, every other sample is dropped and the interval doubles,
 * so a long migration keeps its whole shape at a coarser grain.
 */
const SAMPLE_MS = 150;
const MAX_SAMPLES = 2000;

/** One sample: the chart fields of a query-migrate reply, plus the downtime-limit then. */
export type HistorySample = Readonly<Record<string, unknown>>;

/** The query-migrate fields the live view's charts read (live-view.js sampleOf). */
function chartFields(info: Record<string, unknown>, downtimeLimit: number): HistorySample {
  const ram = (info.ram ?? {}) as Record<string, unknown>;
  return {
    status: info.status,
    'total-time': info['total-time'],
    'dirty-sync-count': info['dirty-sync-count'],
    remaining: info.remaining,
    'threshold-bytes': info['threshold-bytes'],
    'bandwidth-bytes-per-second': info['bandwidth-bytes-per-second'],
    'expected-downtime': info['expected-downtime'],
    'downtime-limit': downtimeLimit,
    ram: { mbps: ram.mbps, 'dirty-pages-rate': ram['dirty-pages-rate'], 'page-size': ram['page-size'], remaining: ram.remaining, 'dirty-sync-count': ram['dirty-sync-count'] },
  };
}

export class MigrationHistory {
  private samples: HistorySample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private intervalMs = SAMPLE_MS;
  private sinceLast = 0;

  /**
   * `read` gives the current query-migrate object and downtime-limit; while
   * `quiet()` (the machine is stopped for the switchover) no sample is taken:
   * building a query-migrate reply is work inside the downtime, and stop()
   * takes the final figures anyway.
   */
  constructor(
    private readonly read: () => { info: Record<string, unknown>; downtimeLimit: number },
    private readonly quiet: () => boolean = () => false,
  ) {}

  /** A migration started: forget the previous one and sample this one until stop(). */
  start(): void {
    this.stop();
    this.samples = [];
    this.intervalMs = SAMPLE_MS;
    this.sinceLast = 0;
    this.timer = setInterval(() => this.tick(), SAMPLE_MS);
    this.timer.unref();
  }

  /** The migration ended: one last sample (its final figures), then no more. */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    this.take();
  }

  list(): HistorySample[] {
    return [...this.samples];
  }

  private tick(): void {
    this.sinceLast += SAMPLE_MS;
    if (this.sinceLast < this.intervalMs || this.quiet()) return;
    this.sinceLast = 0;
    this.take();
  }

  private take(): void {
    const { info, downtimeLimit } = this.read();
    this.samples.push(chartFields(info, downtimeLimit));
    if (this.samples.length >= MAX_SAMPLES) {
      this.samples = this.samples.filter((_, i) => i % 2 === 0);
      this.intervalMs *= 2;
    }
  }
}
