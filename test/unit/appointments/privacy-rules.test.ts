import {
  ERASED,
  eraseConsumer,
  withdrawSmsConsent,
  type Appointment,
  type PlannedReminder,
} from '../../../shared/domain/appointments/appointment';
import { canText, noticeChannels } from '../../../shared/domain/lifecycle/plan';

const MIN = 60_000;
const start = Date.parse('2027-03-15T14:00:00Z');
const sent: PlannedReminder = {
  dueAt: start - 2880 * MIN,
  channels: ['email', 'sms'],
  status: 'sent',
  deliveries: [
    { channel: 'email', status: 'sent' },
    { channel: 'sms', status: 'sent' },
  ],
};
const pending: PlannedReminder = {
  dueAt: start - 60 * MIN,
  channels: ['email', 'sms'],
  status: 'pending',
  deliveries: [
    { channel: 'email', status: 'pending' },
    { channel: 'sms', status: 'pending' },
  ],
};
const appointment: Appointment = {
  id: 'a1',
  businessId: 'b',
  serviceId: 's',
  providerId: 'p',
  start,
  end: start + 30 * MIN,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  status: 'cancelled',
  cancelReason: 'ill, call +4915112345678',
  consumer: {
    name: 'Carla',
    email: 'carla@example.com',
    phone: '+12025550100',
    phoneVerified: true,
    smsConsent: true,
    timeZone: 'Europe/Berlin',
    locale: 'de',
  },
  notes: 'second floor',
  chatThreadId: '19:t@thread.v2',
  consumerAcsUserId: '8:acs:u',
  messageTokenHashes: ['m1'],
  createdAt: 0,
  updatedAt: 0,
  version: 3,
  reminders: [sent, pending],
  manageTokenHash: 'h',
};

describe('withdrawing SMS consent (domain)', () => {
  it('ends texting and marks only the pending SMS deliveries, with the reason; what was sent stays', () => {
    const withdrawn = withdrawSmsConsent(appointment);
    expect(canText(withdrawn.consumer)).toBe(false);
    expect(noticeChannels(withdrawn.consumer)).toEqual(['email']);
    expect(withdrawn.reminders).toEqual([
      sent,
      {
        ...pending,
        deliveries: [
          { channel: 'email', status: 'pending' },
          { channel: 'sms', status: 'skipped', reason: 'sms-consent-withdrawn' },
        ],
      },
    ]);
    expect(withdrawn.version).toBe(3);
    expect(withdrawSmsConsent(withdrawn)).toEqual(withdrawn);
  });

  it('keeps the reason of an SMS delivery already skipped (an unverified phone stays "phone-not-verified")', () => {
    const unverified: PlannedReminder = {
      ...pending,
      deliveries: [
        { channel: 'email', status: 'pending' },
        { channel: 'sms', status: 'skipped', reason: 'phone-not-verified' },
      ],
    };
    expect(withdrawSmsConsent({ ...appointment, reminders: [unverified] }).reminders).toEqual([unverified]);
  });
});

describe('erasing a consumer (domain)', () => {
  it('replaces name, email, notes and cancel reason, drops phone and ACS references, keeps times, status, version and sent reminders', () => {
    const erased = eraseConsumer(appointment, 99);
    expect(erased.consumer).toEqual({ name: ERASED, email: ERASED, smsConsent: false, timeZone: 'Europe/Berlin', locale: 'de' });
    expect(erased).toMatchObject({
      notes: ERASED,
      cancelReason: ERASED,
      erasedAt: 99,
      updatedAt: 99,
      status: 'cancelled',
      version: 3,
      start,
      end: start + 30 * MIN,
    });
    expect(erased).not.toHaveProperty('chatThreadId');
    expect(erased).not.toHaveProperty('consumerAcsUserId');
    expect(erased).not.toHaveProperty('messageTokenHashes');
    expect(erased.reminders).toEqual([
      sent,
      {
        ...pending,
        status: 'skipped',
        deliveries: [
          { channel: 'email', status: 'skipped', reason: 'consumer-erased' },
          { channel: 'sms', status: 'skipped', reason: 'consumer-erased' },
        ],
      },
    ]);
    expect(JSON.stringify(erased)).not.toMatch(/carla|Carla|\+1202|\+4915|second floor/);
  });

  it('keeps what a pending reminder already delivered: only its pending deliveries are skipped', () => {
    const halfSent: PlannedReminder = {
      ...pending,
      deliveries: [
        { channel: 'email', status: 'sent' },
        { channel: 'sms', status: 'pending' },
      ],
    };
    expect(eraseConsumer({ ...appointment, reminders: [halfSent] }, 1).reminders[0]!.deliveries).toEqual([
      { channel: 'email', status: 'sent' },
      { channel: 'sms', status: 'skipped', reason: 'consumer-erased' },
    ]);
  });

  it('adds no notes or cancel reason that were not there', () => {
    const { notes: _n, cancelReason: _c, ...bare } = appointment;
    const erased = eraseConsumer(bare, 1);
    expect(erased).not.toHaveProperty('notes');
    expect(erased).not.toHaveProperty('cancelReason');
  });
});
