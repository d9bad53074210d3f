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

const rng = new Rng(11);
/** How each known type is exercised: a spec and what the running machine does to it. */
const CASES: Record<string, { spec: string; opts: ContractOptions }> = {
  ram: { spec: 'ram,id=ram0,size=1M,fill=random', opts: { mutate: (d) => (d as RamDevice).write(rng.below(1 << 20) & ~7, Buffer.from('dirty!!!')) } },
  accel: {
    spec: 'accel,id=accel0,resources=2,resource-size=256K,alloc-ms=1,initial-size=8K,state-size=16K,dirty-rate=4M',
    opts: { mutate: (d) => (d as AccelDevice).simulateWrites(0.01, rng) },
  },
  cpu: { spec: 'cpu,id=cpu0,vcpus=2', opts: { mutate: (d) => (d as CpuDevice).simulateWrites(0.01, rng) } },
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
  it('accel with switchover-ack: approves once per migration', async () => {
    await checkDeviceContract(findDeviceType('accel')!, CASES.accel!.spec, { ...CASES.accel!.opts, switchoverAck: true });
  });
});
