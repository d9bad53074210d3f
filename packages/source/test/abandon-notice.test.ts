/**
 * The precopy-resume abandon notice (abandon-notice.ts) against scripted
 * destinations: an orderly close is a notice that got through; a reset, at any
 * point, is one that did not, and never an uncaught 'error' that ends the
 * source (seen: a proxy reset the notice's connection and the daemon died).
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createStreamDecoder } from '@livemig/common/wire';
import { sendAbandonNotice } from '../src/abandon-notice';

const log = pino({ level: 'silent' });
const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A destination that runs `onHeader` on each connection once the stream header arrived. */
async function destination(onHeader: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer((socket) => {
    const dec = createStreamDecoder();
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      if (dec.push(chunk).some((f) => f.message.header)) onHeader(socket);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

const notice = (port: number, authSecret: Buffer | null = null) =>
  sendAbandonNotice({ host: '127.0.0.1', port, tls: null, authSecret, ids: [Buffer.alloc(16, 7)], timeoutMs: 5000, log });

describe('sendAbandonNotice', () => {
  it('the destination closes after the header: the notice got through', async () => {
    const port = await destination((s) => s.end());
    expect(await notice(port)).toBe(true);
  });

  it('the destination resets the connection after the header: not through, and the process lives', async () => {
    const port = await destination((s) => s.resetAndDestroy());
    expect(await notice(port)).toBe(false);
  });

  it('reset while the source waits for the auth challenge: not through, and the process lives', async () => {
    const port = await destination((s) => s.resetAndDestroy());
    expect(await notice(port, Buffer.alloc(32, 1))).toBe(false);
  });
});
