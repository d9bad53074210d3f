/**
 * The destination's half of the shared-secret challenge-response (proto
 * header, common/security/auth.ts). The stream header decides: a source nonce
 * exactly when this destination has a secret, else the connection is refused
 * before any state; then the source's answer must carry the right proof. A
 * multifd channel runs its own challenge, bound to the migration it names and
 * its index (`binding`).
 */
import { AuthError } from '@livemig/common/errors';
import { STREAM_VERSION, type DecodedFrameMessage } from '@livemig/common/wire';
import { authProof, createNonce, isValidNonce, proofMatches, type ChannelBinding } from '@livemig/common/control';

export interface PendingAuth {
  readonly secret: Buffer;
  readonly sourceNonce: Buffer;
  readonly destinationNonce: Buffer;
  readonly binding: ChannelBinding | null;
}

/** null: no authentication on this connection; else the challenge to send and what its answer must prove. */
export function challengeFor(
  secret: Buffer | null,
  nonce: Uint8Array | null,
  binding: ChannelBinding | null = null,
): { pending: PendingAuth; challenge: { nonce: Buffer; mac: Buffer } } | null {
  const offered = nonce !== null && nonce.length > 0;
  if (!secret) {
    if (offered) throw new AuthError('the source wants to authenticate but this destination has no --auth-secret-file');
    return null;
  }
  if (!offered) throw new AuthError(`authentication required: the source sent no challenge${binding ? ` on multifd channel ${binding.channel}` : ''} (is --auth-secret-file set on the source?)`);
  const nonceBytes = nonce.length;
  if (!isValidNonce(nonce)) throw new AuthError(`authentication failed: the source's nonce is ${nonceBytes} bytes`);
  // A copy: the decoded header is a view into a pooled receive buffer that the next read reuses.
  const sourceNonce = Buffer.from(nonce);
  const destinationNonce = createNonce();
  return {
    pending: { secret, sourceNonce, destinationNonce, binding },
    challenge: { nonce: destinationNonce, mac: authProof(secret, 'destination', sourceNonce, destinationNonce, STREAM_VERSION, binding) },
  };
}

/** The frame after the challenge must be the source's proof. Throws AuthError. */
export function checkAnswer(pending: PendingAuth, msg: DecodedFrameMessage): void {
  if (msg.body !== 'authResponse' || !msg.authResponse) throw new AuthError(`authentication required: expected the source's answer to the challenge, got '${msg.body ?? 'unknown'}'`);
  const expected = authProof(pending.secret, 'source', pending.sourceNonce, pending.destinationNonce, STREAM_VERSION, pending.binding);
  if (!proofMatches(expected, msg.authResponse.mac)) {
    const what = pending.binding ? `multifd channel ${pending.binding.channel}'s answer` : "source's answer";
    throw new AuthError(`authentication failed: the ${what} does not match the shared secret (different --auth-secret-file?)`);
  }
}
