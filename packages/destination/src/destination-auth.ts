/**
 * The destination's half of the shared-secret challenge-response (proto
 * header, common/security/auth.ts). The stream header decides: a source nonce
 * exactly when this destination has a secret, else the connection is refused
 * before any state; then the source's answer must carry the right proof.
 */
import { AuthError, authProof, createNonce, isValidNonce, proofMatches, type DecodedFrameMessage } from '@livemig/common';

export interface PendingAuth {
  readonly secret: Buffer;
  readonly sourceNonce: Uint8Array;
  readonly destinationNonce: Buffer;
}

/** null: no authentication on this connection; else the challenge to send and what its answer must prove. */
export function challengeFor(secret: Buffer | null, nonce: Uint8Array | null): { pending: PendingAuth; challenge: { nonce: Buffer; mac: Buffer } } | null {
  const offered = nonce !== null && nonce.length > 0;
  if (!secret) {
    if (offered) throw new AuthError('the source wants to authenticate but this destination has no --auth-secret-file');
    return null;
  }
  if (!offered) throw new AuthError('authentication required: the source sent no challenge (is --auth-secret-file set on the source?)');
  const nonceBytes = nonce.length;
  if (!isValidNonce(nonce)) throw new AuthError(`authentication failed: the source's nonce is ${nonceBytes} bytes`);
  const destinationNonce = createNonce();
  return {
    pending: { secret, sourceNonce: nonce, destinationNonce },
    challenge: { nonce: destinationNonce, mac: authProof(secret, 'destination', nonce, destinationNonce) },
  };
}

/** The frame after the challenge must be the source's proof. Throws AuthError. */
export function checkAnswer(pending: PendingAuth, msg: DecodedFrameMessage): void {
  if (msg.body !== 'authResponse' || !msg.authResponse) throw new AuthError(`authentication required: expected the source's answer to the challenge, got '${msg.body ?? 'unknown'}'`);
  const expected = authProof(pending.secret, 'source', pending.sourceNonce, pending.destinationNonce);
  if (!proofMatches(expected, msg.authResponse.mac)) throw new AuthError("authentication failed: the source's answer does not match the shared secret (different --auth-secret-file?)");
}
