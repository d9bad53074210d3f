/**
 * The source's half of the challenge-response (answerChallenge): it checks the
 * destination's proof over both nonces before it answers, and answers with its
 * own proof, which the destination's check (checkAnswer) accepts.
 */
import { describe, expect, it } from 'vitest';
import { AuthError } from '@livemig/common/errors';
import { authProof, createNonce } from '@livemig/common/control';
import { answerChallenge } from '../src/source-auth';
import { challengeFor, checkAnswer } from '../../destination/src/destination-auth';

const secret = Buffer.from('shared secret');

describe('answerChallenge', () => {
  it('answers a destination that proved the secret with the source proof, which the destination accepts', () => {
    const ns = createNonce();
    const ch = challengeFor(secret, ns)!;
    const mac = answerChallenge(secret, ns, ch.challenge);
    expect(mac).toEqual(authProof(secret, 'source', ns, ch.challenge.nonce));
    expect(() => checkAnswer(ch.pending, { body: 'authResponse', authResponse: { mac } } as never)).not.toThrow();
  });

  it('refuses a destination proof made with another secret, naming the likely cause', () => {
    const ns = createNonce();
    const ch = challengeFor(Buffer.from('other'), ns)!;
    expect(() => answerChallenge(secret, ns, ch.challenge)).toThrow(AuthError);
    expect(() => answerChallenge(secret, ns, ch.challenge)).toThrow(
      'authentication failed: the destination could not prove it knows the shared secret (different --auth-secret-file?)',
    );
  });

  it('refuses a proof for another source nonce (a replay), or the source direction replayed back', () => {
    const ns = createNonce();
    const nd = createNonce();
    expect(() => answerChallenge(secret, ns, { nonce: nd, mac: authProof(secret, 'destination', createNonce(), nd) })).toThrow(/could not prove/);
    expect(() => answerChallenge(secret, ns, { nonce: nd, mac: authProof(secret, 'source', ns, nd) })).toThrow(/could not prove/);
    expect(() => answerChallenge(secret, ns, { nonce: nd, mac: new Uint8Array(0) })).toThrow(/could not prove/);
  });

  it('refuses a nonce of the wrong length before looking at the proof', () => {
    const ns = createNonce();
    const short = createNonce().subarray(0, 16);
    expect(() => answerChallenge(secret, ns, { nonce: short, mac: authProof(secret, 'destination', ns, short) })).toThrow(
      "authentication failed: the destination's challenge nonce is 16 bytes",
    );
  });
});
