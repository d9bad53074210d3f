/**
 * MigrationStream batching: frames written in one turn of the event loop leave
 * in one writev (the socket stays corked until the next tick), and push() hands
 * them to the kernel at once, which the stop-and-copy relies on to overlap
 * sending with preparing the next device's part. And bytesFlushed, the count the
 * bandwidth estimate is made of, follows the kernel while a request is in flight,
 * over TCP and over TLS.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, connect, type Socket } from 'node:net';
import { createServer as createTlsServer, connect as tlsConnect, type TLSSocket } from 'node:tls';
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { makeCerts, type CertSet } from '../../../test/helpers/certs';
import { createStreamDecoder, livemig } from '@livemig/common/wire';
import { MigrationStream } from '../src/migration-stream';
import { BandwidthMeter, thresholdBytes } from '../src/convergence';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function socketPair(): Promise<{ client: Socket; server: Socket }> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const accepted = once(srv, 'connection');
  const client = connect((srv.address() as { port: number }).port, '127.0.0.1');
  await once(client, 'connect');
  const [server] = (await accepted) as [Socket];
  cleanups.push(() => {
    client.destroy();
    server.destroy();
    srv.close();
  });
  return { client, server };
}

let certs: CertSet;
beforeAll(() => {
  certs = makeCerts();
});
afterAll(() => rmSync(certs.dir, { recursive: true, force: true }));

/** A mutually authenticated TLS connection over loopback, as the migration channels use, through its handshake. */
async function tlsPair(): Promise<{ client: TLSSocket; server: TLSSocket }> {
  const ca = readFileSync(certs.ca);
  const srv = createTlsServer({ cert: readFileSync(certs.destination.cert), key: readFileSync(certs.destination.key), ca, requestCert: true, rejectUnauthorized: true });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const accepted = once(srv, 'secureConnection');
  const client = tlsConnect({ host: '127.0.0.1', port: (srv.address() as { port: number }).port, cert: readFileSync(certs.source.cert), key: readFileSync(certs.source.key), ca });
  await once(client, 'secureConnect');
  const [server] = (await accepted) as [TLSSocket];
  cleanups.push(() => {
    client.destroy();
    server.destroy();
    srv.close();
  });
  return { client, server };
}

/** Ciphertext libuv still holds for the TCP connection under a TLS socket (the kernel's buffers are full while it is > 0). */
const tlsBytesInLibuv = (s: TLSSocket): number => (s as unknown as { _handle: { _parent: { writeQueueSize: number } } })._handle._parent.writeQueueSize;

/** Until the kernel's buffers under `s` are full (libuv holds ciphertext it could not hand over), at most 5 s. */
async function untilLibuvHolds(s: TLSSocket): Promise<void> {
  const deadline = performance.now() + 5000;
  while (tlsBytesInLibuv(s) === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  expect(tlsBytesInLibuv(s)).toBeGreaterThan(0);
}

const ping = (value: number) => ({ command: { type: livemig.CommandType.CMD_PING, value } });

describe('MigrationStream', () => {
  it('corks the frames of one turn until the next tick, push() sends them now; nothing is lost or reordered', async () => {
    const { client, server } = await socketPair();
    const stream = new MigrationStream(client);
    stream.writeFrame(ping(1));
    stream.writeFrame(ping(2), [Buffer.alloc(100, 7)]);
    expect(client.writableCorked).toBe(1);
    stream.push();
    expect(client.writableCorked).toBe(0);
    stream.writeFrame(ping(3));
    expect(client.writableCorked).toBe(1);
    await new Promise<void>((r) => process.nextTick(r));
    expect(client.writableCorked).toBe(0);
    stream.push(); // nothing corked: a no-op

    const dec = createStreamDecoder();
    const values: number[] = [];
    const payloads: number[] = [];
    server.on('data', (c: Buffer) => {
      for (const f of dec.push(c)) {
        values.push(f.message.command?.value ?? -1);
        payloads.push(f.payloadLength);
      }
    });
    await stream.flush(new AbortController().signal);
    while (values.length < 3) await once(server, 'data');
    expect(values).toEqual([1, 2, 3]);
    expect(payloads).toEqual([0, 100, 0]);
    expect(stream.bytesFlushed).toBe(stream.bytesQueued);
  });

  it('bytesFlushed counts the kernel\'s share of a write request still in flight, to the byte (not only once it completes)', async () => {
    const { client, server } = await socketPair();
    server.pause(); // the reader takes nothing: the kernel's buffers fill, then the request waits
    const stream = new MigrationStream(client);
    const payload = Buffer.alloc(32 * 1024 * 1024, 7);
    const wire = stream.writeFrame(ping(1), [payload]);
    stream.push();
    // Node's buffer still holds the whole request; libuv has handed part of it to the kernel.
    const coarse = (): number => stream.bytesQueued - client.writableLength;
    const deadline = performance.now() + 5000;
    while (stream.bytesFlushed === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(coarse()).toBe(0);
    expect(client.writableLength).toBe(wire);
    expect(stream.bytesFlushed).toBeGreaterThan(0);
    expect(stream.bytesFlushed).toBeLessThan(wire);
    // Once the reader drains it all, both counts agree on everything.
    server.resume();
    await stream.flush(new AbortController().signal);
    expect(stream.bytesFlushed).toBe(wire);
    expect(coarse()).toBe(wire);
  });

  it('over TLS too: bytesFlushed follows the ciphertext the kernel took while one plaintext chunk is in flight', async () => {
    // Over TLS each chunk is its own write request (writeChunksOneByOne), completed only once
    // all its records are out: the coarse count stood at the frame header for as long as a
    // 4 MiB payload was in flight. A bandwidth sample of such an interval was ~60 bytes in
    // 100 ms, the estimate held it through the idle spell after the bulk pass, and precopy
    // never converged (multifd over TLS, security.test.ts, under load).
    const { client, server } = await tlsPair();
    server.pause(); // the reader takes nothing: the kernel's buffers fill, then libuv holds the rest
    const stream = new MigrationStream(client);
    const payload = Buffer.alloc(32 * 1024 * 1024, 7);
    const wire = stream.writeFrame(ping(1)) + stream.writeFrame(ping(2), [payload]);
    // The two frame headers, each its own request (and TLS record) before the payload's.
    const headers = wire - payload.length;
    stream.push();
    const coarse = (): number => stream.bytesQueued - client.writableLength;
    await untilLibuvHolds(client);
    // The payload's request is still in flight (the headers', before it, may have completed).
    expect(coarse()).toBeLessThanOrEqual(headers);
    // The kernel holds far more than the headers: at least one full TLS record of the payload.
    expect(stream.bytesFlushed).toBeGreaterThan(headers + 16 * 1024);
    expect(stream.bytesFlushed).toBeLessThan(wire);
    server.resume();
    await stream.flush(new AbortController().signal);
    expect(stream.bytesFlushed).toBe(wire);
    expect(coarse()).toBe(wire);
  });

  it('multifd over TLS: a backlogged interval of a main channel and a page channel measures the link, not the frame headers that completed', async () => {
    // The hang this guards against (security.test.ts, multifd over TLS): while a page
    // channel's 4 MiB payload was in flight, only the main channel's small frames completed;
    // the one link sample of the bulk pass was those ~60 bytes in 100 ms (578 B/s), the
    // threshold (bandwidth × downtime-limit, 173 bytes) stayed below accel's final state
    // (64 KiB) and, with nothing left to send, precopy never took another sample: it
    // waited for ever, PINGs answered. The meter gets what precopy gives it (clock values
    // passed in: no waiting on time).
    const main = await tlsPair();
    const page = await tlsPair();
    main.server.resume(); // the destination reads its main channel
    page.server.pause(); // and takes nothing more of the page channel meanwhile
    const mainStream = new MigrationStream(main.client);
    const pageStream = new MigrationStream(page.client);
    const flushed = (): number => mainStream.bytesFlushed + pageStream.bytesFlushed;
    const backlog = (): number => mainStream.bytesQueued + pageStream.bytesQueued - flushed();
    const meter = new BandwidthMeter(0, flushed());
    pageStream.writeFrame(ping(1), [Buffer.alloc(4 * 1024 * 1024, 7)]);
    mainStream.writeFrame(ping(2));
    // Precopy's observation after queueing a round: a backlog, so an interval opens.
    meter.sample(0, flushed(), backlog());
    mainStream.push();
    pageStream.push();
    await mainStream.flush(new AbortController().signal);
    await untilLibuvHolds(page.client); // the payload is still in flight: the backlog goes on
    // The next observation, a window later: the interval closes and gives the one sample.
    meter.sample(100, flushed(), backlog());
    expect(meter.link.sampleCount).toBe(1);
    // What the kernel took in that window is far more than the headers (at least a TLS record).
    expect(meter.bandwidth * 100).toBeGreaterThan(16 * 1024);
    // So the threshold at the default downtime-limit (300 ms) is above accel's 64 KiB final state.
    expect(thresholdBytes({ bandwidth: meter.bandwidth, availSwitchoverBandwidth: 0, downtimeLimitMs: 300 })).toBeGreaterThan(64 * 1024);
    page.server.resume();
    await pageStream.flush(new AbortController().signal);
  });
});
