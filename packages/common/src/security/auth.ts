/**
 * Shared-secret challenge-response for the migration connection (both
 * daemons' --auth-secret-file). Mutual: the source sends a nonce Ns in its
 * stream header; the destination answers with its nonce Nd and a proof over
 * both; the source checks it before it sends any state, then proves itself.
 *
 *   proof(direction) = HMAC-SHA256(secret, label(direction) | u32be version | Ns | Nd)
 *
 * The label binds a proof to its direction, so one side's proof can never be
 * replayed as the other's; the nonces bind it to this connection. Proofs are
 * compared in constant time. Pure: no I/O, no state.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  AUTH_LABEL_CHANNEL_DESTINATION,
  AUTH_LABEL_CHANNEL_SOURCE,
  AUTH_LABEL_DESTINATION,
  AUTH_LABEL_SOURCE,
  AUTH_NONCE_BYTES,
  STREAM_VERSION,
} from '../constants';

export type AuthDirection = 'source' | 'destination';

/** A multifd channel's proof is bound to the migration it joins and its index (no replay onto another migration or channel). */
export interface ChannelBinding {
  readonly migrationId: Uint8Array;
  readonly channel: number;
}

const LABELS: Record<AuthDirection, readonly [string, string]> = {
  source: [AUTH_LABEL_SOURCE, AUTH_LABEL_CHANNEL_SOURCE],
  destination: [AUTH_LABEL_DESTINATION, AUTH_LABEL_CHANNEL_DESTINATION],
};

export function createNonce(): Buffer {
  return randomBytes(AUTH_NONCE_BYTES);
}

/** True when `nonce` has the length every nonce must have. */
export function isValidNonce(nonce: Uint8Array | null | undefined): nonce is Uint8Array {
  return nonce instanceof Uint8Array && nonce.length === AUTH_NONCE_BYTES;
}

/**
 * proof(direction) = HMAC-SHA256(secret, label | u32be version | Ns | Nd), and for
 * a multifd channel (`binding`) a channel label and `| migration id | u32be channel`.
 */
export function authProof(
  secret: Buffer,
  direction: AuthDirection,
  sourceNonce: Uint8Array,
  destinationNonce: Uint8Array,
  version = STREAM_VERSION,
  binding: ChannelBinding | null = null,
): Buffer {
  const v = Buffer.alloc(4);
  v.writeUInt32BE(version, 0);
  const hmac = createHmac('sha256', secret)
    .update(LABELS[direction][binding ? 1 : 0])
    .update(v)
    .update(sourceNonce)
    .update(destinationNonce);
  if (binding) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(binding.channel, 0);
    hmac.update(binding.migrationId).update(c);
  }
  return hmac.digest();
}

/** Constant-time comparison of an expected proof with a received one (length is not secret). */
export function proofMatches(expected: Buffer, received: Uint8Array | null | undefined): boolean {
  if (!(received instanceof Uint8Array) || received.length !== expected.length) return false;
  return timingSafeEqual(expected, received);
}
