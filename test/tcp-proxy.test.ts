/**
 * The test proxy itself (helpers/tcp-proxy.ts): the precopy-resume tests rely
 * on it cutting a stream at an exact byte, black-holing without losing a
 * byte, and counting what it forwarded.
 */
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { closeProxies, parseTarget, startProxy } from './helpers/tcp-proxy';

const servers: net.Server[] = [];
afterEach(async () => {
  await closeProxies();
  for (const s of servers.splice(0)) s.close();
});

/** A sink that records what each connection received and how it ended. */
async function sink(): Promise<{ port: number; conns: Array<{ data: Buffer[]; ended: Promise<string> }> }> {
  const conns: Array<{ data: Buffer[]; ended: Promise<string> }> = [];
  const server = net.createServer((s) => {
    const data: Buffer[] = [];
    s.on('data', (c: Buffer) => data.push(c));
    const ended = new Promise<string>((resolve) => {
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      s.on('end', () => resolve('end'));
    });
    conns.push({ data, ended });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as net.AddressInfo).port, conns };
}

async function connect(port: number): Promise<net.Socket> {
  const s = net.connect(port, '127.0.0.1');
  s.on('error', () => undefined);
  await once(s, 'connect');
  return s;
}

function pattern(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + 3) & 0xff;
  return b;
}

async function until(pred: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 5000;
  while (!pred()) {
    if (performance.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('tcp proxy (test helper)', () => {
  it('parses tcp:HOST:PORT, HOST:PORT and a port', () => {
    expect(parseTarget('tcp:127.0.0.1:4444')).toEqual({ host: '127.0.0.1', port: 4444 });
    expect(parseTarget('10.0.0.2:80')).toEqual({ host: '10.0.0.2', port: 80 });
    expect(parseTarget('tcp:[::1]:9')).toEqual({ host: '::1', port: 9 });
    expect(parseTarget(5)).toEqual({ host: '127.0.0.1', port: 5 });
    expect(() => parseTarget('nope')).toThrow(/tcp:HOST:PORT/);
  });

  it('forwards both ways and counts the bytes', async () => {
    const echo = net.createServer((s) => s.pipe(s));
    servers.push(echo);
    echo.listen(0, '127.0.0.1');
    await once(echo, 'listening');
    const proxy = await startProxy((echo.address() as net.AddressInfo).port);
    const c = await connect(proxy.port);
    const sent = pattern(300_000);
    const got: Buffer[] = [];
    c.on('data', (b: Buffer) => got.push(b));
    c.write(sent);
    await until(() => Buffer.concat(got).length === sent.length, 'the echo');
    expect(Buffer.concat(got).equals(sent)).toBe(true);
    expect(proxy.bytesUp).toBe(sent.length);
    expect(proxy.bytesDown).toBe(sent.length);
    expect(proxy.accepted).toBe(1);
    expect(proxy.open).toBe(1);
    expect(proxy.captured(0).length).toBe(0);
    expect(() => proxy.captured(1)).toThrow(/no connection #1/);
    c.destroy();
    await until(() => proxy.open === 0, 'the pair closed');
  });

  it('killAt cuts the stream at exactly that byte, resets both ends and stops listening', async () => {
    const { port, conns } = await sink();
    const proxy = await startProxy(`tcp:127.0.0.1:${port}`);
    const killed = proxy.killAt(123_457);
    const c = await connect(proxy.port);
    const clientEnd = new Promise<string>((resolve) => {
      c.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      c.on('close', () => resolve('close'));
    });
    c.write(pattern(1_000_000));
    await killed;
    expect(proxy.bytesUp).toBe(123_457);
    await until(() => conns.length === 1, 'the upstream connection');
    // The proxy sends RST (SO_LINGER 0); libuv reports a hang-up right after a partial read as
    // EOF without reading the error, so a reset end may see either.
    expect(await conns[0]!.ended).toMatch(/^(ECONNRESET|end)$/);
    expect(await clientEnd).toMatch(/ECONNRESET|EPIPE|close/);
    const received = Buffer.concat(conns[0]!.data);
    // A reset may drop what was still queued, never deliver more than the mark.
    expect(received.length).toBeLessThanOrEqual(123_457);
    expect(received.equals(pattern(1_000_000).subarray(0, received.length))).toBe(true);
    // The listener is gone: a new connection is refused.
    const again = net.connect(proxy.port, '127.0.0.1');
    const [err] = (await once(again, 'error')) as [NodeJS.ErrnoException];
    expect(err.code).toBe('ECONNREFUSED');
  });

  it('reset keeps listening: the next connection is forwarded', async () => {
    const { port, conns } = await sink();
    const proxy = await startProxy(port, { capture: 2 });
    const c1 = await connect(proxy.port);
    c1.write('one');
    await until(() => proxy.bytesUp === 3, 'first bytes');
    proxy.reset();
    await until(() => conns.length === 1, 'first upstream');
    expect(await conns[0]!.ended).toMatch(/^(ECONNRESET|end)$/);
    const c2 = await connect(proxy.port);
    c2.write('two');
    await until(() => conns.length === 2 && Buffer.concat(conns[1]!.data).toString() === 'two', 'second connection');
    expect(proxy.accepted).toBe(2);
    // capture: each connection's first bytes, in accept order.
    expect(proxy.captured(0).toString()).toBe('on');
    expect(proxy.captured(1).toString()).toBe('tw');
    c2.destroy();
  });

  it('close() only stops accepting: an open connection goes on; destroy() ends it', async () => {
    const { port, conns } = await sink();
    const proxy = await startProxy({ port });
    const c = await connect(proxy.port);
    await proxy.close();
    c.write('still here');
    await until(() => conns.length === 1 && Buffer.concat(conns[0]!.data).toString() === 'still here', 'forwarding after close');
    expect(proxy.bytesForwarded()).toBe(10);
    await proxy.destroy();
    expect(await conns[0]!.ended).toMatch(/^(ECONNRESET|end)$/);
  });

  it('pauseAt black-holes at the mark; resume delivers every byte in order', async () => {
    const { port, conns } = await sink();
    const proxy = await startProxy(port);
    const paused = proxy.pauseAt(50_001);
    const c = await connect(proxy.port);
    const sent = pattern(400_000);
    c.write(sent);
    await paused;
    expect(proxy.paused).toBe(true);
    expect(proxy.bytesUp).toBe(50_001);
    await until(() => conns.length === 1 && Buffer.concat(conns[0]!.data).length === 50_001, 'the bytes before the mark');
    // Held, not dropped: a client close is not passed on either while paused.
    c.end();
    await new Promise((r) => setImmediate(r));
    expect(proxy.bytesUp).toBe(50_001);
    proxy.resume();
    expect(await conns[0]!.ended).toBe('end');
    expect(Buffer.concat(conns[0]!.data).equals(sent)).toBe(true);
    expect(proxy.bytesUp).toBe(sent.length);
  });
});
