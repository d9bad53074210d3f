/** AutoConverge: QEMU's trigger (dirtied > 50% of sent, twice), steps, cap and reset. */
import { describe, expect, it } from 'vitest';
import { defaultParameters, applyParameters } from '@livemig/common/control';
import { AutoConverge } from '../src/auto-converge';

function make(overrides: Record<string, number> = {}) {
  const params = applyParameters(defaultParameters(), overrides);
  const applied: number[] = [];
  const ac = new AutoConverge(() => params, (p) => applied.push(p));
  return { ac, applied };
}

describe('AutoConverge', () => {
  it('starts at cpu-throttle-initial after two periods over the trigger, then steps by the increment', () => {
    const { ac, applied } = make();
    expect(ac.onSync(60, 100)).toBe(0); // one high period: not yet
    expect(ac.onSync(60, 100)).toBe(20);
    expect(ac.onSync(60, 100)).toBe(20);
    expect(ac.onSync(60, 100)).toBe(30);
    expect(applied).toEqual([20, 30]);
  });

  it('does not move while the dirty rate stays under half of what is sent', () => {
    const { ac, applied } = make();
    for (let i = 0; i < 10; i++) ac.onSync(50, 100);
    ac.onSync(1, 0); // nothing sent: no judgement
    expect(ac.percentage).toBe(0);
    expect(applied).toEqual([]);
  });

  it('is capped by max-cpu-throttle and reset to 0 by stop()', () => {
    const { ac, applied } = make({ 'cpu-throttle-initial': 30, 'cpu-throttle-increment': 25, 'max-cpu-throttle': 70 });
    for (let i = 0; i < 12; i++) ac.onSync(200, 100);
    expect(applied).toEqual([30, 55, 70]);
    ac.stop();
    expect(ac.percentage).toBe(0);
    expect(applied.at(-1)).toBe(0);
    ac.stop();
    expect(applied).toEqual([30, 55, 70, 0]);
  });
});
