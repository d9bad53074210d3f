/**
 * Security material named on the command line (--tls-cert/--tls-key/--tls-ca,
 * --auth-secret-file, --control-token-file), read once at startup. Every
 * problem is a UsageError naming the flag and the file (exit code 2).
 */
import { readFileSync } from 'node:fs';
import type { OptionTable } from '../cli';
import { UsageError } from '../errors';
import { checkTlsMaterial } from './tls-material';

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
    checkTlsMaterial(tls, { cert: cert!, key: key!, ca: ca! });
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

/** The CLI options both daemons take for the above (an option table, cli.ts). */
export const SECURITY_OPTIONS: OptionTable = [
  { name: 'tls-cert', type: 'string', arg: 'FILE', help: "this daemon's certificate (PEM) for mutual TLS on the migration connection; with --tls-key and --tls-ca" },
  { name: 'tls-key', type: 'string', arg: 'FILE', help: 'the private key (PEM) of --tls-cert' },
  { name: 'tls-ca', type: 'string', arg: 'FILE', help: "the CA (PEM) that signed the other daemon's certificate" },
  { name: 'auth-secret-file', type: 'string', arg: 'FILE', help: 'shared secret: both ends prove it (challenge-response) before any state moves; the same file on both daemons' },
  { name: 'control-token-file', type: 'string', arg: 'FILE', help: 'token control clients must present (livemig-ctl --token-file); required to bind --control/--qmp off loopback' },
];
