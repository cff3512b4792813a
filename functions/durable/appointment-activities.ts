import * as df from 'durable-functions';
import { completeIfStillBooked, planLifecycle, prepareRoom } from '../../shared/app/lifecycle/lifecycle-steps';
import { getServices } from '../../shared/composition-root';
import { LIFECYCLE_ACTIVITIES } from './lifecycle-activity-names';

df.app.activity(LIFECYCLE_ACTIVITIES.plan, {
  handler: (appointmentId: string) => planLifecycle(getServices().lifecycle, appointmentId),
});

df.app.activity(LIFECYCLE_ACTIVITIES.room, {
  handler: (input: { appointmentId: string; version: number; moment?: 'room' | 'join-window' }) => prepareRoom(getServices().lifecycle, input),
});

df.app.activity(LIFECYCLE_ACTIVITIES.complete, {
  handler: (input: { appointmentId: string; version: number }) => completeIfStillBooked(getServices().lifecycle, input),
});
