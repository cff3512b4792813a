import { Settings } from 'luxon';
import { utcDatesTouched } from '../../../shared/domain/appointments/busy-days';
import { buildCalendar } from '../../../shared/domain/appointments/calendar';
import { closedDaysProblem, MAX_CLOSURE_DAYS } from '../../../shared/domain/availability/closures';
import { findSlots } from '../../../shared/domain/availability/find-slots';
import { settleReminder } from '../../../shared/domain/lifecycle/notifications';
import { composeProviderMessage, escapeHtml } from '../../../shared/domain/messages/compose';
import { provider, rules, starts, window } from '../availability/fixtures';

/** Details a client or a reader sees, which mutation testing found no test pinning. */
describe('UTC day rows', () => {
  it('are UTC dates whatever zone the host runs in', () => {
    const zone = Settings.defaultZone;
    Settings.defaultZone = 'Pacific/Kiritimati'; // UTC+14: local dates differ from UTC dates for most of the day
    try {
      expect(utcDatesTouched({ start: Date.parse('2027-03-15T20:00:00Z'), end: Date.parse('2027-03-15T23:00:00Z') })).toEqual([
        '2027-03-15',
      ]);
    } finally {
      Settings.defaultZone = zone;
    }
  });
});

describe('closure problems', () => {
  it('say what is wrong with the days', () => {
    expect(closedDaysProblem({ from: '2026-03-03', to: '2026-03-02' })).toEqual({ path: 'to', message: 'must not be before from' });
    expect(closedDaysProblem({ from: '2026-01-01', to: '2027-12-31' })).toEqual({
      path: 'to',
      message: `must be at most ${MAX_CLOSURE_DAYS} days after from, counting both`,
    });
  });
});

describe('calendar files', () => {
  it('name the product that made them', () => {
    const start = Date.parse('2027-03-15T14:00:00Z');
    const text = buildCalendar(
      [
        {
          appointment: { id: 'a1', start, end: start + 1_800_000, status: 'booked', version: 1, createdAt: 0, updatedAt: 0 },
          title: 'Checkup',
          timeZone: 'UTC',
          joinUrl: 'https://x/j',
        },
      ],
      { timeZone: 'UTC' },
    );
    expect(text).toContain('\r\nPRODID:virtual-appointments/calendar\r\n');
  });
});

describe('settling a reminder', () => {
  it('gives a reason only to a skipped delivery', () => {
    const settled = settleReminder(
      {
        dueAt: 0,
        channels: ['email', 'sms'],
        status: 'pending',
        deliveries: [
          { channel: 'email', status: 'pending' },
          { channel: 'sms', status: 'pending' },
        ],
      },
      { email: 'sent', sms: 'sent' },
      { sms: 'sms-opted-out' },
    );
    expect(settled.deliveries).toEqual([
      { channel: 'email', status: 'sent' },
      { channel: 'sms', status: 'sent' },
    ]);
  });
});

describe('provider email html', () => {
  it('of a cancellation is the greeting, the lead and the attachment note: no join paragraph', () => {
    const start = Date.parse('2030-01-07T13:30:00Z');
    const { html } = composeProviderMessage('cancelled', {
      providerName: 'Dr. Who',
      consumerName: 'Ada',
      serviceName: 'Checkup',
      start,
      end: start + 1_800_000,
      timeZone: 'UTC',
      joinUrl: 'https://x/j',
    });
    expect(html.split('\n')).toEqual([
      '<p>Hello Dr. Who,</p>',
      expect.stringMatching(/^<p>Appointment cancelled: /),
      '<p>The calendar file is attached.</p>',
    ]);
  });

  it('escapes every character that could end an attribute or open a tag', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('slot search', () => {
  it('names the rule a zero duration or interval breaks', () => {
    const week = window('2027-06-07T00:00Z', '2027-06-14T00:00Z');
    expect(() => findSlots(rules({ slotIntervalMinutes: 0 }), [], week)).toThrow(
      'durationMinutes and slotIntervalMinutes must be positive',
    );
  });

  it('offers the weekend days of a weekly schedule', () => {
    const hour = [{ start: '09:00', end: '10:00' }];
    const slots = findSlots(
      rules({ durationMinutes: 60, slotIntervalMinutes: 60 }),
      [provider({ weekly: { sat: hour, sun: hour } })],
      window('2027-06-07T00:00Z', '2027-06-14T00:00Z'),
    );
    expect(starts(slots)).toEqual(['2027-06-12T09:00Z', '2027-06-13T09:00Z']);
  });
});
