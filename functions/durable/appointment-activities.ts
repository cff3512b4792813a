import { completeIfStillBooked, planLifecycle, prepareRoom } from '../../shared/app/lifecycle/lifecycle-steps';
import { getServices } from '../../shared/composition-root';
import { registerLifecycleActivity } from './lifecycle-activities';

registerLifecycleActivity('plan', (appointmentId) => planLifecycle(getServices().lifecycle, appointmentId));

registerLifecycleActivity('room', (input) => prepareRoom(getServices().lifecycle, input));

registerLifecycleActivity('complete', (input) => completeIfStillBooked(getServices().lifecycle, input));
