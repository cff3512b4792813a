import { parseWith } from '../../../shared/adapters/http/endpoint';
import { AppError, type FieldError } from '../../../shared/app/errors';
import { BusinessBody, BusinessParams } from '../../../shared/adapters/http/schemas/businesses';
import { ProviderBody } from '../../../shared/adapters/http/schemas/providers';
import { ScheduleBody } from '../../../shared/adapters/http/schemas/schedules';
import { OverrideBody, OverrideListQuery, OverrideParams } from '../../../shared/adapters/http/schemas/overrides';
import { ServiceBody, serviceInput } from '../../../shared/adapters/http/schemas/services';
import { SlotQuerySchema } from '../../../shared/adapters/http/schemas/slots';
import { BookingBody, CancelBody, RescheduleBody } from '../../../shared/adapters/http/schemas/appointments';
import { AppointmentListQuery } from '../../../shared/adapters/http/schemas/workspace';
import type { ZodType } from 'zod';

/** The `errors` of the 400 the schema produces, or [] when the value is valid. */
function fieldErrors(schema: ZodType, value: unknown): FieldError[] {
  try {
    parseWith(schema, value);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    return (error as AppError).extensions.errors as FieldError[];
  }
}

const paths = (schema: ZodType, value: unknown) =>
  fieldErrors(schema, value)
    .map((e) => e.path)
    .sort();

const service = { name: 'Consultation', durationMinutes: 30, providerIds: ['dr-a'] };

describe('path ids', () => {
  it.each(['a', 'A-1_b', 'x'.repeat(64)])('accepts %s', (id) => {
    expect(paths(BusinessParams, { businessId: id })).toEqual([]);
  });

  it.each(['-a', '_a', 'a b', 'a|b', 'a/b', 'x'.repeat(65), '', 'é'])('rejects %j naming the parameter', (id) => {
    expect(paths(BusinessParams, { businessId: id })).toEqual(['businessId']);
  });

  it('rejects dates that do not exist', () => {
    const ids = { businessId: 'b', providerId: 'p' };
    expect(paths(OverrideParams, { ...ids, date: '2025-02-29' })).toEqual(['date']);
    expect(paths(OverrideParams, { ...ids, date: '2025-13-01' })).toEqual(['date']);
    expect(paths(OverrideParams, { ...ids, date: '2025-3-01' })).toEqual(['date']);
    expect(paths(OverrideParams, { ...ids, date: '2024-02-29' })).toEqual([]);
  });
});

describe('instants and dates outside the supported range (1970-2999)', () => {
  const ids = { businessId: 'b', providerId: 'p' };
  const booking = { serviceId: 's', consumer: { name: 'Jane', email: 'jane@example.com' } };
  it.each(['0050-03-01T09:00:00Z', '0099-12-31T23:00:00+01:00', '1969-12-31T23:59:59Z', '3000-01-01T00:00:00Z', '0000-01-01T00:00:00Z'])(
    'rejects the instant %s naming the field',
    (value) => {
      expect(paths(SlotQuerySchema, { from: value, to: '2027-03-01' })).toEqual(['from']);
      expect(paths(OverrideListQuery, { from: '2027-03-01', to: value })).toEqual(['to']);
      expect(paths(AppointmentListQuery, { from: value, to: '2027-03-01' })).toEqual(['from']);
      expect(paths(BookingBody, { ...booking, start: value })).toEqual(['start']);
      expect(paths(RescheduleBody, { start: value })).toEqual(['start']);
    },
  );

  it.each(['0050-03-01', '0001-01-01', '1969-12-31', '3000-01-01'])('rejects the date %s naming the field', (value) => {
    expect(paths(SlotQuerySchema, { from: value, to: '2027-03-01' })).toEqual(['from']);
    expect(paths(OverrideListQuery, { from: '2027-03-01', to: value })).toEqual(['to']);
    expect(paths(OverrideParams, { ...ids, date: value })).toEqual(['date']);
  });

  it("accepts the range's ends", () => {
    expect(paths(SlotQuerySchema, { from: '1970-01-01', to: '2999-12-31T23:59:59Z' })).toEqual([]);
    expect(paths(OverrideParams, { ...ids, date: '2999-12-31' })).toEqual([]);
  });
});

describe('control characters and bidi overrides in free text', () => {
  const booking = { serviceId: 's', start: '2027-03-01T09:00:00Z', consumer: { name: 'Jane', email: 'jane@example.com' } };
  const bad = [
    'Ja\rne',
    'Ja\u0000ne',
    'Ja\u001bne',
    'Ja\u007fne',
    'Ja\u0085ne',
    'Ja\u009bne',
    'Ja\u202ene',
    'Ja\u2066ne',
    'Ja\u2069ne',
    'Ja\u202ane',
  ];

  it.each(bad)('rejects %j in every name, the notes and the cancel reason, naming the path', (text) => {
    expect(paths(BookingBody, { ...booking, consumer: { ...booking.consumer, name: text } })).toEqual(['consumer.name']);
    expect(paths(BookingBody, { ...booking, notes: text })).toEqual(['notes']);
    expect(paths(CancelBody, { reason: text })).toEqual(['reason']);
    expect(paths(BusinessBody, { name: text, timeZone: 'Europe/Berlin', managers: ['oid-1'] })).toEqual(['name']);
    expect(paths(ProviderBody, { displayName: text, email: 'a@example.com', timeZone: 'Europe/Berlin', staffObjectId: 'oid-a' })).toEqual([
      'displayName',
    ]);
    expect(paths(ServiceBody, { ...service, name: text })).toEqual(['name']);
  });

  it('allows tab and line feed in notes only', () => {
    expect(paths(BookingBody, { ...booking, notes: 'line one\n\tline two' })).toEqual([]);
    expect(paths(BookingBody, { ...booking, consumer: { ...booking.consumer, name: 'Ja\tne' } })).toEqual(['consumer.name']);
    expect(paths(BookingBody, { ...booking, consumer: { ...booking.consumer, name: 'Ja\nne' } })).toEqual(['consumer.name']);
    expect(paths(CancelBody, { reason: 'sick\nreally' })).toEqual(['reason']);
  });

  it('keeps letters of every script, marks and emoji', () => {
    expect(paths(BookingBody, { ...booking, consumer: { ...booking.consumer, name: 'שלום \u200fJoão 李 🙂' } })).toEqual([]);
  });
});

describe('business body', () => {
  const valid = { name: 'Clinic', timeZone: 'Europe/Berlin', managers: ['oid-1'] };

  it('accepts a valid body and names every bad field at once', () => {
    expect(paths(BusinessBody, valid)).toEqual([]);
    expect(paths(BusinessBody, { name: ' ', timeZone: 'Mars/Phobos', managers: ['has space'], contactEmail: 'nope' })).toEqual([
      'contactEmail',
      'managers.0',
      'name',
      'timeZone',
    ]);
  });

  it.each(['+01:00', 'GMT+1:00', 'Europe/Nowhere', ''])('rejects the zone %j', (zone) => {
    expect(paths(BusinessBody, { ...valid, timeZone: zone })).toEqual(['timeZone']);
  });

  it('requires the fields of the contract', () => {
    expect(paths(BusinessBody, {})).toEqual(['managers', 'name', 'timeZone']);
    expect(paths(BusinessBody, [])).toEqual(['']);
  });
});

describe('provider body', () => {
  const valid = { displayName: 'Dr A', email: 'a@example.com', timeZone: 'America/New_York', staffObjectId: 'oid-a' };

  it('normalises a valid phone to E.164 and rejects an invalid one', () => {
    expect(parseWith(ProviderBody, { ...valid, phone: '+49 30 1234567' }).phone).toBe('+49301234567');
    expect(paths(ProviderBody, { ...valid, phone: '12' })).toEqual(['phone']);
  });

  it('requires email and staffObjectId', () => {
    const { email: _e, staffObjectId: _s, ...rest } = valid;
    expect(paths(ProviderBody, rest)).toEqual(['email', 'staffObjectId']);
  });
});

describe('weekly schedule and overrides', () => {
  it('accepts touching intervals, a lunch break and 24:00 as an end, sorted by start', () => {
    const parsed = parseWith(ScheduleBody, {
      weekly: {
        mon: [
          { start: '13:00', end: '24:00' },
          { start: '09:00', end: '12:00' },
          { start: '12:00', end: '13:00' },
        ],
      },
    });
    expect(parsed.weekly.mon!.map((i) => i.start)).toEqual(['09:00', '12:00', '13:00']);
  });

  it('rejects overlapping intervals naming the later one', () => {
    const errors = fieldErrors(ScheduleBody, {
      weekly: {
        tue: [
          { start: '09:00', end: '12:00' },
          { start: '11:30', end: '14:00' },
        ],
      },
    });
    expect(errors.map((e) => e.path)).toEqual(['weekly.tue.1']);
    expect(errors[0]!.message).toContain('overlaps 09:00-12:00');
  });

  it('rejects an end that is not after the start, bad wall times and unknown days', () => {
    expect(paths(ScheduleBody, { weekly: { wed: [{ start: '10:00', end: '10:00' }] } })).toEqual(['weekly.wed.0.end']);
    expect(paths(ScheduleBody, { weekly: { wed: [{ start: '24:00', end: '24:00' }] } })).toEqual(['weekly.wed.0.end']);
    expect(paths(ScheduleBody, { weekly: { wed: [{ start: '9:00', end: '24:30' }] } })).toEqual(['weekly.wed.0.end', 'weekly.wed.0.start']);
    expect(paths(ScheduleBody, { weekly: { monday: [] } })).toEqual(['weekly']);
    expect(paths(ScheduleBody, { timeZone: 'Nowhere', weekly: {} })).toEqual(['timeZone']);
  });

  it('takes [] as a day off and rejects overlaps in overrides too', () => {
    expect(parseWith(OverrideBody, { intervals: [] }).intervals).toEqual([]);
    expect(
      paths(OverrideBody, {
        intervals: [
          { start: '08:00', end: '10:00' },
          { start: '07:00', end: '09:00' },
        ],
      }),
    ).toEqual(['intervals.0']);
  });
});

describe('service body', () => {
  it('fills the defaults of docs/api.md, the slot interval defaulting to the duration', () => {
    expect(serviceInput(parseWith(ServiceBody, service))).toEqual({
      ...service,
      slotIntervalMinutes: 30,
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
      minimumNoticeMinutes: 0,
      bookingWindowDays: 60,
      maxPerDayPerProvider: null,
      cancellationCutoffMinutes: 0,
      rescheduleCutoffMinutes: 0,
      joinWindowMinutes: 15,
      reminders: [],
    });
    expect(serviceInput(parseWith(ServiceBody, { ...service, slotIntervalMinutes: 15 })).slotIntervalMinutes).toBe(15);
  });

  it.each([
    ['durationMinutes', 4],
    ['durationMinutes', 721],
    ['durationMinutes', 30.5],
    ['slotIntervalMinutes', 4],
    ['bufferBeforeMinutes', -1],
    ['bufferAfterMinutes', 10081],
    ['minimumNoticeMinutes', 10081],
    ['bookingWindowDays', 0],
    ['bookingWindowDays', 731],
    ['maxPerDayPerProvider', 0],
    ['maxPerDayPerProvider', 101],
    ['cancellationCutoffMinutes', 10081],
    ['rescheduleCutoffMinutes', -5],
    ['joinWindowMinutes', 121],
    ['durationMinutes', '30'],
  ])('rejects %s = %j', (field, value) => {
    expect(paths(ServiceBody, { ...service, [field]: value })).toEqual([field]);
  });

  it.each([
    ['bookingWindowDays', 730],
    ['bookingWindowDays', 1],
    ['maxPerDayPerProvider', null],
    ['maxPerDayPerProvider', 100],
    ['bufferBeforeMinutes', 10080],
    ['joinWindowMinutes', 0],
    ['durationMinutes', 720],
  ])('accepts %s = %j', (field, value) => {
    expect(paths(ServiceBody, { ...service, [field]: value })).toEqual([]);
  });

  it('limits reminders: at most 10, offsets 5-43200, channels email|sms', () => {
    const reminder = (offsetMinutes: number) => ({ offsetMinutes, channels: ['email'] });
    expect(paths(ServiceBody, { ...service, reminders: Array.from({ length: 10 }, (_, i) => reminder(60 + i)) })).toEqual([]);
    expect(paths(ServiceBody, { ...service, reminders: Array.from({ length: 11 }, (_, i) => reminder(60 + i)) })).toEqual(['reminders']);
    expect(paths(ServiceBody, { ...service, reminders: [reminder(4)] })).toEqual(['reminders.0.offsetMinutes']);
    expect(paths(ServiceBody, { ...service, reminders: [reminder(43201)] })).toEqual(['reminders.0.offsetMinutes']);
    expect(paths(ServiceBody, { ...service, reminders: [{ offsetMinutes: 60, channels: ['fax'] }] })).toEqual(['reminders.0.channels.0']);
    expect(paths(ServiceBody, { ...service, reminders: [{ offsetMinutes: 60, channels: [] }] })).toEqual(['reminders.0.channels']);
    expect(paths(ServiceBody, { ...service, reminders: [reminder(60), reminder(60)] })).toEqual(['reminders']);
  });

  it('needs at least one provider, each a valid id, none twice', () => {
    expect(paths(ServiceBody, { ...service, providerIds: [] })).toEqual(['providerIds']);
    expect(paths(ServiceBody, { ...service, providerIds: ['ok', 'not ok'] })).toEqual(['providerIds.1']);
    expect(paths(ServiceBody, { ...service, providerIds: ['a', 'a'] })).toEqual(['providerIds']);
  });
});

describe('window queries', () => {
  it('reads instants with any offset and dates', () => {
    expect(parseWith(SlotQuerySchema, { from: '2025-03-10T09:00:00+01:00', to: '2025-03-11' })).toEqual({
      from: { instant: Date.UTC(2025, 2, 10, 8) },
      to: { date: '2025-03-11' },
    });
  });

  it('requires from and to and rejects instants without offset, bad dates and zones', () => {
    expect(paths(SlotQuerySchema, {})).toEqual(['from', 'to']);
    expect(paths(SlotQuerySchema, { from: '2025-03-10T09:00:00', to: '2025-02-30', timeZone: 'X' })).toEqual(['from', 'timeZone', 'to']);
    expect(paths(OverrideListQuery, { from: '2025-03-01', to: '2025-04-01', limit: '501' })).toEqual(['limit']);
  });
});
