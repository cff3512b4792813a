import {
  cancelRefusal,
  completeRefusal,
  joinWindow,
  noShowRefusal,
  planReminders,
  rescheduleRefusal,
  type Appointment,
} from '../../../shared/domain/appointments/appointment';
import { mergeBusy, utcDatesTouched } from '../../../shared/domain/appointments/busy-days';

const MIN = 60_000;
const start = Date.parse('2027-03-15T14:00:00Z');
const appointment: Appointment = {
  id: 'a1',
  businessId: 'b',
  serviceId: 's',
  providerId: 'p',
  start,
  end: start + 30 * MIN,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  status: 'booked',
  consumer: { name: 'C', email: 'c@example.com', smsConsent: false },
  createdAt: 0,
  updatedAt: 0,
  version: 1,
  reminders: [],
  manageTokenHash: 'h',
};
const cutoffs = { cancellationCutoffMinutes: 60, rescheduleCutoffMinutes: 120 };

describe('appointment rules', () => {
  it('plans reminders in time order and skips those already due', () => {
    const plan = planReminders(
      start,
      [
        { offsetMinutes: 60, channels: ['sms'] },
        { offsetMinutes: 1440, channels: ['email', 'sms'] },
      ],
      start - 120 * MIN,
    );
    expect(plan.map((r) => [r.dueAt, r.status])).toEqual([
      [start - 1440 * MIN, 'skipped'],
      [start - 60 * MIN, 'pending'],
    ]);
    expect(plan[0]!.deliveries).toEqual([
      { channel: 'email', status: 'skipped' },
      { channel: 'sms', status: 'skipped' },
    ]);
  });

  it('refuses a consumer cancel past the cutoff but lets staff cancel', () => {
    expect(cancelRefusal(appointment, cutoffs, start - 61 * MIN, false)).toBeNull();
    expect(cancelRefusal(appointment, cutoffs, start - 59 * MIN, false)).toBe('too-late');
    expect(cancelRefusal(appointment, cutoffs, start - 59 * MIN, true)).toBeNull();
    expect(cancelRefusal({ ...appointment, status: 'completed' }, cutoffs, 0, true)).toBe('invalid-state');
  });

  it('applies the reschedule cutoff and state', () => {
    expect(rescheduleRefusal(appointment, cutoffs, start - 119 * MIN, false)).toBe('too-late');
    expect(rescheduleRefusal({ ...appointment, status: 'cancelled' }, cutoffs, 0, false)).toBe('invalid-state');
  });

  it('allows complete after the start only, from booked only', () => {
    expect(completeRefusal(appointment, start - 1)).toBe('too-early');
    expect(completeRefusal(appointment, start)).toBeNull();
    expect(completeRefusal({ ...appointment, status: 'cancelled' }, start + MIN)).toBe('invalid-state');
  });

  it('allows no-show from the start until 7 days after the end, from booked or completed', () => {
    expect(noShowRefusal(appointment, start - 1)).toBe('too-early');
    expect(noShowRefusal({ ...appointment, status: 'completed' }, start + MIN)).toBeNull();
    expect(noShowRefusal(appointment, appointment.end + 7 * 24 * 60 * MIN)).toBeNull();
    expect(noShowRefusal(appointment, appointment.end + 7 * 24 * 60 * MIN + 1)).toBe('invalid-state');
  });

  it('opens the join window before the start and closes it at the end', () => {
    expect(joinWindow(appointment, 15)).toEqual({ opensAt: start - 15 * MIN, closedAt: start + 30 * MIN });
  });
});

describe('busy day rows', () => {
  it('lists every UTC date a padded interval touches, end exclusive', () => {
    // 23:30-00:30 UTC crosses midnight.
    expect(utcDatesTouched({ start: Date.parse('2027-03-15T23:30:00Z'), end: Date.parse('2027-03-16T00:30:00Z') })).toEqual([
      '2027-03-15',
      '2027-03-16',
    ]);
    // Ending exactly at midnight UTC stays on one day.
    expect(utcDatesTouched({ start: Date.parse('2027-03-15T23:00:00Z'), end: Date.parse('2027-03-16T00:00:00Z') })).toEqual(['2027-03-15']);
  });

  it('merges rows so an appointment on two days counts once', () => {
    const entry = { appointmentId: 'x', serviceId: 's', start: 2, end: 3, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 };
    const other = { ...entry, appointmentId: 'y', start: 1 };
    expect(mergeBusy([[entry], [entry, other]]).map((e) => e.appointmentId)).toEqual(['y', 'x']);
  });
});
