/**
 * The device contract suite: checks any device type against the contract
 * (devices/device.ts) without sockets, save side into load side through real
 * frames. Every registered type runs it (test/device-contract.test.ts), and an
 * application can run it on its own types:
 *
 *   await checkDeviceContract(myType, 'mytype,id=d0,size=1M', { mutate: (d) => d.poke() });
 *
 * Throws a ContractViolation naming the first broken rule.
 */
import { parseDeviceSpec } from '../device-spec';
import type { Device, DeviceLogger, DeviceType, SectionWriter } from '../devices/device';
import { MemorySectionWriter, loadSections, recordingLoadContext, saveContext } from './index';

export class ContractViolation extends Error {}

export interface ContractOptions {
  /** Changes the source device's state as the running machine would (between precopy rounds). */
  mutate?: (source: Device) => void;
  /** With switchover-ack on (devices that gate switchover must approve). Default: as the type needs. */
  switchoverAck?: boolean;
  /** Rounds of precopy before stop-and-copy (default 20). */
  rounds?: number;
}

function check(ok: boolean, rule: string): void {
  if (!ok) throw new ContractViolation(rule);
}

/** A writer that counts what it wrote, so the device's own byte counts can be checked against it. */
class CountingWriter implements SectionWriter {
  bytes = 0;
  constructor(private readonly inner: MemorySectionWriter) {}
  write(...args: Parameters<SectionWriter['write']>): number {
    const n = this.inner.write(...args);
    this.bytes += n;
    return n;
  }
}

/** One migration from `src` into `dst` (precopy with mutations, then stop-and-copy); returns the approvals seen. */
async function migrate(src: Device, dst: Device, opts: ContractOptions, ack: boolean): Promise<number> {
  const mem = new MemorySectionWriter(src);
  const out = new CountingWriter(mem);
  const ctx = recordingLoadContext(ack);
  const pending: Array<Promise<void>> = [];
  dst.loadSetup(ctx);
  src.saveSetup(out, saveContext(ack));
  check(src.statePendingEstimate() >= 0 && src.statePendingExact() >= 0, 'pending is never negative');
  for (let round = 0; round < (opts.rounds ?? 20); round++) {
    if (!src.iterable) break;
    const before = out.bytes;
    const pendingBefore = src.statePendingEstimate();
    const n = src.saveLiveIterate(out, 1 << 20, false);
    check(n === out.bytes - before, `saveLiveIterate returns the bytes it wrote (returned ${n}, wrote ${out.bytes - before})`);
    check(n === 0 || src.statePendingEstimate() < pendingBefore, `pending goes down as state is sent (${pendingBefore} → ${src.statePendingEstimate()} after ${n} bytes)`);
    check(n > 0 || pendingBefore === 0 || round > 0, 'a device with state pending sends some of it');
    loadSections(dst, mem.take(), 65536, pending);
    opts.mutate?.(src);
    if (src.statePendingExact() === 0 && src.initialDataPending() === 0) break;
  }
  // Stop-and-copy: the machine is stopped, nothing changes any more.
  src.statePendingExact();
  for (let i = 0; i < 10_000; i++) {
    if (src.saveLiveIterate(out, 1 << 20, true) === 0) break;
    loadSections(dst, mem.take(), 65536, pending);
  }
  check(src.statePendingExact() === 0 || !src.iterable, `nothing pending after the final rounds (${src.statePendingExact()} bytes)`);
  check(src.initialDataPending() === 0, 'no initial data pending at the end');
  src.saveLiveCompletePrecopy(out);
  loadSections(dst, mem.take(), 65536, pending);
  await Promise.all(pending);
  await dst.loadComplete();
  src.saveCleanup();
  return ctx.approvals.length;
}

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r === 'Immediate').length;
}

/** Open sockets and listeners (what start() may take and dispose() must give back). */
function activeHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => /^(TCP|Pipe|UDP)/.test(r)).length;
}

/** A logger that keeps its lines, handed to start() (the engine hands a pino child). */
function recordingLogger(lines: string[]): DeviceLogger {
  const rec = (level: string) => (o: object | string, m?: string) => void lines.push(`${level} ${typeof o === 'string' ? o : (m ?? '')}`);
  return { debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') };
}

/** Runs every check of the contract suite on `type` with the device spec `specText` (parsed by the registered type). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function checkDeviceContract(type: DeviceType<any>, specText: string, opts: ContractOptions = {}): Promise<void> {
  const spec = parseDeviceSpec(specText);
  check(spec.type === type.name, `the spec '${specText}' is of type ${type.name}`);
  const make = (role: 'source' | 'destination'): Device => type.create(spec, role);
  const src = make('source');
  const dst = make('destination');
  check(src.id === spec.id && src.type.name === type.name && src.version === type.version, 'the device carries its id, type and version');
  check(src.iterable === type.iterable, 'the device is iterable exactly when its type says so');
  check(typeof type.shape(spec) === 'string', 'shape() is text');
  const ack = opts.switchoverAck ?? src.switchoverAckNeeded();
  const timers = activeTimers();
  const handles = activeHandles();

  // 0. The optional lifetime hooks: start() (maybe async) is given a role and a logger.
  const logLines: string[] = [];
  for (const [d, role] of [
    [src, 'source'],
    [dst, 'destination'],
  ] as const) {
    if (d.start) await d.start({ role, log: recordingLogger(logLines) });
  }

  // 1. Round trip: the destination ends with the source's state (digest equality).
  const approvals = await migrate(src, dst, opts, ack);
  check(dst.digest().equals(src.digest()), 'after a migration the destination digest equals the source digest');
  if (ack && dst.switchoverAckNeeded()) check(approvals === 1, `a device that gates switchover approves exactly once (${approvals})`);
  else check(approvals === 0, 'a device that does not gate switchover never approves');

  // 2. Pending accounting is checked round by round in migrate(): bytes returned = bytes written,
  // pending goes down as state goes out, nothing pending after the final rounds.

  // 3. Cleanup leaves nothing: a load abandoned half way, cleaned up, then a whole new migration into the same device.
  const again = make('source');
  const mem = new MemorySectionWriter(again);
  dst.loadSetup(recordingLoadContext(ack));
  again.saveSetup(mem, saveContext(ack));
  if (again.iterable) again.saveLiveIterate(mem, 1 << 16, false);
  loadSections(dst, mem.take());
  again.saveCleanup();
  dst.loadCleanup();
  await new Promise((r) => setImmediate(r));
  check(activeTimers() <= timers, 'loadCleanup and saveCleanup leave no timer running');
  opts.mutate?.(src);
  await migrate(src, dst, opts, ack);
  check(dst.digest().equals(src.digest()), 'after loadCleanup the device takes a whole new migration');
  dst.loadCleanup();

  // 4. quiesce with an aborted signal resolves at once; dispose gives back what start and the migrations took.
  if (src.quiesce) {
    const c = new AbortController();
    c.abort();
    let settled = false;
    void src.quiesce({ signal: c.signal }).then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    check(settled, 'quiesce resolves promptly once its signal is aborted');
  }
  for (const d of [src, again, dst]) await d.dispose?.();
  for (const d of [src, again, dst]) await d.dispose?.(); // idempotent
  await new Promise((r) => setTimeout(r, 20));
  if (src.dispose || dst.dispose) {
    check(activeHandles() <= handles, `dispose leaves no socket or listener open (${activeHandles()} > ${handles})`);
    check(activeTimers() <= timers, 'dispose leaves no timer running');
  }
}
