/**
 * The fault-injection harness (test/faults*.test.ts): one seeded, idle machine
 * (its state does not change while it runs, so digests are comparable), a
 * destination that misbehaves once at a named point (LIVEMIG_TEST_FAULT, see
 * packages/destination/src/test-faults.ts), and the checks every fault must
 * pass: the source ends failed/cancelled with an error naming the cause, runs
 * (or, after the commit, stays paused) with exactly the state it started with,
 * the destination discards what it got and frees its pre-allocations, and a
 * second migration succeeds and verifies.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { Machine, parseDeviceList, parseWorkloadSpec } from '@livemig/common/devices';
import { controlAddress, killEach, startDestination, startSource, type DaemonProcess } from './daemons';
import { QmpWsClient } from './qmp-client';

export const DEVICE_SPECS = [
  'ram,id=ram0,size=16M,seed=11',
  'accel,id=accel0,resources=2,resource-size=1M,alloc-ms=200,initial-size=64K,state-size=256K,seed=22',
  'cpu,id=cpu0,vcpus=2,seed=33',
];
export const MACHINE = DEVICE_SPECS.flatMap((d) => ['--device', d]);
export const IDLE = ['--workload', 'dirty-rate=0'];
export const ALL_CAPS = 'return-path,switchover-ack,verify';

/** The digests the seeded machine has before any migration, computed in this process. */
export function expectedDigests(): Record<string, string> {
  const m = new Machine(parseDeviceList(DEVICE_SPECS), parseWorkloadSpec('dirty-rate=0'), 'source');
  try {
    return Object.fromEntries([...m.digests()].map(([id, d]) => [id, d.toString('hex')]));
  } finally {
    m.close();
  }
}

let secretFile: string | null = null;
export function authSecretFile(): string {
  if (!secretFile) {
    secretFile = join(mkdtempSync(join(tmpdir(), 'livemig-faults-')), 'secret');
    writeFileSync(secretFile, 'fault-suite shared secret, generated per run\n', { mode: 0o600 });
  }
  return secretFile;
}

export type Fault = 'kill' | 'reset' | 'stall' | 'cancel' | 'corrupt';

export interface FaultCase {
  fault: Fault;
  /** Fault point on the destination (test-faults.ts). */
  point: string;
  /** The migration phase the fault hits, as the source's error-desc names it. */
  phase: RegExp;
  caps?: string;
  /** Run with a shared secret (gives the source a real setup phase: waiting for the challenge). */
  auth?: boolean;
  /** The fault lands after the source's commit: the source stays paused. */
  afterCommit?: boolean;
  /** The source's status while the destination is held at the point (checked before a cancel). */
  statusAtFault?: 'setup' | 'active' | 'device';
}

const CAUSE: Record<Fault, RegExp> = {
  kill: /connection to the destination lost/,
  reset: /connection to the destination lost.*(ECONNRESET|EPIPE|reset)/,
  stall: /destination stalled/,
  cancel: /cancelled/,
  corrupt: /verification failed/,
};

export interface FaultReport {
  fault: Fault;
  point: string;
  status: string;
  errorDesc: string;
  destinationOutcome: string;
}

/** Every fault injected in this test file, for the summary line (printFaultSummary empties it). */
export const injected: FaultReport[] = [];

/** Prints the summary and removes this file's temp files (call in afterAll). */
export function printFaultSummary(file: string): void {
  if (secretFile) rmSync(dirname(secretFile), { recursive: true, force: true });
  secretFile = null;
  const lines = injected.map((r) => `  ${r.fault}@${r.point}: ${r.status} — ${r.errorDesc} [destination: ${r.destinationOutcome}]`);
  console.log(`${file}: ${injected.length} faults injected, each followed by a verified migration\n${lines.join('\n')}`);
  // A later summary in the same process (a worker shared by files) never repeats these.
  injected.length = 0;
}

/**
 * The destination holds the ack at `ack-wait` and injects on SIGUSR2
 * (test-faults.ts): sent once the source says it is held by the gate, so the
 * fault lands in that wait every run, however slowly the first pass went.
 */
async function faultInSwitchoverAckWait(src: DaemonProcess, qmp: QmpWsClient, faulty: DaemonProcess): Promise<void> {
  // A migration that ends first will never get there: say so rather than wait for the test's timeout.
  const ended = qmp
    .waitEvent((e) => e.event === 'MIGRATION' && ['failed', 'cancelled', 'completed'].includes(e.data?.status as string))
    .then((e) => Promise.reject(new Error(`migration ${String(e.data?.status)} before the switchover-ack wait`)));
  await Promise.race([ended, Promise.all([faulty.waitMsg('test fault: holding the switchover-ack until SIGUSR2'), src.waitMsg('converged, holding for switchover-ack')])]);
  faulty.kill('SIGUSR2');
}

/** Runs one fault case end to end; returns what happened (assertions inside). */
export async function runFaultCase(c: FaultCase, expected: Record<string, string>): Promise<FaultReport> {
  const caps = ['--caps', c.caps ?? ALL_CAPS];
  const auth = c.auth ? ['--auth-secret-file', authSecretFile()] : [];
  // A cancel needs the source held in the phase: the destination stalls there and the user cancels.
  const action = c.fault === 'cancel' ? 'stall' : c.fault;
  const { d: faulty, uri } = await startDestination([...MACHINE, ...caps, ...auth, '--control', '127.0.0.1:0'], { LIVEMIG_TEST_FAULT: `${action}@${c.point}` });
  // This case's daemons, killed when it ends: cases may run concurrently (faults-stall).
  const own: DaemonProcess[] = [faulty];
  const dstQmp = await QmpWsClient.connect(await controlAddress(faulty));
  const stallTimeout = c.fault === 'stall' ? 1500 : 60_000;
  const src = startSource([...MACHINE, ...IDLE, ...caps, ...auth, '--control', '127.0.0.1:0', '--param', `stall-timeout=${stallTimeout}`]);
  own.push(src);
  const qmp = await QmpWsClient.connect(await controlAddress(src));
  try {
    expect(await qmp.call('query-digests')).toEqual(expected);
    await qmp.call('migrate', { uri });
    if (c.point === 'ack-wait') await faultInSwitchoverAckWait(src, qmp, faulty);
    if (c.fault === 'cancel') {
      await faulty.waitMsg('test fault: injecting');
      if (c.statusAtFault) expect((await qmp.call('query-migrate')).status).toBe(c.statusAtFault);
      await qmp.call('migrate_cancel');
    }
    const end = await qmp.waitEvent((e) => e.event === 'MIGRATION' && ['failed', 'cancelled', 'completed'].includes(e.data?.status as string));
    const info = await qmp.call('query-migrate');
    const errorDesc = String(info['error-desc']);
    expect(end.data?.status, errorDesc).toBe(c.fault === 'cancel' ? 'cancelled' : 'failed');
    expect(errorDesc).toMatch(CAUSE[c.fault]);
    if (c.fault !== 'cancel') expect(errorDesc).toMatch(c.phase);
    // The source: state intact, running again (paused after a commit: never two running copies).
    const runState = (await qmp.call('query-status')).status;
    expect(runState).toBe(c.afterCommit ? 'paused' : 'running');
    if (c.afterCommit) expect(errorDesc).toMatch(/may be running there: the source stays paused/);
    expect(await qmp.call('query-digests')).toEqual(expected);
    if (c.afterCommit) {
      // Which copy runs is the operator's call: `cont` starts the paused source (QEMU's
      // qmp_cont after a failed migration), with the state it had.
      expect(await qmp.call('cont')).toEqual({});
      expect((await qmp.call('query-status')).status).toBe('running');
      expect(await qmp.call('query-digests')).toEqual(expected);
    }

    // The destination: discards the partial state and is ready again (a killed one is replaced).
    let target: { d: DaemonProcess; uri: string; qmp: QmpWsClient } = { d: faulty, uri, qmp: dstQmp };
    let destinationOutcome = 'killed';
    if (c.fault === 'kill') {
      const exit = await faulty.exited;
      expect(exit.signal).toBe('SIGKILL');
      dstQmp.close();
      const fresh = await startDestination([...MACHINE, ...caps, ...auth, '--control', '127.0.0.1:0']);
      own.push(fresh.d);
      target = { d: fresh.d, uri: fresh.uri, qmp: await QmpWsClient.connect(await controlAddress(fresh.d)) };
    } else {
      if (action === 'stall') faulty.proc.kill('SIGCONT');
      const outcome = await faulty.waitLog(
        (l) => ['incoming migration failed; partial state discarded', 'connection refused before it became a migration', 'machine resumed'].includes(l.msg),
        'the destination to end the faulty connection',
      );
      destinationOutcome = outcome.msg;
      if (c.afterCommit) {
        // It was told to resume before it stalled: it runs the machine, the source stays paused.
        expect(outcome.msg).toBe('machine resumed');
        dstQmp.close();
        const fresh = await startDestination([...MACHINE, ...caps, ...auth, '--control', '127.0.0.1:0']);
        own.push(fresh.d);
        target = { d: fresh.d, uri: fresh.uri, qmp: await QmpWsClient.connect(await controlAddress(fresh.d)) };
      } else {
        expect(outcome.msg).not.toBe('machine resumed');
        expect((await dstQmp.call('query-status')).status).toBe('inmigrate');
        const devices = (await dstQmp.call('query-devices')) as Array<Record<string, unknown>>;
        expect(devices.find((x) => x.id === 'accel0')?.['allocated-resources']).toBe(0);
      }
    }

    // A second migration succeeds, verified, and lands exactly the original state.
    await qmp.call('migrate-set-parameters', { 'stall-timeout': 10_000 });
    const before = qmp.events.length;
    await qmp.call('migrate', { uri: target.uri });
    const second = await qmp.waitEvent((e) => qmp.events.indexOf(e) >= before && e.event === 'MIGRATION' && ['failed', 'cancelled', 'completed'].includes(e.data?.status as string));
    const info2 = await qmp.call('query-migrate');
    expect(second.data?.status, String(info2['error-desc'])).toBe('completed');
    if ((c.caps ?? ALL_CAPS).includes('verify')) expect(info2.verified).toBe(true);
    expect(await target.qmp.call('query-digests')).toEqual(expected);
    target.qmp.close();
    if (target.qmp !== dstQmp) dstQmp.close();
    const report: FaultReport = { fault: c.fault, point: c.point, status: end.data?.status as string, errorDesc, destinationOutcome };
    injected.push(report);
    return report;
  } catch (err) {
    // Put both daemons' last words next to the failed assertion.
    const tail = (d: DaemonProcess): string => d.stderrText.slice(-3000);
    if (err instanceof Error) err.message += `\n--- source log ---\n${tail(src)}\n--- faulty destination log ---\n${tail(faulty)}`;
    throw err;
  } finally {
    qmp.close();
    await killEach(...own);
  }
}
