/**
 * Who may use the control API (control-auth.ts), case by case: which hosts
 * are loopback (and so need no token), the refusal to expose the API without
 * one, the token's comparison, and where an upgrade request carries it.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors';
import { checkControlExposure, isExposed, isLoopbackHost, requestToken, tokenMatches } from '../src/security/control-auth';

describe('isLoopbackHost', () => {
  it('takes localhost, ::1 and 127/8 (also IPv4-mapped), bracketed or not, in any case', () => {
    for (const h of ['localhost', 'LOCALHOST', 'LocalHost', '::1', '[::1]', '127.0.0.1', '127.255.0.9', '::ffff:127.0.0.1', '[::ffff:127.1.2.3]', '::FFFF:127.0.0.1', '127.12.34.56', '::ffff:127.12.34.56']) {
      expect(isLoopbackHost(h), h).toBe(true);
    }
  });

  it('refuses everything else, including look-alikes', () => {
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', '1127.0.0.1', '127.0.0.1.example.com', 'x127.0.0.1', '127.0.0', '127.0.0.1x', 'localhost.example.com', 'notlocalhost', '::2', '::ffff:10.0.0.1', '::ffff:127.0.0.1.x', 'a::ffff:127.0.0.1', 'local[host', 'local]host', '::1]x', '']) {
      expect(isLoopbackHost(h), h).toBe(false);
    }
  });
});

describe('checkControlExposure', () => {
  it('refuses a non-loopback TCP address without a token (UsageError naming the flag and address)', () => {
    const err = (() => {
      try {
        checkControlExposure({ kind: 'tcp', host: '10.1.2.3', port: 4444 }, null, '--qmp');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe('--qmp 10.1.2.3:4444: the control API binds a non-loopback address only with --control-token-file');
  });

  it('takes loopback and Unix sockets without a token, and anything with one (even an empty token)', () => {
    expect(() => checkControlExposure({ kind: 'tcp', host: '127.0.0.1', port: 1 }, null, '--control')).not.toThrow();
    expect(() => checkControlExposure({ kind: 'unix', host: '0.0.0.0', port: 0 }, null, '--qmp')).not.toThrow();
    expect(() => checkControlExposure({ kind: 'tcp', host: '0.0.0.0', port: 1 }, '', '--control')).not.toThrow();
    expect(isExposed({ kind: 'unix', host: '10.0.0.1', port: 0 })).toBe(false);
    expect(isExposed({ kind: 'tcp', host: '10.0.0.1', port: 0 })).toBe(true);
  });
});

describe('tokenMatches', () => {
  it('only the same string matches; other types never do', () => {
    expect(tokenMatches('s3cret', 's3cret')).toBe(true);
    expect(tokenMatches('s3cret', 's3cre')).toBe(false);
    expect(tokenMatches('s3cret', 'S3cret')).toBe(false);
    expect(tokenMatches('s3cret', '')).toBe(false);
    expect(tokenMatches('', '')).toBe(true);
    for (const v of [null, undefined, 5, ['s3cret'], { toString: () => 's3cret' }, Buffer.from('s3cret')]) expect(tokenMatches('s3cret', v)).toBe(false);
  });
});

describe('requestToken', () => {
  const req = (authorization: string | undefined, url?: string) => ({ headers: authorization === undefined ? {} : { authorization }, url });

  it('Bearer header (case-insensitive scheme, whitespace around the token) before ?token=', () => {
    expect(requestToken(req('Bearer abc', '/?token=zzz'))).toBe('abc');
    expect(requestToken(req('bearer abc'))).toBe('abc');
    expect(requestToken(req('BEARER   abc  '))).toBe('abc');
    expect(requestToken(req('Bearer\tabc'))).toBe('abc');
  });

  it('a header that is not a Bearer token falls back to the query', () => {
    expect(requestToken(req('Basic abc', '/?token=q'))).toBe('q');
    expect(requestToken(req('Bearer', '/?token=q'))).toBe('q');
    expect(requestToken(req('Bearer a b', '/?token=q'))).toBe('q');
    expect(requestToken(req('xBearer abc', '/?token=q'))).toBe('q');
    expect(requestToken(req('Bearerabc', '/?token=q'))).toBe('q');
  });

  it('the query: ?token= on any path; none without; no url is "/"', () => {
    expect(requestToken(req(undefined, '/ws?x=1&token=t%20t'))).toBe('t t');
    expect(requestToken(req(undefined, '/ws?x=1'))).toBeNull();
    expect(requestToken(req(undefined))).toBeNull();
    expect(requestToken(req(undefined, '/?token='))).toBe('');
  });

  it('a url that does not parse yields no token', () => {
    expect(requestToken(req(undefined, 'http://[bad'))).toBeNull();
  });
});
