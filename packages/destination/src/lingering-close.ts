/**
 * Closes a connection after a last word without losing it: the write side
 * ends (FIN after the SHUT), and what the peer still sends is read and dropped
 * until it hangs up, for at most LINGER_MS. Destroying a socket with unread
 * input makes the kernel answer with a reset, which can overtake the SHUT and
 * leave the source with "connection reset" instead of the reason.
 */
import type { Socket } from 'node:net';

export const LINGER_MS = 2000;

/** `read: false`: the caller reads (and drops) the rest itself, within its own bound. */
export function lingeringClose(socket: Socket, last?: Buffer, opts: { read: boolean } = { read: true }): void {
  socket.on('error', () => socket.destroy());
  if (last) socket.end(last);
  else socket.end();
  if (opts.read) socket.resume();
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
