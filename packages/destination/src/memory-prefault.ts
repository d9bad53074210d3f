/**
 * Background pre-faulting of the destination's RAM. Fresh memory costs the
 * kernel ~1–2 µs a page on first touch (0.4–2 s per GiB on the test VM); paid
 * inside the load loop it would halve the receive rate. Doing it all before
 * listening (as `fill(0)` at start-up did) made the daemon slow to start.
 * So the daemon listens at once and touches memory in small slices on idle
 * turns of the event loop; `onDone` reports when all of it is resident.
 * Touching only ever writes zero into pages known to be zero (the RAM device's prefault).
 */
import type { Device } from '@livemig/common/devices';

/** Memory touched per turn of the event loop (~2–8 ms of page faults). */
const SLICE_BYTES = 4 * 1024 * 1024;

export interface Prefault {
  /** Stops early (daemon closing). */
  stop(): void;
}

export function prefaultInBackground(devices: readonly Device[], onDone: (ms: number, bytes: number) => void): Prefault {
  const rams = devices.filter((d) => typeof d.prefault === 'function');
  const t0 = performance.now();
  let index = 0;
  let bytes = 0;
  let timer: NodeJS.Immediate | null = null;
  const step = (): void => {
    timer = null;
    while (index < rams.length) {
      const n = rams[index]!.prefault!(SLICE_BYTES);
      if (n > 0) {
        bytes += n;
        timer = setImmediate(step);
        return;
      }
      index++;
    }
    onDone(performance.now() - t0, bytes);
  };
  timer = setImmediate(step);
  return {
    stop(): void {
      if (timer) clearImmediate(timer);
      timer = null;
    },
  };
}
