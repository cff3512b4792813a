import { recordReminder, recordUndelivered } from '../../../../shared/app/lifecycle/bookkeeping';
import { messageCaps } from '../../../../shared/app/lifecycle/message-caps';
import { sendNotice } from '../../../../shared/app/lifecycle/send-notice';
import { sendReminder } from '../../../../shared/app/lifecycle/send-reminder';
import { AcsError } from '../../../../shared/app/ports/acs';
import { WriteConflictError } from '../../../../shared/app/ports/versioned';
import { InMemoryAppointmentStore } from '../../../support/fakes/appointment-store';
import { InMemoryQuotaStore } from '../../../support/fakes/quota-store';
import { TUESDAY_10 } from '../world';
import { lifecycleWorld, NO_PHONE, TEXTABLE } from './lifecycle-world';

const down = () => new AcsError('email', 'send', 503, 'ServiceUnavailable', 'down', true);
const eventTypes = async (w: Awaited<ReturnType<typeof lifecycleWorld>>) =>
  (await w.appointments.listOutbox('b1', 'p1')).map((m) => (m.payload?.event as { type?: string } | undefined)?.type).filter(Boolean);

describe('bookkeeping after the last retry', () => {
  it('marks every notice channel not sent as failed (retries exhausted), logs which, and keeps what was sent', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10, { consumer: NO_PHONE, providerId: 'p1' });
    w.messaging.failEmail.push(down());
    await expect(sendNotice(w.lifecycle, { appointmentId: booked.id, version: 1, notice: 'confirmation' })).rejects.toThrow('down');
    await recordUndelivered(w.lifecycle, { appointmentId: booked.id, version: 1, moment: 'confirmation' });
    const key = (channel: 'email' | 'provider-email') => ({
      appointmentId: booked.id,
      version: 1,
      moment: 'confirmation' as const,
      channel,
    });
    expect(await w.notifications.get(key('email'))).toMatchObject({ state: 'failed', failure: 'retries-exhausted' });
    expect(await w.notifications.get(key('provider-email'))).toMatchObject({ state: 'sent' });
    expect(w.logged).toContainEqual({
      level: 'warn',
      event: 'lifecycle.notification.failed',
      fields: { appointmentId: booked.id, version: 1, moment: 'confirmation', channels: ['email'] },
    });
    // run again: the failure stays as it was recorded
    await recordUndelivered(w.lifecycle, { appointmentId: booked.id, version: 1, moment: 'confirmation' });
    expect(await w.notifications.get(key('email'))).toMatchObject({ state: 'failed', failure: 'retries-exhausted' });
  });

  it('does nothing for a version the appointment moved on from, or an appointment that is gone', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10, { consumer: NO_PHONE });
    await recordUndelivered(w.lifecycle, { appointmentId: booked.id, version: 2, moment: 'confirmation' });
    await recordUndelivered(w.lifecycle, { appointmentId: 'gone', version: 1, moment: 'confirmation' });
    expect(w.logged).toEqual([]);
    expect(await w.notifications.get({ appointmentId: booked.id, version: 1, moment: 'confirmation', channel: 'email' })).toBeUndefined();
  });

  it('a reminder a cap refused on every channel is recorded as skipped with the reasons and announced as failed', async () => {
    const w = await lifecycleWorld();
    w.lifecycle.caps = messageCaps(new InMemoryQuotaStore(), {
      emailPerRecipientPerDay: 0,
      smsPerRecipientPerDay: 0,
      smsPerBusinessPerHour: 0,
    });
    const booked = await w.book(TUESDAY_10, { consumer: TEXTABLE, providerId: 'p1' });
    await sendReminder(w.lifecycle, { appointmentId: booked.id, version: 1, index: 0 });
    const reminder = (await w.appointments.find(booked.id))!.value.reminders[0]!;
    expect(reminder).toMatchObject({
      status: 'skipped',
      deliveries: [
        { channel: 'email', status: 'skipped', reason: 'recipient-daily-cap' },
        { channel: 'sms', status: 'skipped', reason: 'recipient-daily-cap' },
      ],
    });
    expect(await eventTypes(w)).toContain('appointment.reminder.failed');
    // the last-retry bookkeeping keeps the capped channels skipped, not failed
    await recordUndelivered(w.lifecycle, { appointmentId: booked.id, version: 1, moment: 'reminder-0' });
    expect((await w.appointments.find(booked.id))!.value.reminders[0]).toEqual(reminder);
  });

  it('a reminder an unverified phone skipped by SMS only is not announced as failed', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10, { consumer: { ...TEXTABLE, phoneVerified: false }, providerId: 'p1' });
    const before = (await w.appointments.find(booked.id))!.value.reminders[0]!;
    await recordReminder(w.lifecycle, booked.id, 1, 0, { email: 'skipped' }, {});
    const after = (await w.appointments.find(booked.id))!.value.reminders[0]!;
    expect(before).toMatchObject({ status: 'pending', channels: ['email'] });
    expect(after).toEqual({
      ...before,
      status: 'skipped',
      deliveries: [
        { channel: 'email', status: 'skipped' },
        { channel: 'sms', status: 'skipped', reason: 'phone-not-verified' },
      ],
    });
    expect(await eventTypes(w)).not.toContain('appointment.reminder.failed');
    expect(await eventTypes(w)).not.toContain('appointment.reminder.sent');
  });

  it('records a reminder again after a lost race, and gives up loudly when the appointment keeps changing', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10, { consumer: NO_PHONE, providerId: 'p1' });
    const store = w.appointments;
    const commit = store.commit.bind(store);
    let losses = 1;
    w.lifecycle.appointments = Object.assign(Object.create(store) as InMemoryAppointmentStore, {
      commit: async (c: Parameters<typeof commit>[0]) => {
        if (losses > 0) {
          losses -= 1;
          throw new WriteConflictError('raced');
        }
        return commit(c);
      },
    });
    await recordReminder(w.lifecycle, booked.id, 1, 0, { email: 'sent' });
    expect((await store.find(booked.id))!.value.reminders[0]!.status).toBe('sent');
    // settled already: a second recording changes nothing (no commit at all)
    losses = 100;
    await recordReminder(w.lifecycle, booked.id, 1, 0, { email: 'sent' });
    const other = await w.book(TUESDAY_10 + 3_600_000, { consumer: NO_PHONE, providerId: 'p1' });
    await expect(recordReminder(w.lifecycle, other.id, 1, 0, { email: 'sent' })).rejects.toThrow(
      `appointment ${other.id} kept changing while its reminder was recorded`,
    );
    // a stale version or a missing reminder is left alone
    await recordReminder(w.lifecycle, other.id, 2, 0, { email: 'sent' });
    await recordReminder(w.lifecycle, other.id, 1, 5, { email: 'sent' });
  });
});
