/**
 * The key space: string keys (latin1, so any bytes round-trip) to immutable
 * value Buffers with an absolute expiry (ms since the epoch, 0 = none). A
 * write replaces the value Buffer rather than changing it, so a Buffer handed
 * to the migration stream as a view stays valid while it is queued.
 *
 * During a migration every write (set, delete, expiry change, expiry itself)
 * marks its key dirty; the migration sends the key's current state (or its
 * deletion) at the next pass.
 */
import { xxh64 } from '@node-rs/xxhash';

export interface Entry {
  value: Buffer;
  /** Absolute expiry, ms since the epoch; 0 = persistent. */
  expireAt: number;
  /** This entry's hash (key, expiry, value), a term of the store's digest sum. */
  h: bigint;
}

/** An entry's hash: the value's XXH64 seeded with the key's and expiry's. */
function entryHash(key: string, value: Buffer, expireAt: number): bigint {
  return xxh64(value, xxh64(`${key}\0${expireAt}`));
}

export class Store {
  readonly map = new Map<string, Entry>();
  /** Keys with an expiry (the active expiry cycle samples these). */
  private readonly volatile = new Set<string>();
  /** Bytes of keys and values held. */
  bytes = 0;
  /**
   * verify's digest, kept as writes happen: the sum (mod 2^64) of every
   * entry's hash, so digesting at switchover costs nothing and does not
   * depend on the order keys were loaded in.
   */
  sum = 0n;
  /** Dirty tracking, on while a migration runs. */
  dirty: Set<string> | null = null;

  get size(): number {
    return this.map.size;
  }

  /** The live entry of `key`, expiring it (lazily, as Redis does) when its time has passed. */
  get(key: string, now: number): Entry | undefined {
    const e = this.map.get(key);
    if (e && e.expireAt !== 0 && e.expireAt <= now) {
      this.delete(key);
      return undefined;
    }
    return e;
  }

  set(key: string, value: Buffer, expireAt: number): void {
    const old = this.map.get(key);
    if (old) {
      this.bytes -= old.value.length;
      this.sum -= old.h;
    } else this.bytes += key.length;
    this.bytes += value.length;
    const h = entryHash(key, value, expireAt);
    this.sum = BigInt.asUintN(64, this.sum + h);
    this.map.set(key, { value, expireAt, h });
    if (expireAt !== 0) this.volatile.add(key);
    else if (old?.expireAt) this.volatile.delete(key);
    this.dirty?.add(key);
  }

  setExpire(key: string, e: Entry, expireAt: number): void {
    e.expireAt = expireAt;
    const h = entryHash(key, e.value, expireAt);
    this.sum = BigInt.asUintN(64, this.sum - e.h + h);
    e.h = h;
    if (expireAt !== 0) this.volatile.add(key);
    else this.volatile.delete(key);
    this.dirty?.add(key);
  }

  delete(key: string): boolean {
    const old = this.map.get(key);
    if (!old) return false;
    this.map.delete(key);
    this.sum = BigInt.asUintN(64, this.sum - old.h);
    this.volatile.delete(key);
    this.bytes -= key.length + old.value.length;
    this.dirty?.add(key);
    return true;
  }

  clear(): void {
    if (this.dirty) for (const k of this.map.keys()) this.dirty.add(k);
    this.map.clear();
    this.volatile.clear();
    this.bytes = 0;
    this.sum = 0n;
  }

  /** Redis's active expiry, bounded: checks up to `budget` volatile keys; returns how many expired. */
  activeExpire(now: number, budget: number): number {
    let n = 0;
    let seen = 0;
    for (const k of this.volatile) {
      if (seen++ >= budget) break;
      const e = this.map.get(k);
      if (e && e.expireAt !== 0 && e.expireAt <= now) {
        this.delete(k);
        n++;
      } else {
        // Rotate it to the back so the next cycle samples other keys.
        this.volatile.delete(k);
        this.volatile.add(k);
      }
    }
    return n;
  }
}
