/**
 * Fuzz of a live destination daemon's migration port: seeded mutations of a
 * valid stream (minus its EOF, so none can complete a migration), plus random
 * garbage and port-scanner-style connects, each on its own TCP connection.
 * The daemon must answer every one by closing the connection (never hang,
 * never crash, even with --exit-on-complete for connections that never became
 * a migration), and then accept a real migration and verify it.
 */
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { controlAddress, killAll, startDestination, startSource } from './helpers/daemons';
import { QmpWsClient } from './helpers/qmp-client';
import { buildStream, mutate, mutationArb } from './helpers/stream-builder';

afterEach(killAll);

const SPECS = ['ram,id=ram0,size=1M,seed=3', 'accel,id=accel0,resources=1,resource-size=64K,alloc-ms=0,initial-size=4K,state-size=4K,seed=4', 'cpu,id=cpu0,vcpus=1,seed=5'];
const MACHINE = SPECS.flatMap((s) => ['--device', s]);
const CAPS = ['--caps', 'return-path,switchover-ack,verify'];
let cases = 0;
afterAll(() => console.log(`daemon fuzz: ${cases} hostile connections, then a verified migration`));

/** Sends bytes, half-closes, resolves once the daemon has closed the connection. */
function exchange(port: number, bytes: Buffer, chunk: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the destination kept a hostile connection open for 5 s (${bytes.length} bytes sent)`));
    }, 5000);
    socket.on('error', () => undefined); // the daemon may reset a connection it refused: expected
    socket.on('data', () => undefined); // SHUT / return path: drained, not checked here
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on('connect', () => {
      for (let off = 0; off < bytes.length; off += chunk) socket.write(bytes.subarray(off, off + chunk));
      socket.end();
    });
  });
}

describe('live destination port fuzz', () => {
  it('survives hundreds of hostile connections and then takes a real migration', async () => {
    const { d: dst, port, uri } = await startDestination([...MACHINE, ...CAPS, '--control', '127.0.0.1:0']);
    const built = buildStream(SPECS, { returnPath: true, switchoverAck: true, verify: true });
    const noEof = built.frames.slice(0, -1);
    // Port scanners and stray clients first: connect and go, garbage, an HTTP request.
    await exchange(port, Buffer.alloc(0), 1);
    await exchange(port, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), 1024);
    await exchange(port, Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc]), 1024); // a TLS ClientHello start
    cases += 3;
    await fc.assert(
      fc.asyncProperty(fc.array(mutationArb, { minLength: 1, maxLength: 3 }), fc.integer({ min: 512, max: 128 * 1024 }), async (mutations, chunk) => {
        await exchange(port, mutate(noEof, mutations), chunk);
        cases++;
      }),
      { numRuns: 600, seed: 0xf022, endOnFailure: true },
    );
    expect(dst.proc.exitCode).toBeNull();
    // Nothing was loaded for good: still waiting, and a real source migrates and verifies.
    const dq = await QmpWsClient.connect(await controlAddress(dst));
    expect((await dq.call('query-status')).status).toBe('inmigrate');
    const src = startSource([...MACHINE, '--workload', 'dirty-rate=0', ...CAPS, '--migrate-to', uri]);
    expect((await src.exited).code).toBe(0);
    expect(src.summary().verified).toBe(true);
    expect(await dq.call('query-digests')).toEqual(built.digests);
    dq.close();
  }, 120_000);
});
