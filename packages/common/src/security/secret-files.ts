/**
 * Security material named on the command line (--tls-cert/--tls-key/--tls-ca,
 * --auth-secret-file, --control-token-file), read once at startup. Every
 * problem is a UsageError naming the flag and the file (exit code 2).
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors';

export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer;
}

export interface SecurityOptions {
  /** Mutual TLS on the migration connection, or null for plain TCP. */
  readonly tls: TlsFiles | null;
  /** Shared secret for the challenge-response, or null for none. */
  readonly authSecret: Buffer | null;
  /** Token control clients must present, or null. */
  readonly controlToken: string | null;
}

function readFile(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag} '${path}': cannot read the file (${code ?? (err instanceof Error ? err.message : String(err))})`);
  }
}

/** A secret or token file: its content without trailing whitespace, non-empty. */
function readSecret(path: string, flag: string): Buffer {
  const raw = readFile(path, flag);
  let end = raw.length;
  while (end > 0 && (raw[end - 1] === 0x0a || raw[end - 1] === 0x0d || raw[end - 1] === 0x20 || raw[end - 1] === 0x09)) end--;
  if (end === 0) throw new UsageError(`${flag} '${path}': the file is empty`);
  return raw.subarray(0, end);
}

/** A control token file (for clients such as livemig-ctl): validated like the daemons' own. */
export function readControlToken(path: string, flag: string): string {
  const token = readSecret(path, flag).toString('utf8');
  if (/[\s]/.test(token)) throw new UsageError(`${flag} '${path}': the token must not contain whitespace`);
  return token;
}

export function parseSecurityOptions(v: Readonly<Record<string, unknown>>): SecurityOptions {
  const cert = v['tls-cert'] as string | undefined;
  const key = v['tls-key'] as string | undefined;
  const ca = v['tls-ca'] as string | undefined;
  let tls: TlsFiles | null = null;
  if (cert !== undefined || key !== undefined || ca !== undefined) {
    const missing = (['tls-cert', 'tls-key', 'tls-ca'] as const).filter((f) => v[f] === undefined).map((f) => `--${f}`);
    if (missing.length > 0) throw new UsageError(`TLS needs --tls-cert, --tls-key and --tls-ca together (mutual authentication); missing ${missing.join(', ')}`);
    tls = Object.freeze({ cert: readFile(cert!, '--tls-cert'), key: readFile(key!, '--tls-key'), ca: readFile(ca!, '--tls-ca') });
  }
  const secretPath = v['auth-secret-file'] as string | undefined;
  const tokenPath = v['control-token-file'] as string | undefined;
  const token = tokenPath === undefined ? null : readControlToken(tokenPath, '--control-token-file');
  return Object.freeze({
    tls,
    authSecret: secretPath === undefined ? null : readSecret(secretPath, '--auth-secret-file'),
    controlToken: token,
  });
}

/** The CLI options both daemons take for the above (node:util parseArgs shape). */
export const SECURITY_CLI_OPTIONS = {
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-ca': { type: 'string' },
  'auth-secret-file': { type: 'string' },
  'control-token-file': { type: 'string' },
} as const;

export const SECURITY_USAGE = '[--tls-cert FILE --tls-key FILE --tls-ca FILE] [--auth-secret-file FILE] [--control-token-file FILE]';
