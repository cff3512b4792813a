import { recordUndelivered } from '../../../../shared/app/lifecycle/bookkeeping';
import { sendNotice } from '../../../../shared/app/lifecycle/send-notice';
import { sendReminder } from '../../../../shared/app/lifecycle/send-reminder';
import { AcsError, AcsThrottledError } from '../../../../shared/app/ports/acs';
import { cancelAppointment } from '../../../../shared/app/appointments/cancel-appointment';
import { HOUR } from '../../../support/fakes/builders';
import { MANAGER, TUESDAY_10 } from '../world';
import { lifecycleWorld, NO_PHONE, TEXTABLE } from './lifecycle-world';

const channelsTo = (w: Awaited<ReturnType<typeof lifecycleWorld>>, address: string) =>
  w.messaging.sentTo(address).map((m) => `${m.channel}:${m.kind}`);

describe('sendNotice (on the in-memory fakes)', () => {
  it('sends the confirmation by email and SMS to a consumer with a verified phone and consent, and by email to the provider with the calendar file', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10, { consumer: TEXTABLE });
    const report = await sendNotice(w.lifecycle, { appointmentId: booked.id, version: 1, notice: 'confirmation' });
    expect(report).toEqual({ stale: false, results: { email: 'sent', sms: 'sent', 'provider-email': 'sent' } });
    expect(channelsTo(w, TEXTABLE.email)).toEqual(['email:confirmation']);
    expect(channelsTo(w, TEXTABLE.phone)).toEqual(['sms:confirmation']);
    expect(w.messaging.sentTo('p1@example.com')).toEqual([
      expect.objectContaining({ kind: 'confirmation', attachments: ['appointment.ics'] }),
    ]);
  });

  it.each([
    ['no SMS consent', { ...TEXTABLE, smsConsent: false }],
    ['an unverified phone', { ...TEXTABLE, phoneVerified: false }],
    ['no phone at all', { ...NO_PHONE, smsConsent: true, phoneVerified: true }],
  ])('sends email only (never SMS) to a consumer with %s', async (_case, consumer) => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10, { consumer });
    const report = await sendNotice(w.lifecycle, { appointmentId: booked.id, version: 1, notice: 'confirmation' });
    expect(report).toEqual({ stale: false, results: { email: 'sent', 'provider-email': 'sent' } });
    expect(w.messaging.delivered.filter((m) => m.channel === 'sms')).toEqual([]);
    expect(channelsTo(w, consumer.email)).toEqual(['email:confirmation']);
  });

  it('sends each channel once: a repeated step sends nothing again', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10, { consumer: TEXTABLE });
    await sendNotice(w.lifecycle, { appointmentId: booked.id, version: 1, notice: 'confirmation' });
    const again = await sendNotice(w.lifecycle, { appointmentId: booked.id, version: 1, notice: 'confirmation' });
    expect(again).toEqual({ stale: false, results: { email: 'sent', sms: 'sent', 'provider-email': 'sent' } });
    expect(w.messaging.delivered).toHaveLength(3);
  });

  it('does nothing for a version the appointment moved on from, or a confirmation of a cancelled one', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10);
    expect(await sendNotice(w.lifecycle, { appointmentId: booked.id, version: 2, notice: 'confirmation' })).toEqual({ stale: true });
    await cancelAppointment(w.deps, booked.id, { caller: MANAGER }, {});
    expect(await sendNotice(w.lifecycle, { appointmentId: booked.id, version: 2, notice: 'confirmation' })).toEqual({ stale: true });
    expect(w.messaging.delivered).toEqual([]);
  });

  it('sends the cancellation with links that carry no token, and the confirmation with a fresh token whose hash the appointment keeps', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10);
    await sendNotice(w.lifecycle, { appointmentId: booked.id, version: 1, notice: 'confirmation' });
    expect(w.linkTokens).toEqual([expect.any(String)]);
    expect((await w.appointments.find(booked.id))?.value.messageTokenHashes).toHaveLength(1);
    await cancelAppointment(w.deps, booked.id, { caller: MANAGER }, {});
    const report = await sendNotice(w.lifecycle, { appointmentId: booked.id, version: 2, notice: 'cancellation' });
    expect(report).toEqual({ stale: false, results: { email: 'sent', 'provider-email': 'sent' } });
    expect(w.linkTokens).toEqual([expect.any(String), undefined]);
    expect(channelsTo(w, NO_PHONE.email)).toEqual(['email:confirmation', 'email:cancellation']);
  });

  it('tries every channel when one fails transiently, then throws so only the failed one is retried', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10, { consumer: TEXTABLE });
    w.messaging.failSms.push(new AcsError('sms', 'send', 503, 'ServiceUnavailable', 'down', true));
    await expect(sendNotice(w.lifecycle, { appointmentId: booked.id, version: 1, notice: 'confirmation' })).rejects.toThrow('down');
    expect(w.messaging.delivered.map((m) => m.channel)).toEqual(['email', 'email']);
    await sendNotice(w.lifecycle, { appointmentId: booked.id, version: 1, notice: 'confirmation' });
    expect(w.messaging.delivered.map((m) => m.channel)).toEqual(['email', 'email', 'sms']);
  });

  it('records a final ACS refusal as failed and does not throw; reports throttling with its Retry-After', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10);
    w.messaging.failEmail.push(
      new AcsError('email', 'send', 400, 'BadRequest', 'bad', false),
      new AcsThrottledError('email', 'send', 7_000),
    );
    const report = await sendNotice(w.lifecycle, { appointmentId: booked.id, version: 1, notice: 'confirmation' });
    // The consumer's email failed for good; the provider's was throttled and waits for a durable timer.
    expect(report).toEqual({ stale: false, results: { email: 'failed' }, throttledForMs: 7_000 });
    expect(await w.notifications.get({ appointmentId: booked.id, version: 1, moment: 'confirmation', channel: 'email' })).toMatchObject({
      state: 'failed',
      failure: 'email:BadRequest',
    });
  });
});

describe('sendReminder (on the in-memory fakes)', () => {
  it('sends a reminder to a consumer without SMS consent by email, and records it as sent with an event', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10, { consumer: NO_PHONE });
    w.clock.set(TUESDAY_10 - 24 * HOUR);
    const report = await sendReminder(w.lifecycle, { appointmentId: booked.id, version: 1, index: 0 });
    expect(report).toEqual({ stale: false, results: { email: 'sent' } });
    expect(channelsTo(w, NO_PHONE.email)).toEqual(['email:reminder']);
    const stored = await w.appointments.find(booked.id);
    expect(stored?.value.reminders[0]).toMatchObject({ status: 'sent', deliveries: [{ channel: 'email', status: 'sent' }] });
    expect(stored?.value.version).toBe(1);
    expect(
      (await w.appointments.listOutbox('b1', 'p1')).some(
        (m) => (m.payload?.event as { type?: string } | undefined)?.type === 'appointment.reminder.sent',
      ),
    ).toBe(true);
    // Sent once: the step is stale for a reminder that is no longer pending.
    expect(await sendReminder(w.lifecycle, { appointmentId: booked.id, version: 1, index: 0 })).toEqual({ stale: true });
  });

  it('texts only while the consumer can be texted, and skips SMS of a consumer who no longer can', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10, { consumer: TEXTABLE });
    // The phone is no longer verified (edited): the planned SMS is skipped, the email goes out.
    const found = await w.appointments.find(booked.id);
    await w.appointments.commit({
      businessId: 'b1',
      providerId: 'p1',
      days: [],
      appointment: { value: { ...found!.value, consumer: { ...TEXTABLE, phoneVerified: false } }, etag: found!.etag },
      outbox: [],
    });
    const report = await sendReminder(w.lifecycle, { appointmentId: booked.id, version: 1, index: 0 });
    expect(report).toEqual({ stale: false, results: { email: 'sent', sms: 'skipped' } });
    expect(w.messaging.delivered.map((m) => m.channel)).toEqual(['email']);
    expect((await w.appointments.find(booked.id))?.value.reminders[0]?.status).toBe('sent');
  });

  it('marks what never went out as failed after the last retry, keeping what was sent', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10, { consumer: TEXTABLE });
    w.messaging.failSms.push(new AcsError('sms', 'send', 503, 'ServiceUnavailable', 'down', true));
    await expect(sendReminder(w.lifecycle, { appointmentId: booked.id, version: 1, index: 0 })).rejects.toThrow('down');
    await recordUndelivered(w.lifecycle, { appointmentId: booked.id, version: 1, moment: 'reminder-0' });
    const reminder = (await w.appointments.find(booked.id))?.value.reminders[0];
    expect(reminder).toMatchObject({
      status: 'failed',
      deliveries: [
        { channel: 'email', status: 'sent' },
        { channel: 'sms', status: 'failed' },
      ],
    });
    expect(w.logged.some((l) => l.level === 'warn' && l.event === 'lifecycle.notification.failed')).toBe(true);
  });
});

describe('the event reminder channel (on the in-memory fakes)', () => {
  const dueEvents = async (w: Awaited<ReturnType<typeof lifecycleWorld>>) =>
    (await w.appointments.listOutbox('b1', 'p1'))
      .map((m) => m.payload?.event as { id: string; type: string; data: Record<string, unknown> } | undefined)
      .filter((e) => e?.type === 'appointment.reminder.due');

  it('sends no message and mints no token, and writes one appointment.reminder.due with the commit that records it', async () => {
    const w = await lifecycleWorld({ reminders: [{ offsetMinutes: 60, channels: ['event'] }] });
    const booked = await w.book(TUESDAY_10, { consumer: NO_PHONE });
    expect(booked.appointment.reminders[0]).toMatchObject({
      channels: ['event'],
      status: 'pending',
      deliveries: [{ channel: 'event', status: 'pending' }],
    });
    w.clock.set(TUESDAY_10 - HOUR);
    const report = await sendReminder(w.lifecycle, { appointmentId: booked.id, version: 1, index: 0 });
    expect(report).toEqual({ stale: false, results: { event: 'sent' } });
    expect(w.messaging.delivered).toEqual([]);
    expect(w.linkTokens).toEqual([]);
    expect((await w.appointments.find(booked.id))?.value.reminders[0]).toMatchObject({
      status: 'sent',
      deliveries: [{ channel: 'event', status: 'sent' }],
    });
    expect(await dueEvents(w)).toEqual([
      expect.objectContaining({
        id: `${booked.id}:1:appointment.reminder.due:reminder-0`,
        data: expect.objectContaining({
          appointmentId: booked.id,
          reminderIndex: 0,
          dueAt: new Date(TUESDAY_10 - HOUR).toISOString(),
          channels: ['event'],
        }),
      }),
    ]);
    expect(await sendReminder(w.lifecycle, { appointmentId: booked.id, version: 1, index: 0 })).toEqual({ stale: true });
    expect(await dueEvents(w)).toHaveLength(1);
  });

  it('writes the due event once when the email beside it fails and the activity is retried', async () => {
    const w = await lifecycleWorld({ reminders: [{ offsetMinutes: 60, channels: ['event', 'email'] }] });
    const booked = await w.book(TUESDAY_10, { consumer: NO_PHONE });
    w.clock.set(TUESDAY_10 - HOUR);
    w.messaging.failEmail.push(new AcsError('email', 'send', 503, 'ServiceUnavailable', 'down', true));
    await expect(sendReminder(w.lifecycle, { appointmentId: booked.id, version: 1, index: 0 })).rejects.toThrow('down');
    // Recorded with the first attempt, while the email waits for its retry.
    expect((await w.appointments.find(booked.id))?.value.reminders[0]).toMatchObject({
      status: 'pending',
      deliveries: [
        { channel: 'event', status: 'sent' },
        { channel: 'email', status: 'pending' },
      ],
    });
    expect(await dueEvents(w)).toHaveLength(1);
    expect(await sendReminder(w.lifecycle, { appointmentId: booked.id, version: 1, index: 0 })).toEqual({
      stale: false,
      results: { event: 'sent', email: 'sent' },
    });
    expect(await dueEvents(w)).toHaveLength(1);
    expect((await w.appointments.find(booked.id))?.value.reminders[0]?.status).toBe('sent');
  });

  it('after the last retry, publishes a due event that was never recorded rather than none', async () => {
    const w = await lifecycleWorld({ reminders: [{ offsetMinutes: 60, channels: ['event'] }] });
    const booked = await w.book(TUESDAY_10, { consumer: NO_PHONE });
    await recordUndelivered(w.lifecycle, { appointmentId: booked.id, version: 1, moment: 'reminder-0' });
    expect((await w.appointments.find(booked.id))?.value.reminders[0]).toMatchObject({
      status: 'sent',
      deliveries: [{ channel: 'event', status: 'sent' }],
    });
    expect(await dueEvents(w)).toHaveLength(1);
  });

  it('keeps the event channel for a consumer who gave no phone (it reaches no person)', async () => {
    const w = await lifecycleWorld({ reminders: [{ offsetMinutes: 60, channels: ['sms', 'event'] }] });
    const booked = await w.book(TUESDAY_10, { consumer: NO_PHONE });
    expect(booked.appointment.reminders[0]).toMatchObject({ channels: ['event'], status: 'pending' });
  });
});

describe('languages of notices (on the in-memory fakes)', () => {
  it("writes the consumer without a locale in the business's language and the provider in theirs, calendar files included", async () => {
    const w = await lifecycleWorld();
    const business = await w.businesses.getBusiness('b1');
    await w.businesses.saveBusiness({ ...business!.value, defaultLocale: 'de' }, business!.etag);
    const amy = await w.businesses.getProvider('b1', 'p1');
    await w.businesses.saveProvider({ ...amy!.value, locale: 'fr' }, amy!.etag);
    const sent: Array<{ to: string; subject: string; calendar?: string }> = [];
    const email = w.lifecycle.email;
    w.lifecycle.email = {
      ...email,
      send: async (input) => {
        sent.push({ to: input.to[0]!.address, subject: input.subject, calendar: input.attachments?.[0]?.content.toString('utf8') });
        return email.send(input);
      },
    };
    const booked = await w.book(TUESDAY_10, { consumer: NO_PHONE });
    await sendNotice(w.lifecycle, { appointmentId: booked.id, version: 1, notice: 'confirmation' });
    const unfold = (text = '') => text.replace(/\r\n[ \t]/g, '');
    const [consumer, provider] = [sent.find((m) => m.to === NO_PHONE.email)!, sent.find((m) => m.to === 'p1@example.com')!];
    expect(consumer.subject).toMatch(/^Bestätigt: /);
    expect(unfold(consumer.calendar)).toMatch(/SUMMARY:.+ bei Dr p1\r\n/);
    expect(unfold(consumer.calendar)).toMatch(/DESCRIPTION:Dienstag\\, 3\. März 2026\\, 10:00-10:30 \(Europe\/Berlin\)\\nTeilnehmen: /);
    expect(provider.subject).toMatch(/^Nouveau rendez-vous: /);
    expect(unfold(provider.calendar)).toMatch(/SUMMARY:.+ avec Ann\r\n/);
    expect(unfold(provider.calendar)).toMatch(/DESCRIPTION:mardi 3 mars 2026\\, 10:00-10:30 \(Europe\/Berlin\)\\nRejoindre: /);
  });
});
