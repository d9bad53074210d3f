/** Unit-test helper shared by the packages' tests: what a refused call said. */
import { expect } from 'vitest';

/** Runs `f`, which must throw an instance of `kind`; returns its message (for an exact match). */
export function refusal(f: () => unknown, kind: abstract new (...args: never[]) => Error): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(kind);
    return (err as Error).message;
  }
  throw new Error(`expected a ${kind.name}`);
}
