/**
 * A hand-made source connection for the tests that play a stranger (or a
 * source's exact words) against a real destination: it sends frames, reads
 * the return path and tells how it was refused. `migrationIdOf` reads the
 * migration id out of a stream head a proxy captured (in clear without TLS,
 * so an eavesdropper has it too).
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { expect } from 'vitest';
import { createReturnPathDecoder, createStreamDecoder, encodeFrame, type DecodedRpMessage, type FrameMessage } from '@livemig/common/wire';

/** The migration id in a captured stream head: its Configuration frame's. */
export function migrationIdOf(head: Buffer): Buffer {
  const decoder = createStreamDecoder();
  for (const f of decoder.push(head)) {
    if (f.message.body === 'configuration') return Buffer.from(f.message.configuration!.migrationId!);
  }
  throw new Error(`no Configuration in the first ${head.length} bytes of the stream`);
}

/** A hand-made source connection: sends frames, reads the return path, tells how it was refused. */
export class RawSource {
  private readonly replies: DecodedRpMessage[] = [];
  private waiters: Array<() => void> = [];
  private readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    const rp = createReturnPathDecoder();
    socket.on('data', (c: Buffer) => {
      for (const f of rp.push(c)) this.replies.push(f.message);
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static async open(uri: string): Promise<RawSource> {
    const [, host, port] = /^tcp:(.+):(\d+)$/.exec(uri)!;
    const socket = connect({ host: host!, port: Number(port) });
    await once(socket, 'connect');
    return new RawSource(socket);
  }

  send(frame: FrameMessage): void {
    this.socket.write(Buffer.concat(encodeFrame(frame)));
  }

  async next(pred: (m: DecodedRpMessage) => boolean): Promise<DecodedRpMessage> {
    for (;;) {
      const seen = this.replies.find(pred);
      if (seen) return seen;
      const more = new Promise<void>((resolve) => this.waiters.push(resolve));
      if ((await Promise.race([more.then(() => 'more'), this.closed.then(() => 'closed')])) === 'closed' && !this.replies.find(pred)) {
        throw new Error(`connection closed; replies: ${JSON.stringify(this.replies.map((r) => r.body))}`);
      }
    }
  }

  /** The reason of the destination's SHUT (not ok); the connection is closed after it. */
  async refused(): Promise<string> {
    const shut = await this.next((m) => m.body === 'shut');
    expect(shut.shut?.ok ?? false).toBe(false);
    await this.closed;
    return shut.shut?.reason ?? '';
  }
}
