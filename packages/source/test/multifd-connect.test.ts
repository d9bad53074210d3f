/**
 * MultifdSender.connect against scripted destinations: a channel reset while
 * it waits (for its challenge, or for the other channels) fails the connect
 * with a ConnectionError, never an uncaught 'error' that ends the source.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError } from '@livemig/common/errors';
import { createStreamDecoder } from '@livemig/common/wire';
import { MultifdSender } from '../src/multifd-sender';

const servers: net.Server[] = [];
const held: net.Socket[] = [];
afterEach(async () => {
  for (const s of held.splice(0)) s.destroy();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** Channel `reset` is reset once its header arrived; the others are held open, unanswered. */
async function destination(reset: number): Promise<number> {
  const server = net.createServer((socket) => {
    const dec = createStreamDecoder();
    socket.on('error', () => undefined);
    held.push(socket);
    socket.on('data', (chunk) => {
      for (const f of dec.push(chunk)) {
        // Reset a little later, once the source has the others waiting.
        if (f.message.header?.multifd?.channel === reset) setTimeout(() => socket.resetAndDestroy(), 50);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

function connect(port: number, authSecret: Buffer | null) {
  return MultifdSender.connect({
    host: '127.0.0.1',
    port,
    channels: 3,
    migrationId: Buffer.alloc(16, 3),
    authSecret,
    tls: null,
    timeoutMs: 500,
    signal: new AbortController().signal,
    onError: () => undefined,
  });
}

describe('MultifdSender.connect', () => {
  it('a channel reset during its authentication handshake: a ConnectionError, the process lives', async () => {
    const port = await destination(1);
    await expect(connect(port, Buffer.alloc(32, 9))).rejects.toBeInstanceOf(ConnectionError);
  });

  it('the last channel reset while the others still wait for their challenges: a ConnectionError, the process lives', async () => {
    // The others get no challenge, so the connect ends at their timeout; channel 2's reset,
    // meanwhile, must not escape as an 'error' event.
    const port = await destination(2);
    await expect(connect(port, Buffer.alloc(32, 9))).rejects.toBeInstanceOf(ConnectionError);
  });
});
