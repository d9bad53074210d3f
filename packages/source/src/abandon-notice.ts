/**
 * precopy-resume: tells a destination, best effort and at once, that this
 * source gave up on migrations it may still hold (a cancel, a timeout or a
 * failure here while its link still worked, which the destination saw only as
 * a closed connection and took for a break: it paused). A connection of its
 * own, as a new migration's would start: the stream header naming the ids
 * (StreamHeader.abandons), [auth], then a close instead of a configuration.
 * The destination acts on the ids only once the connection authenticated
 * (handshake.ts), exactly as for the next migration's header, which names
 * them again anyway: when the link is what broke, this notice does not get
 * through, and nothing else depends on it.
 */
import { type Socket } from 'node:net';
import { toMigError } from '@livemig/common/errors';
import { type TlsFiles, createNonce } from '@livemig/common/control';
import { STREAM_MAGIC, STREAM_VERSION, createReturnPathDecoder, encodeFrame, type FrameMessage } from '@livemig/common/wire';
import { type Logger } from '@livemig/common/daemon';
import { answerChallenge } from './source-auth';
import { openConnection } from './transport';

export interface AbandonNotice {
  readonly host: string;
  readonly port: number;
  readonly tls: TlsFiles | null;
  readonly authSecret: Buffer | null;
  readonly ids: readonly Buffer[];
  /** Bound on the whole notice (connect, challenge), ms. */
  readonly timeoutMs: number;
  readonly log: Logger;
}

/** Sends the notice; resolves whether it got through (never rejects). */
export async function sendAbandonNotice(n: AbandonNotice): Promise<boolean> {
  const timeout = AbortSignal.timeout(n.timeoutMs);
  let socket: Socket | null = null;
  try {
    socket = await openConnection({ host: n.host, port: n.port, tls: n.tls, signal: timeout, timeoutMs: n.timeoutMs });
    const s = socket;
    // openConnection's own 'error' listener is gone once connected: without this one a reset
    // of the notice's connection (ECONNRESET) was an uncaught 'error' event that ended the
    // process. The error is kept; the 'close' that follows it ends the waits below.
    let failure: Error | null = null;
    s.on('error', (err) => {
      failure ??= err;
    });
    const write = (frame: FrameMessage): void => void s.write(Buffer.concat(encodeFrame(frame)));
    const nonce = n.authSecret ? createNonce() : null;
    write({ header: { magic: STREAM_MAGIC, version: STREAM_VERSION, abandons: [...n.ids], ...(nonce ? { authNonce: nonce } : {}) } });
    if (n.authSecret && nonce) {
      const challenge = await challengeOn(s, timeout);
      write({ authResponse: { mac: answerChallenge(n.authSecret, nonce, challenge) } });
    }
    // FIN after what was written, then wait for the destination to close (it refuses the
    // handshake, having acted on the ids): closing first with its SHUT unread would be a reset
    // that could overtake our last bytes.
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(timeout.reason);
      timeout.addEventListener('abort', onAbort, { once: true });
      s.once('close', () => {
        timeout.removeEventListener('abort', onAbort);
        // A reset instead of the destination's orderly close: what we wrote may not have landed.
        if (failure) reject(failure);
        else resolve();
      });
      s.resume();
      s.end();
    });
    n.log.info({ to: `${n.host}:${n.port}`, migrations: n.ids.length }, 'told the destination this source gave up on its migration (it may hold it paused)');
    return true;
  } catch (err) {
    n.log.info({ to: `${n.host}:${n.port}`, err: toMigError(err).message }, 'could not tell the destination this source gave up on its migration (its next migration from here will)');
    return false;
  } finally {
    // After end() the socket closes by itself; on failure, or if the peer never closes, it goes now.
    socket?.destroy();
  }
}

/** The destination's AuthChallenge (a SHUT instead, a close or the timeout rejects). */
function challengeOn(socket: Socket, signal: AbortSignal): Promise<{ nonce: Uint8Array; mac: Uint8Array }> {
  return new Promise((resolve, reject) => {
    const rp = createReturnPathDecoder();
    const done = (): void => {
      socket.off('data', onData);
      socket.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const onData = (chunk: Buffer): void => {
      try {
        for (const f of rp.push(chunk)) {
          const m = f.message;
          if (m.body === 'authChallenge' && m.authChallenge) {
            done();
            return resolve({ nonce: m.authChallenge.nonce ?? new Uint8Array(0), mac: m.authChallenge.mac ?? new Uint8Array(0) });
          }
          if (m.body === 'shut') {
            done();
            return reject(new Error(`refused: ${m.shut?.reason ?? 'no reason'}`));
          }
        }
      } catch (err) {
        done();
        reject(err);
      }
    };
    const onClose = (): void => {
      done();
      reject(new Error('connection closed before the challenge'));
    };
    const onAbort = (): void => {
      done();
      reject(signal.reason);
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
