import { createHash } from 'node:crypto';
import type { Appointment, Channel, PlannedReminder, ReminderChannel, SkipReason } from '../../domain/appointments/appointment';
import { noticeChannels } from '../../domain/lifecycle/plan';
import {
  reminderMoment,
  settleReminder,
  type DeliveryResult,
  type NotificationChannel,
  type NotificationMoment,
} from '../../domain/lifecycle/notifications';
import type { Versioned } from '../ports/versioned';
import { retryOnConflict } from '../retry-on-conflict';
import { appointmentUpdate } from '../appointments/appointment-update';
import { outboxMessage } from '../appointments/effects';
import { appointmentEvent } from '../events/appointment-events';
import type { LifecycleDeps } from './lifecycle-deps';
import { cappedReason } from './channels';

// What the appointment and the notification store record about deliveries: a reminder's outcome (and
// its event) and, after the last retry, every channel that never went out.

/**
 * After the last retry failed: every channel of the step not recorded as sent is marked failed, in the
 * notification store and (for a reminder) on the appointment's deliveries.
 */
export async function recordUndelivered(
  deps: LifecycleDeps,
  input: { appointmentId: string; version: number; moment: NotificationMoment },
): Promise<void> {
  const found = await deps.appointments.find(input.appointmentId);
  if (!found || found.value.version !== input.version) return;
  const index = /^reminder-(\d+)$/.exec(input.moment)?.[1];
  const reminder = index === undefined ? undefined : found.value.reminders[Number(index)];
  const channels: Array<NotificationChannel | 'event'> = reminder
    ? reminder.channels
    : [...noticeChannels(found.value.consumer), 'provider-email'];
  const results: Partial<Record<NotificationChannel | 'event', DeliveryResult>> = {};
  const reasons: Partial<Record<Channel, SkipReason>> = {};
  for (const channel of channels) {
    if (channel === 'event') {
      // Nothing to deliver: recording it publishes the due event, late rather than never.
      results.event = 'sent';
      continue;
    }
    const key = { appointmentId: input.appointmentId, version: input.version, moment: input.moment, channel };
    const record = await deps.notifications.get(key);
    if (record?.state === 'sent' || record?.state === 'skipped') {
      results[channel] = record.state;
      continue;
    }
    const capped = cappedReason(record?.failure);
    if (capped && channel !== 'provider-email') {
      results[channel] = 'skipped';
      reasons[channel] = capped;
      continue;
    }
    results[channel] = 'failed';
    if (record?.state !== 'failed')
      await deps.notifications.finish(key, { state: 'failed', failure: 'retries-exhausted' }, deps.clock.now());
  }
  deps.log.warn('lifecycle.notification.failed', {
    appointmentId: input.appointmentId,
    version: input.version,
    moment: input.moment,
    channels: Object.keys(results).filter((c) => results[c as NotificationChannel] === 'failed'),
  });
  if (reminder && index !== undefined) await recordReminder(deps, input.appointmentId, input.version, Number(index), results, reasons);
}

/** Read-modify-write of one reminder's bookkeeping (no version bump); stops if the appointment moved on. */
export async function recordReminder(
  deps: LifecycleDeps,
  appointmentId: string,
  version: number,
  index: number,
  results: Partial<Record<NotificationChannel | 'event', DeliveryResult>>,
  reasons: Partial<Record<Channel, SkipReason>> = {},
): Promise<void> {
  await retryOnConflict(
    5,
    async () => {
      const found = await deps.appointments.find(appointmentId);
      const reminder: PlannedReminder | undefined = found?.value.reminders[index];
      if (!found || found.value.version !== version || !reminder) return;
      const settled = settleReminder(reminder, results as Partial<Record<ReminderChannel, DeliveryResult>>, reasons);
      if (JSON.stringify(settled) === JSON.stringify(reminder)) return;
      const reminders = found.value.reminders.map((r, i) => (i === index ? settled : r));
      const now = deps.clock.now();
      const due = dueEvent(found, index, reminder, settled, now);
      const announced = [...due, ...(reminder.status === settled.status ? [] : reminderEvent(found, index, settled, now))];
      await deps.appointments.commit(appointmentUpdate(found, { ...found.value, reminders }, announced));
      if (due.length > 0) deps.log.info('lifecycle.reminder.due', { appointmentId, version, reminderIndex: index });
    },
    {
      whenExhausted: () => {
        throw new Error(`appointment ${appointmentId} kept changing while its reminder was recorded`);
      },
    },
  );
}

/**
 * The `event` channel's delivery: `appointment.reminder.due`, written with the commit that records the
 * channel as sent (it flips from pending once, so a retried activity adds no second row; a row written
 * again after a crash carries the same event id, which the topic's duplicate detection drops).
 */
function dueEvent(found: Versioned<Appointment>, index: number, before: PlannedReminder, after: PlannedReminder, now: number) {
  const was = before.deliveries.find((d) => d.channel === 'event')?.status;
  if (was !== 'pending' || after.deliveries.find((d) => d.channel === 'event')?.status !== 'sent') return [];
  const appointment = found.value;
  const moment = reminderMoment(index);
  const event = appointmentEvent('appointment.reminder.due', appointment, now, {
    detail: moment,
    data: { reminderIndex: index, dueAt: new Date(before.dueAt).toISOString(), channels: before.channels },
  });
  return [
    {
      ...outboxMessage(appointment, 'event.publish', now, { event }),
      id: `${appointment.id}|${appointment.version}|event.publish|${moment}|due|${recordingOf(found)}`,
    },
  ];
}

/** Names an outbox row by the ETag its commit replaces: unique per commit, stable across its retries. */
function recordingOf(found: Versioned<Appointment>): string {
  return createHash('sha256').update(found.etag).digest('hex').slice(0, 16);
}

/**
 * A reminder that just became sent or failed is announced, in the same commit that records it. One
 * whose every channel a cap refused was not delivered either: announced as failed, its deliveries
 * saying why.
 */
function reminderEvent(found: Versioned<Appointment>, index: number, reminder: PlannedReminder, now: number) {
  const appointment = found.value;
  // Only caps count as "not delivered": a number without consent, opted out or erased was never meant to get it.
  const capped =
    reminder.status === 'skipped' &&
    reminder.deliveries.some((d) => d.reason === 'recipient-daily-cap' || d.reason === 'business-hourly-sms-cap');
  if (reminder.status !== 'sent' && reminder.status !== 'failed' && !capped) return [];
  const outcome = reminder.status === 'sent' ? 'sent' : 'failed';
  const moment = reminderMoment(index);
  const event = appointmentEvent(`appointment.reminder.${outcome}`, appointment, now, {
    detail: moment,
    data: { reminderIndex: index, dueAt: new Date(reminder.dueAt).toISOString(), deliveries: reminder.deliveries },
  });
  // A row per recording (named by the ETag it replaces): a reminder settled again after a crash adds a
  // second row for the same event id, which the topic's duplicate detection drops; a fixed row id
  // would make that commit conflict for ever.
  return [
    {
      ...outboxMessage(appointment, 'event.publish', now, { event }),
      id: `${appointment.id}|${appointment.version}|event.publish|${moment}|${recordingOf(found)}`,
    },
  ];
}
