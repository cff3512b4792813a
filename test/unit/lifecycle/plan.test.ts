import { planConsumerReminders, type Appointment } from '../../../shared/domain/appointments/appointment';
import { COMPLETE_AFTER_END_MS, ROOM_LEAD_MS, canText, noticeChannels, planMoments } from '../../../shared/domain/lifecycle/plan';
import { notificationKeyText, reminderMoment, settleReminder } from '../../../shared/domain/lifecycle/notifications';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const start = Date.parse('2030-03-15T14:00:00Z');
const end = start + 30 * MIN;
const plan = [
  { offsetMinutes: 1440, channels: ['email', 'sms'] as const },
  { offsetMinutes: 60, channels: ['sms'] as const },
];
const texting = { phone: '+4930123456', smsConsent: true, phoneVerified: true };

describe('lifecycle plan', () => {
  it('lists the pending reminders, the join window and the end in time order', () => {
    const now = start - 2 * DAY;
    const reminders = planConsumerReminders(start, plan, texting, now);
    expect(planMoments({ start, end, reminders }, 15, now)).toEqual([
      { kind: 'reminder', dueAt: start - DAY, index: 0 },
      { kind: 'reminder', dueAt: start - 60 * MIN, index: 1 },
      { kind: 'join-window', dueAt: start - 15 * MIN },
      { kind: 'end', dueAt: end + COMPLETE_AFTER_END_MS },
    ]);
    expect(COMPLETE_AFTER_END_MS).toBe(60 * MIN);
  });

  it('leaves out reminders already due or without a usable channel, so they are never sent late', () => {
    const now = start - 2 * 60 * MIN; // the day-before reminder is already past
    const reminders = planConsumerReminders(start, plan, { smsConsent: false }, now);
    expect(reminders.map((r) => r.status)).toEqual(['skipped', 'skipped']); // the second is SMS-only without consent
    expect(planMoments({ start, end, reminders }, 0, now).map((m) => m.kind)).toEqual(['join-window', 'end']);
  });

  it('plans an unverified phone email only, its SMS deliveries skipped with the reason', () => {
    const now = start - 2 * DAY;
    const reminders = planConsumerReminders(start, plan, { phone: '+4930123456', smsConsent: true }, now);
    expect(reminders).toEqual([
      {
        dueAt: start - DAY,
        channels: ['email'],
        status: 'pending',
        deliveries: [
          { channel: 'email', status: 'pending' },
          { channel: 'sms', status: 'skipped', reason: 'phone-not-verified' },
        ],
      },
      {
        dueAt: start - 60 * MIN,
        channels: [],
        status: 'skipped',
        deliveries: [{ channel: 'sms', status: 'skipped', reason: 'phone-not-verified' }],
      },
    ]);
    // The email still settles the first reminder as sent; the SMS keeps its reason.
    expect(settleReminder(reminders[0]!, { email: 'sent' })).toMatchObject({
      status: 'sent',
      deliveries: [
        { channel: 'email', status: 'sent' },
        { channel: 'sms', status: 'skipped', reason: 'phone-not-verified' },
      ],
    });
  });

  it('keeps the event channel, which reaches no person, whatever the consumer agreed to', () => {
    const now = start - 2 * DAY;
    const eventPlan = [{ offsetMinutes: 60, channels: ['email', 'sms', 'event'] as const }];
    for (const consumer of [texting, { smsConsent: false }, { phone: '+4930123456', smsConsent: true }]) {
      expect(planConsumerReminders(start, eventPlan, consumer, now)[0]!.channels).toContain('event');
    }
  });

  it('plans a room 30 days ahead only when that lies in the future', () => {
    const farNow = start - 200 * DAY;
    expect(planMoments({ start, end, reminders: [] }, 10, farNow)[0]).toEqual({ kind: 'room', dueAt: start - ROOM_LEAD_MS });
    expect(planMoments({ start, end, reminders: [] }, 10, start - 29 * DAY).some((m) => m.kind === 'room')).toBe(false);
  });

  it('keeps the order room, reminder, join window, end for moments due at the same instant', () => {
    const reminders = planConsumerReminders(start, [{ offsetMinutes: 15, channels: ['email'] }], texting, start - DAY);
    const kinds = planMoments({ start, end, reminders }, 15, start - DAY).map((m) => m.kind);
    expect(kinds).toEqual(['reminder', 'join-window', 'end']);
  });

  it('texts only a valid, verified phone with consent', () => {
    expect(noticeChannels(texting)).toEqual(['email', 'sms']);
    // Issue 12: consent alone is not enough; the number's owner must have confirmed it with a code.
    expect(noticeChannels({ phone: '+4930123456', smsConsent: true })).toEqual(['email']);
    expect(noticeChannels({ phone: '+4930123456', smsConsent: true, phoneVerified: false })).toEqual(['email']);
    expect(noticeChannels({ phone: '+4930123456', smsConsent: false })).toEqual(['email']);
    expect(noticeChannels({ smsConsent: true })).toEqual(['email']);
    expect(canText({ phone: '+1555', smsConsent: true })).toBe(false);
  });
});

describe('notification keys and reminder outcomes', () => {
  it('gives every (appointment, version, moment, channel) its own stable key', () => {
    const key = { appointmentId: 'a1', version: 2, moment: reminderMoment(1), channel: 'sms' as const };
    expect(notificationKeyText(key)).toBe('a1|v2|reminder-1|sms');
    expect(notificationKeyText({ ...key, version: 3 })).not.toBe(notificationKeyText(key));
    expect(notificationKeyText({ ...key, channel: 'email' })).not.toBe(notificationKeyText(key));
  });

  const reminder: Appointment['reminders'][number] = {
    dueAt: start - DAY,
    channels: ['email', 'sms'],
    status: 'pending',
    deliveries: [
      { channel: 'email', status: 'pending' },
      { channel: 'sms', status: 'pending' },
    ],
  };

  it('is sent when every channel was sent, failed when any failed, pending while one is still to retry', () => {
    expect(settleReminder(reminder, { email: 'sent', sms: 'sent' }).status).toBe('sent');
    const failed = settleReminder(reminder, { email: 'sent', sms: 'failed' });
    expect(failed).toMatchObject({
      status: 'failed',
      deliveries: [
        { channel: 'email', status: 'sent' },
        { channel: 'sms', status: 'failed' },
      ],
    });
    expect(settleReminder(reminder, { email: 'sent' }).status).toBe('pending');
    expect(settleReminder(reminder, { email: 'sent', sms: 'skipped' }).status).toBe('sent');
  });
});
