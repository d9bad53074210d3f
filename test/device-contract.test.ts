/**
 * The device contract suite (checkDeviceContract, @livemig/common/testing) on
 * every registered device type: the built-ins and the examples/ device loaded
 * the way a daemon loads it (--device-module). Round trip through save and
 * load with the state changing between rounds, digest equality, pending
 * accounting, and cleanup that leaves nothing (a new migration after it).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AccelDevice,
  CpuDevice,
  RamDevice,
  Rng,
  deviceTypes,
  findDeviceType,
  loadDeviceModules,
  type Device,
} from '@livemig/common/devices';
import { checkDeviceContract, type ContractOptions } from '@livemig/common/testing';
import type { KvDevice } from '@livemig/kv';
// The daemons' built-in kv type (its own package): registered on import.
import '@livemig/kv';

const rng = new Rng(11);
/** How each known type is exercised: a spec and what the running machine does to it. */
const CASES: Record<string, { spec: string; opts: ContractOptions }> = {
  ram: { spec: 'ram,id=ram0,size=1M,fill=random', opts: { mutate: (d) => (d as RamDevice).write(rng.below(1 << 20) & ~7, Buffer.from('dirty!!!')) } },
  accel: {
    spec: 'accel,id=accel0,resources=2,resource-size=256K,alloc-ms=1,initial-size=8K,state-size=16K,dirty-rate=4M',
    opts: { mutate: (d) => (d as AccelDevice).simulateWrites(0.01, rng) },
  },
  cpu: { spec: 'cpu,id=cpu0,vcpus=2', opts: { mutate: (d) => (d as CpuDevice).simulateWrites(0.01, rng) } },
  kv: {
    spec: 'kv,id=kv0,listen=127.0.0.1:0,keys=2000,value-size=32',
    opts: {
      mutate: (d) => {
        const { store } = d as KvDevice;
        const k = `key:${rng.below(2500)}`;
        // Writes, deletes and expiries (absolute) all dirty their key.
        if (rng.below(4) === 0) store.delete(k);
        // Values small (copied into the batch) and large (sent as views of the store's Buffers).
        else store.set(k, rng.below(3) === 0 ? Buffer.alloc(1025 + rng.below(3000), 97 + rng.below(26)) : Buffer.from(`v${rng.below(1000)}`), rng.below(2) === 0 ? 0 : Date.now() + 60_000 + rng.below(1000));
      },
    },
  },
  ledger: { spec: 'ledger,id=bank,accounts=3000', opts: { mutate: (d) => (d as Device & { transfer(a: number, b: number, n: bigint): void }).transfer(rng.below(3000), rng.below(3000), 7n) } },
};

describe('device contract suite', () => {
  beforeAll(async () => {
    await loadDeviceModules(['examples/ledger/ledger.js']);
  });

  it('every registered type has a case here (a new type must be added to CASES)', () => {
    expect(deviceTypes().map((t) => t.name).sort()).toEqual(Object.keys(CASES).sort());
  });
  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: round trip, digests, pending accounting, cleanup`, async () => {
      await checkDeviceContract(findDeviceType(name)!, c.spec, c.opts);
    });
  }
  it('kv with switchover-ack: approves once per migration (after preparing its arena)', async () => {
    await checkDeviceContract(findDeviceType('kv')!, CASES.kv!.spec, { ...CASES.kv!.opts, switchoverAck: true });
  });
  it('accel with switchover-ack: approves once per migration', async () => {
    await checkDeviceContract(findDeviceType('accel')!, CASES.accel!.spec, { ...CASES.accel!.opts, switchoverAck: true });
  });
});
