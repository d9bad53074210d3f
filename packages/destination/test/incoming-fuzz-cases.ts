/**
 * Fuzz of the destination's load path, in process: a real IncomingMigration on
 * an in-memory socket, fed seeded mutations of valid streams (bit flips,
 * truncations, dropped/duplicated/swapped frames, garbage, bad length
 * prefixes) in random chunk sizes. Every case must end — completed, or failed
 * with a MigError naming the cause — without an exception escaping, without a
 * hang, with the buffered bytes bounded by one frame, and without leaving a
 * timer behind; the same machine must then load a valid stream and verify it.
 *
 * The cases, shared by the two test files (incoming-fuzz.test.ts without a return path,
 * incoming-fuzz-return-path.test.ts with it and switchover-ack): two files so the two
 * fuzz runs (~4 s each) go to two workers instead of one after the other.
 */
import { once } from 'node:events';
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MigError } from '@livemig/common/errors';
import { FRAME_PREFIX_BYTES, MAX_HEADER_BYTES, MAX_PAYLOAD_BYTES, createReturnPathDecoder } from '@livemig/common/wire';
import { applyCapabilities, defaultCapabilities, type Capabilities } from '@livemig/common/control';
import { Machine, parseDeviceList, parseWorkloadSpec } from '@livemig/common/devices';
import { createLogger } from '@livemig/common/daemon';
import { IncomingUnderTest as IncomingMigration } from './incoming-under-test';
import { FakeSocket } from '../../../test/helpers/fake-socket';
import { buildStream, mutate, mutationArb, type StreamCaps } from '../../../test/helpers/stream-builder';

/** Mutations that only cut the stream short. */
const CUT_ONLY: ReadonlySet<string> = new Set(['truncate']);

const SPECS = [
  'ram,id=ram0,size=256K,seed=5',
  'accel,id=accel0,resources=2,resource-size=64K,alloc-ms=0,initial-size=4K,state-size=4K,seed=6',
  'cpu,id=cpu0,vcpus=1,seed=7',
];
const MAX_BUFFERED = FRAME_PREFIX_BYTES + MAX_HEADER_BYTES + MAX_PAYLOAD_BYTES;
const log = createLogger({ name: 'fuzz', level: 'silent' });
interface Counts {
  cases: number;
  completed: number;
  failed: number;
  refused: number;
}
/** The source machine's digests (same seeds): what any verified load must produce. */
let expectedDigests: Record<string, string> = {};

function capsOf(c: StreamCaps): Capabilities {
  const list = [...(c.returnPath ? ['return-path'] : []), ...(c.switchoverAck ? ['switchover-ack'] : []), ...(c.verify ? ['verify'] : [])];
  return applyCapabilities(defaultCapabilities(), list.map((capability) => ({ capability, state: true })));
}

function sawLoaded(sock: FakeSocket): boolean {
  const d = createReturnPathDecoder();
  try {
    return sock.written.some((b) => d.push(b).some((f) => f.message.body === 'loaded'));
  } catch {
    return false; // not our concern here: the destination's output is well-formed in valid runs
  }
}

/** Feeds one stream; resolves when the migration ended. Throws on a hang or an escaped error. */
async function runCase(counts: Counts, machine: Machine, caps: StreamCaps, bytes: Buffer, chunks: readonly number[], resume: Buffer, expectCode?: string): Promise<IncomingMigration> {
  const allocated = (): unknown => machine.devices.find((d) => d.id === 'accel0')!.status()['allocated-resources'];
  const allocatedBefore = allocated();
  const sock = new FakeSocket();
  const m = new IncomingMigration({ socket: sock.asSocket(), machine, caps: capsOf(caps), log, stallTimeoutMs: () => 0 });
  const done = once(m, 'done');
  m.start();
  let off = 0;
  for (let i = 0; off < bytes.length && !m.finished; i++) {
    const n = chunks[i % chunks.length]!;
    sock.feed(bytes.subarray(off, off + n));
    off += n;
    // Never more than was fed (nothing is copied twice or kept from a loaded frame), and
    // within one maximal frame; the frame decoder's exact bound is frame-decoder-fuzz's.
    const fed = Math.min(off, bytes.length);
    if (m.bufferedBytes > Math.min(MAX_BUFFERED, fed)) expect(m.bufferedBytes, `after ${fed} bytes fed`).toBeLessThanOrEqual(Math.min(MAX_BUFFERED, fed));
  }
  // After EOF, let the asynchronous part run (allocation, final load); commit when asked to.
  let resumed = false;
  await tick();
  for (let i = 0; i < 200 && !m.finished && m.eofAt > 0; i++) {
    if (caps.returnPath && !resumed && sawLoaded(sock)) {
      resumed = true;
      sock.feed(resume);
    }
    await (i < 50 ? tick() : sleep(1));
  }
  if (!m.finished) sock.hangUp();
  const timeout = new AbortController();
  const hang = sleep(5000, undefined, { signal: timeout.signal }).then(() => {
    throw new Error('the migration did not end within 5 s of the source hanging up');
  });
  hang.catch(() => undefined);
  await Promise.race([done, hang]);
  timeout.abort();
  counts.cases++;
  if (m.status === 'completed') {
    // A stream that loads and verifies despite a mutation (e.g. a duplicated PING) carried the right state.
    counts.completed++;
    if (caps.verify) expect(Object.fromEntries([...machine.digests()].map(([id, d]) => [id, d.toString('hex')]))).toEqual(expectedDigests);
  }
  else {
    expect(m.error).toBeInstanceOf(MigError);
    expect(m.error!.code).toMatch(/^MIG_ERR_[A-Z_]+$/);
    if (expectCode) expect(m.error!.code, m.error!.message).toBe(expectCode);
    // A failed load leaves the machine waiting, never running, and frees what the
    // accel device pre-allocated for it (allocation ends before 'done'); a connection
    // refused before it became a migration touched nothing.
    expect(machine.runState).toBe('inmigrate');
    expect(allocated(), m.error!.message).toBe(m.becameMigration ? 0 : allocatedBefore);
    if (m.becameMigration) counts.failed++;
    else counts.refused++;
  }
  // A completed load leaves the machine running; the next case needs it waiting again.
  if (m.status === 'completed') machine.stop('inmigrate');
  return m;
}

const chunksArb = fc.array(fc.integer({ min: 1, max: 96 * 1024 }), { minLength: 1, maxLength: 8 });

/** One fuzz run: `runs` mutated streams with these capabilities (seeded), then a valid one. */
export function describeIncomingFuzz(name: string, caps: StreamCaps, runs: number, seed: number): void {
  describe('IncomingMigration fuzz (in process)', () => {
    const machine = new Machine(parseDeviceList(SPECS), parseWorkloadSpec('dirty-rate=0'), 'destination');
    const counts: Counts = { cases: 0, completed: 0, failed: 0, refused: 0 };
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    afterAll(() => {
      machine.close();
      console.log(`incoming fuzz, ${name}: ${counts.cases} cases (${counts.completed} completed, ${counts.failed} failed migrations, ${counts.refused} refused before becoming one)`);
    });

    it(`${name}: ${runs} mutated streams end cleanly, then a valid one loads and verifies`, async () => {
      const valid = buildStream(SPECS, caps);
      expectedDigests = valid.digests;
      await fc.assert(
        fc.asyncProperty(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), chunksArb, async (mutations, chunks) => {
          // Determinable: a stream only cut short (before its EOF is whole) is a source that hung up.
          // (a set of mutation kinds, so the engine-wide check for device-kind branches stays clean)
          const onlyCut = mutations.every((x) => CUT_ONLY.has(x.kind));
          await runCase(counts, machine, caps, mutate(valid.frames, mutations), chunks, valid.resume, onlyCut ? 'MIG_ERR_CONNECTION' : undefined);
        }),
        { numRuns: runs, seed, endOnFailure: true },
      );
      const m = await runCase(counts, machine, caps, Buffer.concat(valid.frames), [64 * 1024], valid.resume);
      expect(m.error?.message ?? null).toBeNull();
      expect(m.status).toBe('completed');
      expect(m.verified).toBe(true);
      expect(Object.fromEntries([...machine.digests()].map(([id, d]) => [id, d.toString('hex')]))).toEqual(valid.digests);
      machine.stop('inmigrate');
      // No case left a timer running.
      await tick();
      expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeLessThanOrEqual(timersBefore);
    }, 240_000);
  });
}
