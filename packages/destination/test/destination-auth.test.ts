/**
 * The destination's half of the challenge-response (challengeFor,
 * checkAnswer), and the proofs it rests on (authProof), for the main
 * connection and for a multifd channel bound to its migration and index.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuthError } from '@livemig/common/errors';
import { STREAM_VERSION } from '@livemig/common/wire';
import { authProof, createNonce } from '@livemig/common/control';
import { AUTH_LABEL_CHANNEL_DESTINATION, AUTH_LABEL_SOURCE } from '../../common/src/constants';
import { challengeFor, checkAnswer } from '../src/destination-auth';

const secret = Buffer.from('shared');
const answer = (mac: Uint8Array) => ({ body: 'authResponse', authResponse: { mac } }) as never;

function authError(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(AuthError);
    return (err as Error).message;
  }
  throw new Error('expected an AuthError');
}

describe('challengeFor', () => {
  it('no secret and no nonce: no authentication', () => {
    expect(challengeFor(null, null)).toBeNull();
    expect(challengeFor(null, new Uint8Array(0))).toBeNull();
  });

  it('a nonce but no secret here, or a secret here but no nonce: refused, naming the flag', () => {
    expect(authError(() => challengeFor(null, createNonce()))).toBe('the source wants to authenticate but this destination has no --auth-secret-file');
    expect(authError(() => challengeFor(secret, null))).toBe('authentication required: the source sent no challenge (is --auth-secret-file set on the source?)');
    expect(authError(() => challengeFor(secret, new Uint8Array(0)))).toBe('authentication required: the source sent no challenge (is --auth-secret-file set on the source?)');
    expect(authError(() => challengeFor(secret, null, { migrationId: new Uint8Array(16), channel: 3 }))).toBe(
      'authentication required: the source sent no challenge on multifd channel 3 (is --auth-secret-file set on the source?)',
    );
  });

  it('a nonce of the wrong length is refused, naming its length', () => {
    expect(authError(() => challengeFor(secret, new Uint8Array(5)))).toBe("authentication failed: the source's nonce is 5 bytes");
  });

  it('the challenge: a fresh nonce and the destination proof over both nonces; the pending state to check the answer', () => {
    const ns = createNonce();
    const r = challengeFor(secret, ns)!;
    expect(r.pending.secret).toBe(secret);
    expect(r.pending.sourceNonce).toEqual(ns);
    expect(r.pending.binding).toBeNull();
    expect(r.pending.destinationNonce).toBe(r.challenge.nonce);
    expect(r.challenge.nonce.equals(ns)).toBe(false);
    expect(r.challenge.mac).toEqual(authProof(secret, 'destination', ns, r.challenge.nonce, STREAM_VERSION));
    ns.fill(0); // the decoded header's buffer is reused: the pending nonce is a copy
    expect(r.pending.sourceNonce.equals(ns)).toBe(false);
  });
});

describe('checkAnswer', () => {
  it("accepts the source proof, and refuses anything else, naming what came", () => {
    const ns = createNonce();
    const { pending } = challengeFor(secret, ns)!;
    const good = authProof(secret, 'source', ns, pending.destinationNonce);
    expect(() => checkAnswer(pending, answer(good))).not.toThrow();
    expect(authError(() => checkAnswer(pending, answer(authProof(secret, 'destination', ns, pending.destinationNonce))))).toBe(
      "authentication failed: the source's answer does not match the shared secret (different --auth-secret-file?)",
    );
    expect(authError(() => checkAnswer(pending, { body: 'section' } as never))).toBe("authentication required: expected the source's answer to the challenge, got 'section'");
    expect(authError(() => checkAnswer(pending, {} as never))).toBe("authentication required: expected the source's answer to the challenge, got 'unknown'");
    expect(authError(() => checkAnswer(pending, { body: 'authResponse' } as never))).toMatch(/^authentication required: expected the source's answer/);
  });

  it('a multifd channel: the proof is bound to the migration id and the channel index', () => {
    const ns = createNonce();
    const binding = { migrationId: Buffer.alloc(16, 7), channel: 2 };
    const { pending, challenge } = challengeFor(secret, ns, binding)!;
    expect(challenge.mac).toEqual(authProof(secret, 'destination', ns, challenge.nonce, STREAM_VERSION, binding));
    expect(challenge.mac.equals(authProof(secret, 'destination', ns, challenge.nonce))).toBe(false);
    const good = authProof(secret, 'source', ns, challenge.nonce, STREAM_VERSION, binding);
    expect(() => checkAnswer(pending, answer(good))).not.toThrow();
    const otherChannel = authProof(secret, 'source', ns, challenge.nonce, STREAM_VERSION, { ...binding, channel: 3 });
    expect(authError(() => checkAnswer(pending, answer(otherChannel)))).toBe(
      "authentication failed: the multifd channel 2's answer does not match the shared secret (different --auth-secret-file?)",
    );
    const otherMigration = authProof(secret, 'source', ns, challenge.nonce, STREAM_VERSION, { ...binding, migrationId: Buffer.alloc(16, 8) });
    expect(() => checkAnswer(pending, answer(otherMigration))).toThrow(AuthError);
    const unbound = authProof(secret, 'source', ns, challenge.nonce);
    expect(() => checkAnswer(pending, answer(unbound))).toThrow(AuthError);
  });
});

describe('authProof', () => {
  it('is HMAC-SHA256 over label | u32be version | Ns | Nd (| migration id | u32be channel)', () => {
    const ns = Buffer.alloc(32, 1);
    const nd = Buffer.alloc(32, 2);
    const v = Buffer.alloc(4);
    v.writeUInt32BE(STREAM_VERSION);
    expect(authProof(secret, 'source', ns, nd)).toEqual(createHmac('sha256', secret).update(AUTH_LABEL_SOURCE).update(v).update(ns).update(nd).digest());
    const c = Buffer.alloc(4);
    c.writeUInt32BE(258);
    const id = Buffer.alloc(16, 9);
    expect(authProof(secret, 'destination', ns, nd, STREAM_VERSION, { migrationId: id, channel: 258 })).toEqual(
      createHmac('sha256', secret).update(AUTH_LABEL_CHANNEL_DESTINATION).update(v).update(ns).update(nd).update(id).update(c).digest(),
    );
    const v9 = Buffer.alloc(4);
    v9.writeUInt32BE(9);
    expect(authProof(secret, 'source', ns, nd, 9)).toEqual(createHmac('sha256', secret).update(AUTH_LABEL_SOURCE).update(v9).update(ns).update(nd).digest());
  });
});
