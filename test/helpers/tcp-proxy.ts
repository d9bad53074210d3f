/**
 * A killable TCP proxy between a source and a destination, for link-break
 * tests (precopy-resume): listens on a free loopback port and forwards every
 * connection to `target`, honouring backpressure both ways. `kill()` breaks
 * the link as a cable pull does: every forwarded connection is destroyed on
 * both sides at once (each end sees a reset or close) and the listener
 * closes; `close()` only stops accepting, letting open connections finish.
 */
import { createServer, connect, type Socket } from 'node:net';

export interface ProxyTarget {
  readonly host?: string;
  readonly port: number;
}

export interface TcpProxy {
  /** The loopback port the proxy listens on. */
  readonly port: number;
  /** Bytes forwarded from the clients to the target so far (all connections). */
  readonly bytesForwarded: () => number;
  /** Breaks the link: destroys every forwarded connection (both sides) and stops listening. */
  kill(): Promise<void>;
  /** Stops listening; open connections go on until their ends close them. */
  close(): Promise<void>;
}

export async function startProxy(target: ProxyTarget): Promise<TcpProxy> {
  const host = target.host ?? '127.0.0.1';
  const open = new Set<Socket>();
  let forwarded = 0;
  const server = createServer((client) => {
    const upstream = connect(target.port, host);
    open.add(client);
    open.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (chunk: Buffer) => (forwarded += chunk.length));
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', () => {
      open.delete(client);
      upstream.end();
    });
    upstream.on('close', () => {
      open.delete(upstream);
      client.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy: no TCP address');
  const closeServer = (): Promise<void> => new Promise((resolve) => server.close(() => resolve()));
  return {
    port: address.port,
    bytesForwarded: () => forwarded,
    kill: async () => {
      // resetAndDestroy: an RST, as a broken link or a crashed middlebox gives.
      for (const s of open) s.resetAndDestroy();
      open.clear();
      await closeServer();
    },
    close: closeServer,
  };
}
