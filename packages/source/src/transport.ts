/**
 * Opens the migration connection: plain TCP, or TLS with mutual certificate
 * authentication (--tls-cert/--tls-key/--tls-ca). Settles exactly once: on
 * connect, error, abort or timeout, and leaves no listener or timer behind.
 *
 * TLS 1.3 finishes the client's handshake before the server has checked the
 * client certificate; a server that rejects it just hangs up. So with 1.3 the
 * connection counts as open only once the server's first session ticket came
 * (sent after it accepted the certificate): no state is written to a
 * connection the destination is about to refuse, and the refusal is named.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { AuthError, ConnectionError, StallError } from '@livemig/common/errors';
import { type TlsFiles } from '@livemig/common/control';

export interface ConnectOptions {
  host: string;
  port: number;
  tls: TlsFiles | null;
  signal: AbortSignal;
  /** Give up after this long (0 = never; the kernel's own timeout applies). */
  timeoutMs: number;
}

/** TLS failures that mean "the peer is not who it should be" rather than a broken network. */
const TLS_AUTH_CODES = /CERT|SELF_SIGNED|UNABLE_TO|HOSTNAME|ERR_TLS|SSL|alert/i;

export function openConnection(opts: ConnectOptions): Promise<Socket> {
  const { host, port, tls, signal, timeoutMs } = opts;
  const where = `${host}:${port}`;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const socket: Socket = tls
      ? tlsConnect({ host, port, cert: tls.cert, key: tls.key, ca: tls.ca, servername: isIP(host) ? undefined : host, rejectUnauthorized: true, minVersion: 'TLSv1.2' })
      : netConnect({ host, port });
    socket.setNoDelay(true);
    let timer: NodeJS.Timeout | null = null;
    let settled = false;
    const settle = (err: unknown): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      timer = null;
      signal.removeEventListener('abort', onAbort);
      socket.off(tls ? 'secureConnect' : 'connect', onConnect);
      socket.off('error', onError);
      socket.off('session', onSession);
      socket.off('close', onClose);
      if (err === null) return resolve(socket);
      socket.destroy();
      reject(err);
    };
    // Not synchronously: 'session' fires from inside OpenSSL's read path, and writing to
    // the connection from there (the migration starts at once) corrupts the TLS records.
    const onSession = (): void => {
      setImmediate(() => settle(null));
    };
    const onClose = (): void =>
      settle(new AuthError(`TLS: destination ${where} closed the connection after the handshake: it did not accept this source's certificate (not signed by a CA it trusts?)`));
    const onConnect = (): void => {
      if (!tls || (socket as TLSSocket).getProtocol() !== 'TLSv1.3') return settle(null);
      socket.once('session', onSession);
      socket.once('close', onClose);
    };
    const onAbort = (): void => settle(signal.reason);
    const onError = (err: NodeJS.ErrnoException): void => {
      if (tls && TLS_AUTH_CODES.test(`${err.code ?? ''} ${err.message}`)) {
        settle(new AuthError(`TLS handshake with destination ${where} failed: ${err.message}`, { cause: err }));
      } else {
        settle(new ConnectionError(`cannot connect to destination ${where}: ${err.message}`, { cause: err }));
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once(tls ? 'secureConnect' : 'connect', onConnect);
    socket.once('error', onError);
    if (timeoutMs > 0) {
      timer = setTimeout(() => settle(new StallError(`cannot connect to destination ${where} within stall-timeout (${timeoutMs} ms)`)), timeoutMs);
      timer.unref();
    }
  });
}
