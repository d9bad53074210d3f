/**
 * The plain QMP socket's token rule at the server's edge: on an address other
 * hosts can reach, qmp_capabilities must carry the token, and nothing runs
 * before it. Binding a public address to test that is not safe here, so the
 * server is told the (loopback) address is exposed, through the same decision
 * it takes at listen(); the daemon-level test (test/security.test.ts) covers
 * the loopback case, where no token is needed.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger';
import { QmpDispatcher } from '../src/qmp/dispatcher';
import { QmpSocketServer, parseListenAddress } from '../src/qmp/servers';

const log = createLogger({ name: 'test', level: 'silent' });
let server: QmpSocketServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** Sends `lines` after the greeting; resolves with the replies (greeting first) once `count` arrived. */
function converse(address: string, lines: string[], count: number): Promise<Array<Record<string, unknown>>> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const s = connect({ host: host!, port: Number(port) });
    const replies: Array<Record<string, unknown>> = [];
    let buf = '';
    s.setEncoding('utf8');
    s.on('error', reject);
    s.on('data', (t: string) => {
      buf += t;
      const parts = buf.split('\r\n');
      buf = parts.pop()!;
      for (const p of parts) replies.push(JSON.parse(p) as Record<string, unknown>);
      if (replies.length >= 1 && lines.length) s.write(lines.splice(0).join('\n') + '\n');
      if (replies.length >= count) {
        s.destroy();
        resolve(replies);
      }
    });
  });
}

async function listen(exposed: boolean): Promise<string> {
  server = new QmpSocketServer(new QmpDispatcher('test', '0'), log, { token: 'the-token', exposed: () => exposed });
  return server.listen(parseListenAddress('127.0.0.1:0', '--qmp'));
}

describe('plain QMP socket on an exposed address', () => {
  it('refuses qmp_capabilities without the token or with a wrong one, and runs no command before it', async () => {
    const address = await listen(true);
    const replies = await converse(
      address,
      ['{"execute":"qmp_capabilities","id":1}', '{"execute":"query-version","id":2}', '{"execute":"qmp_capabilities","arguments":{"token":"wrong"},"id":3}', '{"execute":"query-version","id":4}'],
      5,
    );
    expect(replies[0]).toHaveProperty('QMP');
    expect(replies.slice(1).map((r) => [r.id, (r.error as { class?: string } | undefined)?.class ?? 'ok'])).toEqual([
      [1, 'GenericError'],
      [2, 'CommandNotFound'],
      [3, 'GenericError'],
      [4, 'CommandNotFound'],
    ]);
    expect((replies[1]!.error as { desc: string }).desc).toMatch(/Authentication failed/);
    expect(replies.some((r) => 'return' in r)).toBe(false);
  });

  it('takes the token in qmp_capabilities, then commands run', async () => {
    const address = await listen(true);
    const replies = await converse(address, ['{"execute":"qmp_capabilities","arguments":{"token":"the-token"},"id":1}', '{"execute":"query-version","id":2}'], 3);
    expect(replies[1]).toEqual({ return: {}, id: 1 });
    expect(replies[2]!.id).toBe(2);
    expect(replies[2]).toHaveProperty('return');
  });

  it('on an address that is not exposed needs no token', async () => {
    const address = await listen(false);
    const replies = await converse(address, ['{"execute":"qmp_capabilities","id":1}', '{"execute":"query-version","id":2}'], 3);
    expect(replies[1]).toEqual({ return: {}, id: 1 });
    expect(replies[2]).toHaveProperty('return');
  });
});
