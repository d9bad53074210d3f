/**
 * Start-up listen failures (control sockets, the incoming migration port) in
 * the operator's words. Part of the control plane, beside the servers that
 * listen; it moved here from cli.ts so the control layer needs no daemon kit.
 */
import { UsageError } from '../errors';

/**
 * A listen() failure at start-up in the operator's words, naming the flag:
 * a configuration error (exit 2), not a crash.
 */
export function bindError(flag: string, where: string, err: unknown): UsageError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why: Record<string, string> = {
    EADDRINUSE: 'the address is already in use (another process listens there: pick another port, or port 0 for any free one)',
    EACCES: 'permission denied (ports below 1024 need privileges; a Unix socket needs a directory you may write to)',
    EADDRNOTAVAIL: 'no network interface of this host has that address',
    ENOTFOUND: 'the host name does not resolve',
    EAI_AGAIN: 'the host name does not resolve',
    ENOENT: 'the directory of the Unix socket path does not exist',
    ENOTDIR: 'a part of the Unix socket path is not a directory',
    EINVAL: 'the address cannot be used to listen on',
  };
  const text = (code && why[code]) ?? `cannot listen there (${err instanceof Error ? err.message : String(err)})`;
  return new UsageError(`${flag} ${where}: ${text}`);
}

