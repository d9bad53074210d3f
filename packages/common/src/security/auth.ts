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
import { AUTH_LABEL_DESTINATION, AUTH_LABEL_SOURCE, AUTH_NONCE_BYTES, STREAM_VERSION } from '../constants';

export type AuthDirection = 'source' | 'destination';

export function createNonce(): Buffer {
  return randomBytes(AUTH_NONCE_BYTES);
}

/** True when `nonce` has the length every nonce must have. */
export function isValidNonce(nonce: Uint8Array | null | undefined): nonce is Uint8Array {
  return nonce instanceof Uint8Array && nonce.length === AUTH_NONCE_BYTES;
}

export function authProof(secret: Buffer, direction: AuthDirection, sourceNonce: Uint8Array, destinationNonce: Uint8Array, version = STREAM_VERSION): Buffer {
  const v = Buffer.alloc(4);
  v.writeUInt32BE(version, 0);
  return createHmac('sha256', secret)
    .update(direction === 'source' ? AUTH_LABEL_SOURCE : AUTH_LABEL_DESTINATION)
    .update(v)
    .update(sourceNonce)
    .update(destinationNonce)
    .digest();
}

/** Constant-time comparison of an expected proof with a received one (length is not secret). */
export function proofMatches(expected: Buffer, received: Uint8Array | null | undefined): boolean {
  if (!(received instanceof Uint8Array) || received.length !== expected.length) return false;
  return timingSafeEqual(expected, received);
}
