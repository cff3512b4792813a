import {
  afterExecution,
  lifecycleStartInput,
  nextLifecycleStep,
  upgradeLifecycleInputV1,
} from '../../../shared/app/lifecycle/lifecycle-input';
import type { Moment } from '../../../shared/domain/lifecycle/plan';

const moments: Moment[] = [
  { kind: 'reminder', dueAt: 1000, index: 0 },
  { kind: 'join-window', dueAt: 2000 },
  { kind: 'end', dueAt: 3000 },
];

describe('next lifecycle step (what one execution does after reading the appointment)', () => {
  const fresh = lifecycleStartInput('a1');

  it('confirms the version it reads first, then waits for the first moment', () => {
    expect(nextLifecycleStep(fresh, { status: 'booked', version: 1, moments })).toEqual({
      version: 1,
      notice: 'confirmation',
      moment: moments[0],
    });
  });

  it('confirms the current version when the appointment changed before anything was announced (one message, at the current time)', () => {
    expect(nextLifecycleStep(fresh, { status: 'booked', version: 2, moments })).toMatchObject({ version: 2, notice: 'confirmation' });
  });

  it('announces a newer version by a reschedule notice and plans its moments from scratch', () => {
    const ranFirst = afterExecution(fresh, 1, 1, moments[0]);
    expect(nextLifecycleStep(ranFirst, { status: 'booked', version: 1, moments })).toEqual({ version: 1, moment: moments[1] });
    expect(nextLifecycleStep(ranFirst, { status: 'booked', version: 2, moments })).toEqual({
      version: 2,
      notice: 'reschedule',
      moment: moments[0],
    });
  });

  it('sends no second notice for a version already announced, and ends when every moment ran', () => {
    let state = afterExecution(fresh, 1, 1, undefined);
    for (const moment of moments) state = afterExecution(state, 1, 1, moment);
    expect(nextLifecycleStep(state, { status: 'booked', version: 1, moments })).toEqual({ version: 1 });
  });

  it('ends with the cancellation notice of the version read, or quietly when the appointment is over', () => {
    expect(nextLifecycleStep(afterExecution(fresh, 1, 1, undefined), { status: 'cancelled', version: 2 })).toEqual({
      end: 'cancelled',
      notice: 'cancellation',
      version: 2,
    });
    expect(nextLifecycleStep(fresh, { status: 'over' })).toEqual({ end: 'over' });
  });
});

describe('instances left by plan version 1 (a deployment carries them on)', () => {
  const v1 = {
    planVersion: 1 as const,
    appointmentId: 'a1',
    manageToken: 'secret',
    notice: 'confirmation' as const,
    version: 3,
    moments,
    next: 2,
  };

  it('a waiting instance has announced its version and ran the moments before `next`; its token is dropped', () => {
    const upgraded = upgradeLifecycleInputV1({ ...v1, stage: 'wait' });
    expect(upgraded).toEqual({
      planVersion: 2,
      appointmentId: 'a1',
      announced: 3,
      done: { version: 3, moments: ['reminder-0', 'join-window'] },
    });
    expect(nextLifecycleStep(upgraded, { status: 'booked', version: 3, moments })).toEqual({ version: 3, moment: moments[2] });
  });

  it('an instance about to plan still owes its confirmation, or the reschedule notice of a newer version', () => {
    const confirming = upgradeLifecycleInputV1({ ...v1, stage: 'plan', version: 0, next: 0 });
    expect(nextLifecycleStep(confirming, { status: 'booked', version: 1, moments })).toMatchObject({ notice: 'confirmation' });
    const rescheduling = upgradeLifecycleInputV1({ ...v1, stage: 'plan', notice: 'reschedule', version: 1, next: 0 });
    expect(nextLifecycleStep(rescheduling, { status: 'booked', version: 2, moments })).toMatchObject({
      notice: 'reschedule',
      version: 2,
      moment: moments[0],
    });
  });
});
