import * as df from 'durable-functions';
import { recordUndelivered, sendNotice, sendReminder, type NoticeInput, type ReminderInput } from '../../shared/app/lifecycle/notify';
import type { NotificationMoment } from '../../shared/domain/lifecycle/notifications';
import { getServices } from '../../shared/composition-root';
import { LIFECYCLE_ACTIVITIES } from './lifecycle-activity-names';

// Activities run at least once (a crash or a retry runs them again); the notification store makes the sends exactly-once.

df.app.activity(LIFECYCLE_ACTIVITIES.notice, {
  handler: (input: NoticeInput) => sendNotice(getServices().lifecycle, input),
});

df.app.activity(LIFECYCLE_ACTIVITIES.reminder, {
  handler: (input: ReminderInput) => sendReminder(getServices().lifecycle, input),
});

df.app.activity(LIFECYCLE_ACTIVITIES.undelivered, {
  handler: (input: { appointmentId: string; version: number; moment: NotificationMoment }) => recordUndelivered(getServices().lifecycle, input),
});
