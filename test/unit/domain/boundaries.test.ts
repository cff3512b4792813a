import {
  cancelRefusal,
  completeRefusal,
  joinWindow,
  noShowRefusal,
  occupiedInterval,
  planReminders,
  rescheduleRefusal,
  skipPendingReminders,
  type Appointment,
} from '../../../shared/domain/appointments/appointment';
import { buildCalendar } from '../../../shared/domain/appointments/calendar';
import { findSlots, isSlotOffered } from '../../../shared/domain/availability/find-slots';
import { canText, noticeChannels, planMoments, ROOM_LEAD_MS } from '../../../shared/domain/lifecycle/plan';
import { appointment as build, MINUTE } from '../../support/fakes/builders';
import { at, iso, provider, rules } from '../availability/fixtures';

// Behaviour that mutation testing found untested (issue 15): each test kills one or more surviving mutants.

const START = at('2026-03-10T10:00:00Z');
const appointment = (extra: Partial<Appointment> = {}) => build('a1', START, extra);

describe('lifecycle rules at their edges', () => {
  it('refuses a no-show and a completion of a cancelled appointment', () => {
    expect(noShowRefusal(appointment({ status: 'cancelled' }), START + MINUTE)).toBe('invalid-state');
    expect(noShowRefusal(appointment({ status: 'no-show' }), START + MINUTE)).toBe('invalid-state');
    expect(completeRefusal(appointment({ status: 'cancelled' }), START + MINUTE)).toBe('invalid-state');
  });

  it('allows a no-show and a completion from exactly the start', () => {
    expect(noShowRefusal(appointment(), START)).toBeNull();
    expect(completeRefusal(appointment(), START)).toBeNull();
    expect(completeRefusal(appointment(), START - 1)).toBe('too-early');
  });

  it('lets the consumer cancel and reschedule at exactly the cutoff, not a millisecond later; staff any time while booked', () => {
    const cutoffs = { cancellationCutoffMinutes: 60, rescheduleCutoffMinutes: 120 };
    expect(cancelRefusal(appointment(), cutoffs, START - 60 * MINUTE, false)).toBeNull();
    expect(cancelRefusal(appointment(), cutoffs, START - 60 * MINUTE + 1, false)).toBe('too-late');
    expect(rescheduleRefusal(appointment(), cutoffs, START - 120 * MINUTE, false)).toBeNull();
    expect(rescheduleRefusal(appointment(), cutoffs, START - 120 * MINUTE + 1, false)).toBe('too-late');
    expect(cancelRefusal(appointment(), cutoffs, START + 1, true)).toBeNull();
    expect(rescheduleRefusal(appointment({ status: 'cancelled' }), cutoffs, START - 999 * MINUTE, true)).toBe('invalid-state');
  });

  it('skips a reminder due exactly at booking time and keeps one due a millisecond later', () => {
    const plan = [{ offsetMinutes: 60, channels: ['email' as const] }];
    expect(planReminders(START, plan, START - 60 * MINUTE).map((r) => r.status)).toEqual(['skipped']);
    expect(planReminders(START, plan, START - 60 * MINUTE - 1).map((r) => r.status)).toEqual(['pending']);
  });

  it('occupies the provider from the buffer before the start to the buffer after the end', () => {
    expect(occupiedInterval({ start: START, end: START + 30 * MINUTE, bufferBeforeMinutes: 10, bufferAfterMinutes: 5 })).toEqual({
      start: START - 10 * MINUTE,
      end: START + 35 * MINUTE,
    });
  });

  it('skips only the reminders still pending when an appointment ends early: a sent or failed one keeps its outcome', () => {
    const sent = {
      dueAt: START - 60 * MINUTE,
      channels: ['email' as const],
      status: 'sent' as const,
      deliveries: [{ channel: 'email' as const, status: 'sent' as const }],
    };
    const pending = {
      dueAt: START - 10 * MINUTE,
      channels: ['email' as const],
      status: 'pending' as const,
      deliveries: [{ channel: 'email' as const, status: 'pending' as const }],
    };
    expect(skipPendingReminders([sent, pending])).toEqual([
      sent,
      { ...pending, status: 'skipped', deliveries: [{ channel: 'email', status: 'skipped' }] },
    ]);
  });

  it('plans the room moment only while it lies in the future: not when now is exactly 30 days before the start', () => {
    const a = { start: START, end: START + 30 * MINUTE, reminders: [] };
    expect(planMoments(a, 15, START - ROOM_LEAD_MS - 1)[0]).toEqual({ kind: 'room', dueAt: START - ROOM_LEAD_MS });
    expect(planMoments(a, 15, START - ROOM_LEAD_MS).map((m) => m.kind)).toEqual(['join-window', 'end']);
  });

  it('opens the join window exactly joinWindowMinutes before the start and closes it at the end', () => {
    expect(joinWindow({ start: START, end: START + 30 * MINUTE }, 15)).toEqual({
      opensAt: START - 15 * MINUTE,
      closedAt: START + 30 * MINUTE,
    });
  });
});

describe('SMS channel rule: phone && smsConsent && phoneVerified, never ||', () => {
  const textable = { phone: '+12025550100', smsConsent: true, phoneVerified: true };
  it.each([
    ['all three', textable, true],
    ['no phone', { smsConsent: true, phoneVerified: true }, false],
    ['no consent', { ...textable, smsConsent: false }, false],
    ['not verified', { ...textable, phoneVerified: false }, false],
    ['verification unknown', { phone: textable.phone, smsConsent: true }, false],
    ['an invalid phone', { ...textable, phone: '+1202' }, false],
  ])('%s -> %s', (_case, consumer, texts) => {
    expect(canText(consumer)).toBe(texts);
    expect(noticeChannels(consumer)).toEqual(texts ? ['email', 'sms'] : ['email']);
  });
});

describe('calendar files with cancelled events', () => {
  const entry = (status: Appointment['status'], id = 'a1') => ({
    appointment: appointment({ id, status }),
    title: 'Consultation',
    timeZone: 'Europe/Berlin',
    joinUrl: 'https://app.example/join/a1',
  });

  it('publishes a feed with one cancelled event (not METHOD:CANCEL) with the event marked cancelled', () => {
    const text = buildCalendar([entry('cancelled')], { timeZone: 'Europe/Berlin', feed: true });
    expect(text).toContain('METHOD:PUBLISH');
    expect(text).not.toContain('METHOD:CANCEL');
    expect(text).toContain('STATUS:CANCELLED');
  });

  it('sends a single cancelled invitation as METHOD:CANCEL, and a booked one as PUBLISH, busy and confirmed', () => {
    const cancelled = buildCalendar([entry('cancelled')], { timeZone: 'Europe/Berlin' });
    expect(cancelled).toContain('METHOD:CANCEL');
    expect(cancelled).not.toContain('BUSYSTATUS:BUSY');
    const booked = buildCalendar([entry('booked')], { timeZone: 'Europe/Berlin' });
    expect(booked).toContain('METHOD:PUBLISH');
    expect(booked).toContain('STATUS:CONFIRMED');
    expect(booked).toContain('BUSYSTATUS:BUSY');
    expect(booked).toContain('X-WR-TIMEZONE:Europe/Berlin');
  });

  it('publishes several events as PUBLISH even without the feed flag, names the calendar, and fails loudly on an event it cannot write', () => {
    const two = buildCalendar([entry('cancelled', 'a1'), entry('booked', 'a2')], { timeZone: 'Europe/Berlin', calendarName: 'Dr A' });
    expect(two).toContain('METHOD:PUBLISH');
    expect(two).toContain('X-WR-CALNAME:Dr A');
    const broken = { ...entry('booked'), appointment: appointment({ start: Number.NaN }) };
    expect(() => buildCalendar([broken], { timeZone: 'UTC' })).toThrow(/^calendar could not be built: .+/);
  });

  it('writes the local time, then the join link on its own line, into the description; without a link only the time', () => {
    const unfolded = (text: string) => text.replace(/\r\n[ \t]/g, '');
    // Issue 16: the time is written in the reader's language (English by default), commas escaped by iCalendar.
    const when = 'Tuesday\\\\, March 10\\\\, 2026\\\\, 11:00\\sAM-11:30\\sAM \\(Europe/Berlin\\)';
    expect(unfolded(buildCalendar([entry('booked')], { timeZone: 'Europe/Berlin' }))).toMatch(
      new RegExp(`DESCRIPTION:${when}\\\\nJoin: https://app\\.example/join/a1\r\n`, 'u'),
    );
    const noLink = { ...entry('booked'), joinUrl: undefined };
    expect(unfolded(buildCalendar([noLink], { timeZone: 'Europe/Berlin' }))).toMatch(new RegExp(`DESCRIPTION:${when}\r\n`, 'u'));
    expect(unfolded(buildCalendar([{ ...entry('booked'), language: 'de' }], { timeZone: 'Europe/Berlin' }))).toContain(
      'DESCRIPTION:Dienstag\\, 10. März 2026\\, 11:00-11:30 (Europe/Berlin)\\nTeilnehmen: https://app.example/join/a1\r\n',
    );
  });

  it('hides the join link of cancelled events and shows that of booked ones', () => {
    const unfolded = (text: string) => text.replace(/\r\n[ \t]/g, '');
    const feed = unfolded(buildCalendar([entry('booked', 'a1'), entry('cancelled', 'a2')], { timeZone: 'Europe/Berlin', feed: true }));
    const [booked, cancelled] = feed.split('BEGIN:VEVENT').slice(1);
    expect(booked).toContain('Join: https://app.example/join/a1');
    expect(booked).toContain('URL:https://app.example/join/a1');
    expect(cancelled).not.toContain('https://app.example');
  });
});

describe('slot engine inputs and edges', () => {
  const monday = { from: at('2026-03-02T00:00:00Z'), to: at('2026-03-03T00:00:00Z'), now: at('2026-03-01T00:00:00Z') };

  it('rejects a zero or negative slot interval or duration instead of looping for ever', () => {
    const open = provider({ weekly: { mon: [{ start: '09:00', end: '10:00' }] } });
    expect(() => findSlots(rules({ slotIntervalMinutes: 0 }), [open], monday)).toThrow(RangeError);
    expect(() => findSlots(rules({ slotIntervalMinutes: -30 }), [open], monday)).toThrow(RangeError);
    expect(() => findSlots(rules({ durationMinutes: 0 }), [open], monday)).toThrow(RangeError);
  });

  it('offers the last slot ending exactly at local midnight (24:00), in the provider zone', () => {
    const lateShift = provider({ timeZone: 'Europe/Berlin', weekly: { mon: [{ start: '23:00', end: '24:00' }] } });
    const slots = findSlots(rules(), [lateShift], { from: at('2026-03-02T00:00:00Z'), to: at('2026-03-04T00:00:00Z'), now: monday.now });
    expect(slots.map((s) => iso(s.start))).toEqual(['2026-03-02T22:00Z', '2026-03-02T22:30Z']);
    expect(iso(slots[1]!.end)).toBe('2026-03-02T23:00Z');
  });

  it('offers a start exactly at the minimum notice and exactly at the end of the booking window, not a slot beyond either', () => {
    const open = provider({ weekly: { mon: [{ start: '09:00', end: '12:00' }] } });
    const now = at('2026-03-02T08:00:00Z');
    expect(isSlotOffered(rules({ minimumNoticeMinutes: 60 }), open, at('2026-03-02T09:00:00Z'), now)).toBe(true);
    expect(isSlotOffered(rules({ minimumNoticeMinutes: 60 }), open, at('2026-03-02T09:00:00Z'), now + 1)).toBe(false);
    const windowEnd = at('2026-03-09T09:00:00Z');
    expect(isSlotOffered(rules({ bookingWindowDays: 7 }), open, windowEnd, windowEnd - 7 * 24 * 60 * MINUTE)).toBe(true);
    expect(isSlotOffered(rules({ bookingWindowDays: 7 }), open, windowEnd, windowEnd - 7 * 24 * 60 * MINUTE - 1)).toBe(false);
  });
});
