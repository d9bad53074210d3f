/**
 * What this host can give a daemon's RAM devices, checked at the edge
 * (daemon-args.ts) before anything is allocated, plus the test-only block-size
 * override.
 *
 * Blocks are calloc'd, so allocating more than the machine has usually
 * succeeds (Linux overcommits) and the process is killed later, when the
 * destination pre-faults its memory or the source fills it. So the sizes are
 * checked against the machine's memory (or the cgroup's limit, if lower) up
 * front: a usage error naming the figures, exit 2, rather than an OOM kill in
 * the middle of a migration.
 */
import { totalmem } from 'node:os';
import type { DeviceSpec, RamSpec } from '../device-spec';
import { DeviceSpecError } from '../errors';
import { parseSize } from '../sizes';
import { checkRamBlockBytes } from './ram-blocks';

/** TEST ONLY: bytes per RAM block for every ram device of a daemon (e.g. 64K), so tests cross block boundaries on small RAM. */
export const TEST_RAM_BLOCK_SIZE_ENV = 'LIVEMIG_TEST_RAM_BLOCK_SIZE';

/** Memory this process may use: the machine's, or its cgroup's limit when that is lower. */
export function hostMemoryBytes(): number {
  const total = totalmem();
  const constrained = process.constrainedMemory?.() ?? 0;
  return constrained > 0 && constrained < total ? constrained : total;
}

/** 23.5 GiB, 8 GiB, 512 MiB: for messages. */
function inUnits(n: number): string {
  const [unit, name] = n >= 1024 ** 3 ? [1024 ** 3, 'GiB'] : [1024 ** 2, 'MiB'];
  return `${(n / unit).toFixed(n % unit === 0 ? 0 : 1)} ${name}`;
}

/** Refuses RAM devices that together need more memory than `hostBytes`. */
export function checkRamFitsHost(specs: readonly DeviceSpec[], hostBytes: number): void {
  const rams = specs.filter((s): s is RamSpec => s.type === 'ram');
  const total = rams.reduce((n, s) => n + s.size, 0);
  if (total <= hostBytes) return;
  const which = rams.length === 1 ? `device '${rams[0]!.id}': size=${rams[0]!.size} (${inUnits(total)})` : `ram devices ${rams.map((s) => `'${s.id}'`).join(', ')}: ${inUnits(total)} in all`;
  throw new DeviceSpecError(`${which} is more than this machine's memory (${inUnits(hostBytes)}); all of it must be resident to migrate`);
}

/** The specs with the test-only block size applied, when the environment sets one. */
export function applyTestRamBlockSize(specs: readonly DeviceSpec[], env: NodeJS.ProcessEnv): DeviceSpec[] {
  const text = env[TEST_RAM_BLOCK_SIZE_ENV];
  if (text === undefined || text === '') return [...specs];
  const what = `${TEST_RAM_BLOCK_SIZE_ENV}=${text}`;
  const blockBytes = checkRamBlockBytes(parseSize(text, what), what);
  return specs.map((s) => (s.type === 'ram' ? Object.freeze({ ...s, blockBytes }) : s));
}
