/**
 * Fault injection, part 3: real network faults. Source and destination run
 * in two network namespaces joined by a shaped veth pair (test/helpers/netns.ts);
 * the link is taken down (`ip link set veth0 down` on the source's end) or every
 * packet is silently dropped (an nftables drop-all table in the destination's
 * namespace) at three points: precopy, the wait for switchover-ack, and
 * stop-and-copy. Nothing tells either end: no RST, no FIN, just silence, so
 * only the stall-timeout watchdogs can end it. Each case ends with the
 * source running with exactly the state it started with, the destination
 * back to waiting with its pre-allocations freed, and, once the link is
 * restored, a second migration over it that completes and verifies.
 *
 * The cases run concurrently: each has its own pair of namespaces and its own
 * daemons, and mostly waits (an 800 ms stall-timeout, a slow link, a 2.5 s
 * allocation). Every link command a case runs (creating, breaking, mending,
 * reshaping and removing its link) is asynchronous (execFile), so none holds
 * up another case's reaction to its events: the stop-and-copy case must break
 * its link while the final state is still crossing. Each case kills its own
 * daemons and removes its own link when it ends, also when it fails;
 * killAll/closeLinks in afterAll are the backstop.
 */
import { afterAll, describe, it, type ExpectStatic, type TestContext } from 'vitest';
import { Machine, parseDeviceList, parseWorkloadSpec } from '@livemig/common/devices';
import { killAll, killEach, type DaemonProcess } from './helpers/daemons';
import { NsQmp, closeLink, closeLinks, netnsGate, openLink, startDestinationIn, startSourceIn } from './helpers/netns';
import { migrationEnded, pollUntil } from './helpers/poll';

const gate = netnsGate(['nft']);

afterAll(async () => {
  await killAll();
  closeLinks();
});

/** Slow enough that each phase lasts long enough to be hit (precopy ~1.7 s, stop-and-copy ~0.7 s). */
const FAULT_RATE = '50mbit';
/** The second migration runs at full speed. */
const RESTORED_RATE = '1gbit';
/** Silence is noticed after this long, on both ends. */
const STALL_MS = 800;
const RAM_BYTES = 8 * 1024 * 1024;
const ACCEL_BYTES = 2 * 1024 * 1024;
const STATE_BYTES = 4 * 1024 * 1024;

function machine(allocMs: number): string[] {
  return [
    `ram,id=ram0,size=${RAM_BYTES},seed=11`,
    `accel,id=accel0,resources=2,resource-size=1M,alloc-ms=${allocMs},initial-size=64K,state-size=${STATE_BYTES},seed=22`,
    'cpu,id=cpu0,vcpus=2,seed=33',
  ];
}

function digestsOf(specs: string[]): Record<string, string> {
  const m = new Machine(parseDeviceList(specs), parseWorkloadSpec('dirty-rate=0'), 'source');
  try {
    return Object.fromEntries([...m.digests()].map(([id, d]) => [id, d.toString('hex')]));
  } finally {
    m.close();
  }
}

type Fault = 'link-down' | 'drop';
type Point = 'precopy' | 'ack-wait' | 'stop-and-copy';

const PHASE: Record<Point, RegExp> = {
  precopy: /during precopy(?! \(waiting)/,
  'ack-wait': /during precopy \(waiting for switchover-ack\)/,
  'stop-and-copy': /during (stop-and-copy|switchover)/,
};

const FAULTS = ['link-down', 'drop'] as const;
const POINTS = ['precopy', 'ack-wait', 'stop-and-copy'] as const;

/** Each case's line, under its own key; printed in the cases' order, whichever ended first. */
const report = new Map<string, string>();
afterAll(() => {
  const lines = FAULTS.flatMap((f) => POINTS.map((p) => report.get(`${f}@${p}`))).filter((l) => l !== undefined);
  if (lines.length > 0) console.log(`faults-network: ${lines.length} network faults, each followed by a verified migration\n${lines.join('\n')}`);
});

/** query-migrate until `pred` holds (progress has no event); fails if the migration ends first. */
function waitMigrate(qmp: NsQmp, pred: (info: any) => boolean, what: string): Promise<any> {
  return pollUntil(() => qmp.call('query-migrate'), pred, what, { ended: migrationEnded() });
}

/**
 * The two machines (early or late ack) and their digests, computed once while the file is
 * collected: a case computing them would hold the event loop while another reacts to STOP.
 */
const MACHINES = { early: machine(50), late: machine(2500) };
const EXPECTED = { early: digestsOf(MACHINES.early), late: digestsOf(MACHINES.late) };

async function runNetworkFault(fault: Fault, point: Point, expect: ExpectStatic, onTestFinished: TestContext['onTestFinished']): Promise<void> {
  // The ack-wait case needs an ack that comes late (slow allocation); the others an early one.
  const kind = point === 'ack-wait' ? 'late' : 'early';
  const specs = MACHINES[kind];
  const expected = EXPECTED[kind];
  const args = [...specs.flatMap((d) => ['--device', d]), '--caps', 'return-path,switchover-ack,verify', '--param', `stall-timeout=${STALL_MS}`, '--param', 'downtime-limit=1000'];
  const link = await openLink(FAULT_RATE);
  // This case's daemons and link, gone when it ends (pass or fail): the others run on.
  const own: DaemonProcess[] = [];
  onTestFinished(async () => {
    await killEach(...own);
    await closeLink(link);
  });
  // The workload is the source's (the destination runs what it receives).
  const dst = await startDestinationIn(link, args);
  own.push(dst.d);
  const src = await startSourceIn(link, [...args, '--workload', 'dirty-rate=0']);
  own.push(src.d);
  const sq = await NsQmp.connect(src.qmpPath);
  const dq = await NsQmp.connect(dst.qmpPath);
  const inject = (on: boolean): Promise<void> => (fault === 'link-down' ? link.setLinkAsync('a', !on) : link.setDropAsync('b', on));
  try {
    expect(await sq.call('query-digests')).toEqual(expected);
    await sq.call('migrate', { uri: dst.uri });
    if (point === 'precopy') {
      await waitMigrate(sq, (i) => i.status === 'active' && i.ram?.transferred >= 1024 * 1024, 'precopy under way');
    } else if (point === 'ack-wait') {
      // Every page (RAM and accel contents) has reached the destination, which is still
      // allocating: only the ack is missing. (The source's own counters run ahead of the wire:
      // they count what was handed to the socket.)
      await waitMigrate(dq, (i) => i['bytes-received'] >= RAM_BYTES + ACCEL_BYTES && i['switchover-acked'] === false, 'the switchover-ack wait');
      // And the source says its gate holds (it names the phase from that, not from the bytes).
      const ended = sq
        .waitEvent((e) => e.event === 'MIGRATION' && ['failed', 'cancelled', 'completed'].includes(e.data?.status as string))
        .then((e) => Promise.reject(new Error(`migration ${String(e.data?.status)} before the source held for the ack`)));
      await Promise.race([ended, src.d.waitMsg('converged, holding for switchover-ack')]);
      expect((await sq.call('query-migrate'))['switchover-acked']).toBe(false);
    } else {
      // The machine stopped: the non-iterable accel state (4 MiB, ~0.7 s on this link) is crossing.
      await sq.waitEvent((e) => e.event === 'STOP');
    }
    await inject(true);
    if (point === 'stop-and-copy') {
      // On the wire the final state is still crossing (the source has queued it all in its
      // socket, so its own error names the wait that follows: "switchover").
      expect((await dq.call('query-migrate'))['bytes-received']).toBeLessThan(RAM_BYTES + ACCEL_BYTES + STATE_BYTES);
    }
    const end = await sq.waitEvent((e) => e.event === 'MIGRATION' && ['failed', 'cancelled', 'completed'].includes(e.data?.status as string));
    const info = await sq.call('query-migrate');
    const errorDesc = String(info['error-desc']);
    expect(end.data?.status, errorDesc).toBe('failed');
    expect(errorDesc).toMatch(/stalled/);
    expect(errorDesc).toMatch(PHASE[point]);
    // The source took its machine back, with exactly the state it had.
    expect((await sq.call('query-status')).status).toBe('running');
    expect(await sq.call('query-digests')).toEqual(expected);

    // Restore the link; the destination ends the dead connection (its own watchdog, or the
    // source's close arriving now), discards the partial state and waits again.
    await inject(false);
    await link.shapeAsync(RESTORED_RATE);
    const outcome = await dst.d.waitLog((l) => ['incoming migration failed; partial state discarded', 'connection refused before it became a migration', 'machine resumed'].includes(l.msg), 'the destination to end the dead connection');
    expect(outcome.msg).not.toBe('machine resumed');
    expect((await dq.call('query-status')).status).toBe('inmigrate');
    const devices = (await dq.call('query-devices')) as Array<Record<string, unknown>>;
    expect(devices.find((x) => x.id === 'accel0')?.['allocated-resources']).toBe(0);

    // A second migration over the restored link completes, verified, with the original state.
    // (Both ends: the source's keepalive interval follows its own stall-timeout.)
    await sq.call('migrate-set-parameters', { 'stall-timeout': 10_000 });
    await dq.call('migrate-set-parameters', { 'stall-timeout': 10_000 });
    const before = sq.events.length;
    await sq.call('migrate', { uri: dst.uri });
    const second = await sq.waitEvent((e) => sq.events.indexOf(e) >= before && e.event === 'MIGRATION' && ['failed', 'cancelled', 'completed'].includes(e.data?.status as string));
    const info2 = await sq.call('query-migrate');
    expect(second.data?.status, String(info2['error-desc'])).toBe('completed');
    expect(info2.verified).toBe(true);
    expect(await dq.call('query-digests')).toEqual(expected);
    report.set(`${fault}@${point}`, `  ${fault}@${point}: failed — ${errorDesc} [destination: ${outcome.msg}]`);
  } catch (err) {
    const tail = (d: DaemonProcess): string => d.stderrText.slice(-3000);
    if (err instanceof Error) err.message += `\n--- source log ---\n${tail(src.d)}\n--- destination log ---\n${tail(dst.d)}`;
    throw err;
  } finally {
    sq.close();
    dq.close();
  }
}

if (gate.mustFail) {
  it('network namespaces can be created (required under CI)', () => {
    throw new Error(gate.reason);
  });
}

describe.skipIf(!gate.run).concurrent(`real network faults between two namespaces${gate.run ? '' : ` (${gate.reason})`}`, () => {
  for (const fault of FAULTS) {
    for (const point of POINTS) {
      it(`${fault} at ${point}`, async ({ expect, onTestFinished }) => {
        await runNetworkFault(fault, point, expect, onTestFinished);
      });
    }
  }
});
