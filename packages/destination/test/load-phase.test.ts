/** The load phases' table: what each phase takes, and which phase may follow which. */
import { describe, expect, it } from 'vitest';
import { StateError } from '@livemig/common/errors';
import { livemig } from '@livemig/common/wire';
import { LoadPhases, commandKind } from '../src/load-phase';

describe('LoadPhases', () => {
  it('takes each frame only in its phases, naming the refusal', () => {
    const p = new LoadPhases();
    expect(() => p.check('section')).not.toThrow();
    expect(() => p.check('eof')).toThrow(/EOF before SWITCHOVER_START/);
    expect(() => p.check('verify')).toThrow(/digests before switchover/);
    expect(() => p.check('RESUME')).toThrow(/RESUME in state precopy \(only after LOADED\)/);
    p.go('switchover');
    expect(() => p.check('SWITCHOVER_START')).toThrow(/'SWITCHOVER_START' in state switchover/);
    expect(() => p.check('eof')).not.toThrow();
    p.go('loading');
    expect(() => p.check('section')).toThrow(/'section' frame after EOF/);
    expect(() => p.check('PING')).not.toThrow();
    p.go('loaded');
    expect(() => p.check('RESUME')).not.toThrow();
    p.go('completed');
    expect(p.finished).toBe(true);
  });

  it('refuses a move the table does not allow, and fails from anywhere once', () => {
    const p = new LoadPhases();
    expect(() => p.go('loaded')).toThrow(StateError);
    p.fail();
    expect(p.phase).toBe('failed');
    expect(() => p.go('precopy')).toThrow(/cannot go from failed to precopy/);
  });

  it('precopy-resume: precopy ⇄ paused, nothing taken while paused, no pause once switchover began', () => {
    const p = new LoadPhases();
    p.go('paused');
    for (const kind of ['section', 'PING', 'OPEN_RETURN_PATH', 'MULTIFD_SYNC', 'SWITCHOVER_START'] as const) expect(() => p.check(kind)).toThrow(/in state paused/);
    expect(p.streaming).toBe(false);
    expect(() => p.go('switchover')).toThrow(/cannot go from paused to switchover/);
    p.go('precopy');
    p.go('switchover');
    expect(() => p.go('paused')).toThrow(/cannot go from switchover to paused/);
    const q = new LoadPhases();
    q.go('paused');
    q.fail();
    expect(q.finished).toBe(true);
  });

  it('names commands, refuses unknown ones', () => {
    expect(commandKind(livemig.CommandType.CMD_PING)).toBe('PING');
    expect(() => commandKind(99)).toThrow(/unknown command 99/);
  });
});

describe('LoadPhases: refusals after EOF, and failing once', () => {
  it('after EOF (loading or loaded) anything but a PING or the commit is refused as after EOF', () => {
    const p = new LoadPhases();
    p.go('switchover');
    p.go('loading');
    expect(() => p.check('eof')).toThrow("'eof' frame after EOF");
    expect(() => p.check('RESUME')).toThrow('RESUME in state loading (only after LOADED)');
    p.go('loaded');
    expect(() => p.check('section')).toThrow("'section' frame after EOF");
    expect(() => p.check('verify')).toThrow("'verify' frame after EOF");
    expect(() => p.check('MULTIFD_SYNC')).toThrow("'MULTIFD_SYNC' frame after EOF");
    expect(p.streaming).toBe(false);
    expect(p.finished).toBe(false);
  });

  it('fail() leaves a completed migration completed', () => {
    const p = new LoadPhases();
    p.go('switchover');
    p.go('loading');
    p.go('completed');
    p.fail();
    expect(p.phase).toBe('completed');
    expect(p.finished).toBe(true);
    expect(() => p.check('PING')).toThrow("'PING' in state completed");
  });
});
