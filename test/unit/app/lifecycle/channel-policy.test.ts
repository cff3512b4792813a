import { messageCaps } from '../../../../shared/app/lifecycle/message-caps';
import { sendNotice } from '../../../../shared/app/lifecycle/send-notice';
import { sendReminder } from '../../../../shared/app/lifecycle/send-reminder';
import { settingOf } from '../../../../shared/app/lifecycle/channels';
import type { SmsUnavailable } from '../../../../shared/app/lifecycle/sms-channel';
import type { NotificationKey } from '../../../../shared/domain/lifecycle/notifications';
import { appointment } from '../../../support/fakes/builders';
import { InMemoryQuotaStore } from '../../../support/fakes/quota-store';
import { TUESDAY_10 } from '../world';
import { lifecycleWorld, NO_PHONE, TEXTABLE } from './lifecycle-world';

const key = (appointmentId: string, channel: NotificationKey['channel']): NotificationKey => ({
  appointmentId,
  version: 1,
  moment: 'confirmation',
  channel,
});
/** The per-channel results of a report that was not stale. */
const resultsOf = (report: Awaited<ReturnType<typeof sendNotice>>) => ('results' in report ? report.results : 'stale');

describe('channel policy of notices and reminders', () => {
  it('skips SMS the deployment cannot deliver, once, with the reason, and still emails', async () => {
    const w = await lifecycleWorld();
    let reason: SmsUnavailable | undefined = 'sms-country-not-reached';
    w.lifecycle.smsChannel = {
      unavailableFor: (phone: string) => (phone === TEXTABLE.phone ? reason : undefined),
      senderRefused: () => undefined,
    } as never;
    const booked = await w.book(TUESDAY_10, { consumer: TEXTABLE });
    const report = await sendNotice(w.lifecycle, { appointmentId: booked.id, version: 1, notice: 'confirmation' });
    expect(report).toEqual({ stale: false, results: { email: 'sent', sms: 'skipped', 'provider-email': 'sent' } });
    expect(await w.notifications.get(key(booked.id, 'sms'))).toMatchObject({ state: 'skipped', failure: 'sms-country-not-reached' });
    expect(w.messaging.sentTo(TEXTABLE.phone)).toEqual([]);
    expect(w.logged).toContainEqual({
      level: 'info',
      event: 'lifecycle.notification',
      fields: expect.objectContaining({ channel: 'sms', result: 'skipped', reason: 'sms-country-not-reached' }),
    });
    // a later run keeps the skip as it was; a channel already sent stays sent whatever the channel says now
    reason = 'sms-disabled';
    await sendNotice(w.lifecycle, { appointmentId: booked.id, version: 1, notice: 'confirmation' });
    expect(await w.notifications.get(key(booked.id, 'sms'))).toMatchObject({ state: 'skipped', failure: 'sms-country-not-reached' });
    const other = await w.book(TUESDAY_10, { consumer: TEXTABLE });
    reason = undefined;
    await sendNotice(w.lifecycle, { appointmentId: other.id, version: 1, notice: 'confirmation' });
    reason = 'sms-disabled';
    expect(resultsOf(await sendNotice(w.lifecycle, { appointmentId: other.id, version: 1, notice: 'confirmation' }))).toMatchObject({
      sms: 'sent',
    });
  });

  it('skips a consumer message a cap refuses, records the cap as the reason, and never caps the provider', async () => {
    const w = await lifecycleWorld();
    w.lifecycle.caps = messageCaps(new InMemoryQuotaStore(), {
      emailPerRecipientPerDay: 1,
      smsPerRecipientPerDay: 5,
      smsPerBusinessPerHour: 5,
    });
    const first = await w.book(TUESDAY_10, { consumer: NO_PHONE });
    const second = await w.book(TUESDAY_10, { consumer: NO_PHONE });
    expect(resultsOf(await sendNotice(w.lifecycle, { appointmentId: first.id, version: 1, notice: 'confirmation' }))).toEqual({
      email: 'sent',
      'provider-email': 'sent',
    });
    expect(resultsOf(await sendNotice(w.lifecycle, { appointmentId: second.id, version: 1, notice: 'confirmation' }))).toEqual({
      email: 'skipped',
      'provider-email': 'sent',
    });
    // stored as a final failure marked as capped, so it is never retried and still reads as skipped
    expect(await w.notifications.get(key(second.id, 'email'))).toMatchObject({ state: 'failed', failure: 'capped:recipient-daily-cap' });
    expect(resultsOf(await sendNotice(w.lifecycle, { appointmentId: second.id, version: 1, notice: 'confirmation' }))).toEqual({
      email: 'skipped',
      'provider-email': 'sent',
    });
    expect(w.logged).toContainEqual({
      level: 'info',
      event: 'lifecycle.notification',
      fields: expect.objectContaining({ appointmentId: second.id, channel: 'email', result: 'skipped', reason: 'recipient-daily-cap' }),
    });
    expect(w.messaging.sentTo(NO_PHONE.email)).toHaveLength(1);
    expect([...w.messaging.sentTo('p1@example.com'), ...w.messaging.sentTo('p2@example.com')]).toHaveLength(2);
  });

  it('a reminder a cap refused is recorded as skipped on the appointment', async () => {
    const w = await lifecycleWorld();
    w.lifecycle.caps = messageCaps(new InMemoryQuotaStore(), {
      emailPerRecipientPerDay: 0,
      smsPerRecipientPerDay: 0,
      smsPerBusinessPerHour: 0,
    });
    const booked = await w.book(TUESDAY_10, { consumer: TEXTABLE });
    const report = await sendReminder(w.lifecycle, { appointmentId: booked.id, version: 1, index: 0 });
    expect(report).toMatchObject({ stale: false, results: { email: 'skipped', sms: 'skipped' } });
    expect(w.messaging.delivered).toEqual([]);
  });

  it('fails loudly when the business, service or provider of an appointment is gone', async () => {
    const w = await lifecycleWorld();
    await expect(settingOf(w.lifecycle, appointment('a1', TUESDAY_10, { serviceId: 'gone' }))).rejects.toThrow(
      'business, service or provider of appointment a1 is missing',
    );
    await expect(settingOf(w.lifecycle, appointment('a1', TUESDAY_10, { providerId: 'gone' }))).rejects.toThrow('is missing');
    await expect(settingOf(w.lifecycle, appointment('a1', TUESDAY_10, { businessId: 'gone' }))).rejects.toThrow('is missing');
    expect((await settingOf(w.lifecycle, appointment('a1', TUESDAY_10))).provider.id).toBe('p1');
  });
});
