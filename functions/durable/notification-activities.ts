import { recordUndelivered } from '../../shared/app/lifecycle/bookkeeping';
import { sendNotice } from '../../shared/app/lifecycle/send-notice';
import { sendReminder } from '../../shared/app/lifecycle/send-reminder';
import { getServices } from '../../shared/composition-root';
import { registerLifecycleActivity } from './lifecycle-activities';

// Activities run at least once (a crash or a retry runs them again); the notification store keeps a
// send from repeating, except in the window between ACS accepting a message and its record being written.

registerLifecycleActivity('notice', (input) => sendNotice(getServices().lifecycle, input));

registerLifecycleActivity('reminder', (input) => sendReminder(getServices().lifecycle, input));

registerLifecycleActivity('undelivered', (input) => recordUndelivered(getServices().lifecycle, input));
