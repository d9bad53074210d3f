/** Small edges of the engine: migration URIs, and errors whose class and code agree. */
import { describe, expect, it, vi } from 'vitest';
import { ConnectionError, InternalError, MigError, ProtocolError, UsageError, toMigError } from '../src/errors';
import { parseMigrationUri } from '../src/cli';

describe('parseMigrationUri', () => {
  it('takes names, IPv4 and bracketed IPv6 hosts', () => {
    expect(parseMigrationUri('tcp:localhost:4444')).toEqual({ host: 'localhost', port: 4444 });
    expect(parseMigrationUri('tcp:127.0.0.1:1')).toEqual({ host: '127.0.0.1', port: 1 });
    expect(parseMigrationUri('tcp:[::1]:65535')).toEqual({ host: '::1', port: 65535 });
  });

  for (const bad of ['tcp:[::1', 'tcp:[::1:4444', 'tcp:::1]:4444', 'tcp:::1:4444', 'tcp:[]:4444', 'tcp:[[::1]]:4444', 'tcp:host', 'unix:/tmp/x', 'tcp::4444']) {
    it(`refuses ${bad}`, () => {
      expect(() => parseMigrationUri(bad)).toThrow(UsageError);
    });
  }

  it('refuses a port out of range', () => {
    expect(() => parseMigrationUri('tcp:[::1]:65536')).toThrow(/port 65536 is out of range/);
  });
});

describe('toMigError', () => {
  it('gives a programming error its own code, whatever the fallback', () => {
    for (const e of [new TypeError("Cannot read properties of undefined (reading 'x')"), new RangeError('offset out of range'), new ReferenceError('x is not defined')]) {
      const m = toMigError(e, 'MIG_ERR_PROTOCOL');
      expect(m).toBeInstanceOf(InternalError);
      expect(m.code).toBe('MIG_ERR_INTERNAL');
      expect(m.message).toMatch(new RegExp(`^internal error: ${e.name}: `));
      expect(m.cause).toBe(e);
      expect(toMigError(e).code).toBe('MIG_ERR_INTERNAL');
    }
  });

  it('keeps a MigError, and labels I/O errors with the fallback', () => {
    const p = new ProtocolError('x');
    expect(toMigError(p)).toBe(p);
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(toMigError(reset).code).toBe('MIG_ERR_CONNECTION');
    expect(toMigError('text', 'MIG_ERR_DEVICE').code).toBe('MIG_ERR_DEVICE');
  });

  it('class and code agree', () => {
    expect(new ConnectionError('x').code).toBe('MIG_ERR_CONNECTION');
    expect(new ProtocolError('x').code).toBe('MIG_ERR_PROTOCOL');
    expect(new InternalError('x')).toBeInstanceOf(MigError);
  });
});

describe('MigError across copies of the module', () => {
  // A second, independent copy of errors.ts: what a device module loaded with
  // --device-module has when the daemon runs from its bundle.
  async function otherCopy(): Promise<typeof import('../src/errors')> {
    vi.resetModules();
    const copy = await import('../src/errors.js');
    vi.resetModules();
    return copy;
  }

  it("counts another copy's error as ours, class by class", async () => {
    const other = await otherCopy();
    expect(other.ProtocolError).not.toBe(ProtocolError);
    const e = new other.ProtocolError('bad frame');
    expect(e instanceof MigError).toBe(true);
    expect(e instanceof ProtocolError).toBe(true);
    expect(e instanceof UsageError).toBe(false);
    expect(e instanceof ConnectionError).toBe(false);
    // so toMigError keeps it as the device said it, not as an internal error
    expect(toMigError(e, 'MIG_ERR_DEVICE')).toBe(e);
    expect(new other.UsageError('x') instanceof MigError).toBe(true);
  });

  it('still refuses what is no MigError: a plain Error of the same name, null, a primitive', async () => {
    const fake = new Error('x');
    fake.name = 'ProtocolError';
    expect(fake instanceof ProtocolError).toBe(false);
    expect(fake instanceof MigError).toBe(false);
    expect((null as unknown) instanceof MigError).toBe(false);
    expect(('ProtocolError' as unknown) instanceof MigError).toBe(false);
    expect(new ProtocolError('y') instanceof Error).toBe(true);
  });
});
