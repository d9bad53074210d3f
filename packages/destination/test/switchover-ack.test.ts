import { describe, expect, it } from 'vitest';
import { SwitchoverAckCounter } from '../src/switchover-ack';
import { ProtocolError } from '@livemig/common/errors';

describe('SwitchoverAckCounter (SPEC §5)', () => {
  it('zero devices: acks as soon as the return path opens', () => {
    let sent = 0;
    const c = new SwitchoverAckCounter(0, () => sent++);
    expect(sent).toBe(0);
    c.returnPathOpened();
    expect(sent).toBe(1);
    expect(c.acked).toBe(true);
  });

  it('two devices: acks only after both approve, exactly once', () => {
    let sent = 0;
    const c = new SwitchoverAckCounter(2, () => sent++);
    c.returnPathOpened();
    expect(sent).toBe(0);
    c.approve('accel0');
    expect(sent).toBe(0);
    expect(c.pending).toBe(1);
    c.approve('accel1');
    expect(sent).toBe(1);
    expect(c.pending).toBe(0);
  });

  it('an approval when none is pending is a protocol error', () => {
    const c = new SwitchoverAckCounter(1, () => undefined);
    c.returnPathOpened();
    c.approve('accel0');
    expect(() => c.approve('accel0')).toThrow(ProtocolError);
    expect(() => c.approve('accel0')).toThrow("switchover approval from 'accel0' but no approval is pending");
    const none = new SwitchoverAckCounter(0, () => undefined);
    expect(() => none.approve('x')).toThrow(/no approval is pending/);
  });

  it('an approval before the return path is open is an error (QEMU: -EIO)', () => {
    const c = new SwitchoverAckCounter(1, () => undefined);
    expect(() => c.approve('accel0')).toThrow(/before the return path is open/);
  });
});

describe('SwitchoverAckCounter: once, per device, and re-arms', () => {
  it('the ack goes out once: a second OPEN_RETURN_PATH with nothing pending sends nothing more', () => {
    let sent = 0;
    const c = new SwitchoverAckCounter(0, () => sent++);
    c.returnPathOpened();
    c.returnPathOpened();
    expect(sent).toBe(1);
  });

  it('a device approves once: its second approval is refused, and does not count', () => {
    let sent = 0;
    const c = new SwitchoverAckCounter(2, () => sent++);
    c.returnPathOpened();
    c.approve('accel0');
    expect(() => c.approve('accel0')).toThrow(ProtocolError);
    expect(() => c.approve('accel0')).toThrow("second switchover approval from 'accel0'");
    expect(c.pending).toBe(1);
    expect(sent).toBe(0);
    expect(c.acked).toBe(false);
    c.approve('accel1');
    expect(sent).toBe(1);
    expect(c.acked).toBe(true);
  });

  it('a re-armed device owes one more approval; the ack goes out once more when the count is back at zero', () => {
    let sent = 0;
    const c = new SwitchoverAckCounter(2, () => sent++);
    c.returnPathOpened();
    c.approve('accel0');
    c.approve('accel1');
    expect(sent).toBe(1);
    c.rearm('accel0');
    expect(c.pending).toBe(1);
    expect(c.acked).toBe(false);
    // The other device's approval still counts: its second one is refused.
    expect(() => c.approve('accel1')).toThrow("second switchover approval from 'accel1'");
    c.approve('accel0');
    expect(c.pending).toBe(0);
    expect(sent).toBe(2);
    expect(c.acked).toBe(true);
  });

  it('re-arming a device whose approval has not counted changes nothing', () => {
    let sent = 0;
    const c = new SwitchoverAckCounter(1, () => sent++);
    c.returnPathOpened();
    c.rearm('accel0');
    expect(c.pending).toBe(1);
    c.approve('accel0');
    expect(sent).toBe(1);
    c.rearm('accel9');
    expect(c.pending).toBe(0);
    expect(c.acked).toBe(true);
  });

  it('before the return path opens nothing is sent, whatever the count', () => {
    let sent = 0;
    const c = new SwitchoverAckCounter(0, () => sent++);
    expect(c.acked).toBe(false);
    expect(sent).toBe(0);
    expect(() => c.approve('x')).toThrow("switchover approval from 'x' but no approval is pending");
  });
});
