/**
 * The source's half of the shared-secret challenge-response (proto header,
 * common/security/auth.ts): check the destination's proof before any state is
 * sent, then answer with the source's own proof.
 */
import { AuthError } from '@livemig/common/errors';
import { authProof, isValidNonce, proofMatches } from '@livemig/common/control';

export interface Challenge {
  readonly nonce: Uint8Array;
  readonly mac: Uint8Array;
}

/** The AuthResponse MAC to send, or throws AuthError when the destination's proof is wrong. */
export function answerChallenge(secret: Buffer, sourceNonce: Uint8Array, challenge: Challenge): Buffer {
  const nonceBytes = challenge.nonce.length;
  if (!isValidNonce(challenge.nonce)) throw new AuthError(`authentication failed: the destination's challenge nonce is ${nonceBytes} bytes`);
  if (!proofMatches(authProof(secret, 'destination', sourceNonce, challenge.nonce), challenge.mac)) {
    throw new AuthError('authentication failed: the destination could not prove it knows the shared secret (different --auth-secret-file?)');
  }
  return authProof(secret, 'source', sourceNonce, challenge.nonce);
}
