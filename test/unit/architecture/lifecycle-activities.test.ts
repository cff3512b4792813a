/**
 * The activity map types both ends: an orchestration call or a registration with the wrong input for an
 * activity does not compile (npm test type-checks this file; the @ts-expect-error lines fail it when the
 * map stops refusing them).
 */
import type { OrchestrationContext } from 'durable-functions';
import { LIFECYCLE_ACTIVITIES, callLifecycleActivity, type ActivityInput } from '../../../functions/durable/lifecycle-activities';

function typeChecksOnly(context: OrchestrationContext): void {
  callLifecycleActivity(context, 'plan', 'appointment-1');
  callLifecycleActivity(context, 'reminder', { appointmentId: 'a', version: 1, index: 0 });
  // @ts-expect-error the plan activity takes the appointment id, not an object
  callLifecycleActivity(context, 'plan', { appointmentId: 'a' });
  // @ts-expect-error a reminder names its index
  callLifecycleActivity(context, 'reminder', { appointmentId: 'a', version: 1 });
  // @ts-expect-error the room activity's moments are 'room' and 'join-window'
  callLifecycleActivity(context, 'room', { appointmentId: 'a', version: 1, moment: 'end' });
  // @ts-expect-error no such activity
  callLifecycleActivity(context, 'sendEverything', {});
  const notice: ActivityInput<'notice'> = { appointmentId: 'a', version: 2, notice: 'cancellation' };
  void notice;
}

describe('lifecycle activity map', () => {
  it('names every activity once, with the names the deployed orchestrations already use', () => {
    // Renaming an activity would strand running orchestrations whose history calls the old name.
    expect(LIFECYCLE_ACTIVITIES).toEqual({
      plan: 'lifecyclePlan',
      notice: 'lifecycleNotice',
      reminder: 'lifecycleReminder',
      undelivered: 'lifecycleUndelivered',
      room: 'lifecycleRoom',
      complete: 'lifecycleComplete',
    });
    expect(typeof typeChecksOnly).toBe('function');
  });
});
