import { effectsOf } from '../../../shared/app/appointments/effects';
import type { AppointmentEvent } from '../../../shared/app/ports/events';
import type { Appointment } from '../../../shared/domain/appointments/appointment';

const MIN = 60_000;
const START = Date.parse('2027-03-01T09:00:00Z');
const NOW = START - 3 * 24 * 60 * MIN;

const booked: Appointment = {
  id: 'a1',
  businessId: 'clinic',
  serviceId: 'consult',
  providerId: 'amy',
  start: START,
  end: START + 30 * MIN,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  status: 'booked',
  consumer: { name: 'Jane Roe', email: 'jane@example.com', phone: '+14155550123', smsConsent: true },
  notes: 'back pain',
  createdAt: 0,
  updatedAt: 0,
  version: 1,
  reminders: [],
  manageTokenHash: 'hash',
};

const eventOf = (effects: ReturnType<typeof effectsOf>): AppointmentEvent => {
  const rows = effects.filter((e) => e.kind === 'event.publish');
  expect(rows).toHaveLength(1);
  return rows[0]!.payload!.event as AppointmentEvent;
};

describe('events of appointment changes', () => {
  it('each change writes one event row with a deterministic id per version and type', () => {
    const moved = { ...booked, start: START + 60 * MIN, end: START + 90 * MIN, version: 2 };
    const cases: Array<[ReturnType<typeof effectsOf>, string, string]> = [
      [effectsOf({ kind: 'booked', appointment: booked }, NOW), 'appointment.booked', 'a1:1:appointment.booked'],
      [
        effectsOf({ kind: 'rescheduled', appointment: moved, previous: booked }, NOW),
        'appointment.rescheduled',
        'a1:2:appointment.rescheduled',
      ],
      [
        effectsOf({ kind: 'cancelled', appointment: { ...booked, status: 'cancelled', version: 2 }, previous: booked }, NOW),
        'appointment.cancelled',
        'a1:2:appointment.cancelled',
      ],
      [
        effectsOf({ kind: 'completed', appointment: { ...booked, status: 'completed', version: 2 }, previous: booked }, NOW),
        'appointment.completed',
        'a1:2:appointment.completed',
      ],
      [
        effectsOf({ kind: 'no-show', appointment: { ...booked, status: 'no-show', version: 2 }, previous: booked }, NOW),
        'appointment.no-show',
        'a1:2:appointment.no-show',
      ],
    ];
    for (const [effects, type, id] of cases) {
      expect(eventOf(effects)).toMatchObject({ id, type, businessId: 'clinic', appointmentId: 'a1', time: NOW });
      expect(new Set(effects.map((e) => e.id)).size).toBe(effects.length);
    }
  });

  it('carries ids and times, never the consumer, notes or the manage token', () => {
    const effects = effectsOf({ kind: 'booked', appointment: booked }, NOW);
    const event = eventOf(effects);
    // No outbox row of a booking carries anything secret (the rows sit in storage until dispatched).
    for (const secret of ['jane@example.com', 'hash'])
      expect(JSON.stringify(effects.filter((e) => e.kind !== 'event.publish'))).not.toContain(secret);
    expect(event.data).toEqual({
      appointmentId: 'a1',
      businessId: 'clinic',
      providerId: 'amy',
      serviceId: 'consult',
      status: 'booked',
      version: 1,
      start: '2027-03-01T09:00:00.000Z',
      end: '2027-03-01T09:30:00.000Z',
    });
    const text = JSON.stringify(event);
    for (const secret of ['Jane', 'jane@example.com', '+14155550123', 'back pain', 'secret-token', 'hash'])
      expect(text).not.toContain(secret);
  });

  it('a reschedule says where the appointment was', () => {
    const moved = { ...booked, providerId: 'bob', start: START + 60 * MIN, end: START + 90 * MIN, version: 2 };
    expect(eventOf(effectsOf({ kind: 'rescheduled', appointment: moved, previous: booked }, NOW)).data).toMatchObject({
      providerId: 'bob',
      start: '2027-03-01T10:00:00.000Z',
      previousProviderId: 'amy',
      previousStart: '2027-03-01T09:00:00.000Z',
      previousEnd: '2027-03-01T09:30:00.000Z',
    });
  });
});
