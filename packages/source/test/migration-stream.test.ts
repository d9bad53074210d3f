/**
 * MigrationStream batching: frames written in one turn of the event loop leave
 * in one writev (the socket stays corked until the next tick), and push() hands
 * them to the kernel at once, which the stop-and-copy relies on to overlap
 * sending with preparing the next device's part.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { createStreamDecoder, livemig } from '@livemig/common/wire';
import { MigrationStream } from '../src/migration-stream';

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
});
