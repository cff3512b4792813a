import { findSlots, isSlotOffered } from '../../../shared/domain/availability/find-slots';
import { at, busy, iso, provider, rules, starts, window } from './fixtures';

// 2027-06-07 is a Monday; the zone is UTC unless a test says otherwise.
const monday = window('2027-06-07T00:00Z', '2027-06-08T00:00Z');
const nineToTwelve = { mon: [{ start: '09:00', end: '12:00' }] };

describe('findSlots: duration and alignment', () => {
  it('offers a start only when the whole appointment fits, and ends it after the duration', () => {
    const slots = findSlots(
      rules({ durationMinutes: 45, slotIntervalMinutes: 15 }),
      [provider({ weekly: { mon: [{ start: '09:00', end: '10:00' }] } })],
      monday,
    );
    expect(slots.map((s) => [iso(s.start), iso(s.end)])).toEqual([
      ['2027-06-07T09:00Z', '2027-06-07T09:45Z'],
      ['2027-06-07T09:15Z', '2027-06-07T10:00Z'],
    ]);
  });

  it('aligns slots from the start of each interval of the day (lunch break)', () => {
    const slots = findSlots(
      rules(),
      [
        provider({
          weekly: {
            mon: [
              { start: '13:15', end: '15:00' },
              { start: '09:00', end: '11:00' },
            ],
          },
        }),
      ],
      monday,
    );
    expect(starts(slots)).toEqual([
      '2027-06-07T09:00Z',
      '2027-06-07T09:30Z',
      '2027-06-07T10:00Z',
      '2027-06-07T10:30Z',
      '2027-06-07T13:15Z',
      '2027-06-07T13:45Z',
      '2027-06-07T14:15Z',
    ]);
  });

  it('keeps the alignment when a slot interval is longer than the duration', () => {
    const slots = findSlots(rules({ durationMinutes: 20, slotIntervalMinutes: 45 }), [provider({ weekly: nineToTwelve })], monday);
    expect(starts(slots)).toEqual(['2027-06-07T09:00Z', '2027-06-07T09:45Z', '2027-06-07T10:30Z', '2027-06-07T11:15Z']);
  });
});

describe('findSlots: busy time and buffers', () => {
  it('follows the docs/api.md example: buffers 15/15 around a 10:00-10:30 booking', () => {
    const booked = busy('2027-06-07T10:00Z', '2027-06-07T10:30Z', { bufferBeforeMinutes: 15, bufferAfterMinutes: 15 });
    const slots = findSlots(
      rules({ bufferBeforeMinutes: 15, bufferAfterMinutes: 15 }),
      [provider({ weekly: nineToTwelve, busy: [booked] })],
      monday,
    );
    expect(starts(slots)).toEqual(['2027-06-07T09:00Z', '2027-06-07T11:00Z', '2027-06-07T11:30Z']);
  });

  it('allows touching: a slot may end where a booking starts and start where it ends', () => {
    const slots = findSlots(rules(), [provider({ weekly: nineToTwelve, busy: [busy('2027-06-07T10:00Z', '2027-06-07T10:30Z')] })], monday);
    expect(starts(slots)).toEqual([
      '2027-06-07T09:00Z',
      '2027-06-07T09:30Z',
      '2027-06-07T10:30Z',
      '2027-06-07T11:00Z',
      '2027-06-07T11:30Z',
    ]);
  });

  it("pads each booking by its own service's buffers, whatever this service uses", () => {
    const booked = busy('2027-06-07T10:00Z', '2027-06-07T10:30Z', { serviceId: 'other', bufferAfterMinutes: 30 });
    const slots = findSlots(rules(), [provider({ weekly: nineToTwelve, busy: [booked] })], monday);
    expect(starts(slots)).toEqual(['2027-06-07T09:00Z', '2027-06-07T09:30Z', '2027-06-07T11:00Z', '2027-06-07T11:30Z']);
  });

  it('lets buffers reach outside working hours but still respects bookings there', () => {
    const early = busy('2027-06-07T08:00Z', '2027-06-07T08:45Z');
    const slots = findSlots(
      rules({ bufferBeforeMinutes: 30, bufferAfterMinutes: 30 }),
      [provider({ weekly: { mon: [{ start: '09:00', end: '10:30' }] }, busy: [early] })],
      monday,
    );
    // 09:00 would need 08:30-10:00 free (the 08:00-08:45 booking is in it); 10:00's buffer runs to 11:00, past the hours.
    expect(starts(slots)).toEqual(['2027-06-07T09:30Z', '2027-06-07T10:00Z']);
  });
});

describe('findSlots: notice, booking window and search window', () => {
  it('offers nothing inside the minimum notice, keeping the alignment after it', () => {
    const slots = findSlots(
      rules({ minimumNoticeMinutes: 60 }),
      [provider({ weekly: nineToTwelve })],
      window('2027-06-07T00:00Z', '2027-06-08T00:00Z', '2027-06-07T08:50Z'),
    );
    expect(starts(slots)[0]).toBe('2027-06-07T10:00Z');
  });

  it('offers a start exactly at now + notice', () => {
    const slots = findSlots(
      rules({ minimumNoticeMinutes: 60 }),
      [provider({ weekly: nineToTwelve })],
      window('2027-06-07T00:00Z', '2027-06-08T00:00Z', '2027-06-07T08:00Z'),
    );
    expect(starts(slots)[0]).toBe('2027-06-07T09:00Z');
  });

  it('offers starts up to and including now + bookingWindowDays × 24 h', () => {
    const slots = findSlots(
      rules({ bookingWindowDays: 1 }),
      [provider({ weekly: nineToTwelve })],
      window('2027-06-07T00:00Z', '2027-06-08T00:00Z', '2027-06-06T09:30Z'),
    );
    expect(starts(slots)).toEqual(['2027-06-07T09:00Z', '2027-06-07T09:30Z']);
  });

  it('bounds starts by the window: from inclusive, to exclusive', () => {
    const p = provider({ weekly: nineToTwelve });
    expect(starts(findSlots(rules(), [p], window('2027-06-07T09:00Z', '2027-06-07T10:00Z')))).toEqual([
      '2027-06-07T09:00Z',
      '2027-06-07T09:30Z',
    ]);
    expect(
      starts(findSlots(rules(), [p], { ...window('2027-06-07T09:00Z', '2027-06-07T10:00Z'), from: at('2027-06-07T09:00Z') + 1 })),
    ).toEqual(['2027-06-07T09:30Z']);
  });

  it('returns nothing for an empty or inverted window', () => {
    const p = provider({ weekly: nineToTwelve });
    expect(findSlots(rules(), [p], window('2027-06-07T10:00Z', '2027-06-07T10:00Z'))).toEqual([]);
    expect(findSlots(rules(), [p], window('2027-06-07T11:00Z', '2027-06-07T10:00Z'))).toEqual([]);
  });
});

describe('findSlots: per-day limit', () => {
  const week = window('2027-06-07T00:00Z', '2027-06-09T00:00Z');
  const hours = { mon: [{ start: '09:00', end: '10:00' }], tue: [{ start: '09:00', end: '10:00' }] };

  it('closes a day once the provider has maxPerDayPerProvider bookings of this service that day', () => {
    const p = provider({
      weekly: hours,
      busy: [busy('2027-06-07T15:00Z', '2027-06-07T15:30Z'), busy('2027-06-07T16:00Z', '2027-06-07T16:30Z')],
    });
    expect(starts(findSlots(rules({ maxPerDayPerProvider: 2 }), [p], week))).toEqual(['2027-06-08T09:00Z', '2027-06-08T09:30Z']);
    expect(starts(findSlots(rules({ maxPerDayPerProvider: 3 }), [p], week))).toHaveLength(4);
  });

  it("counts only this service's bookings", () => {
    const p = provider({
      weekly: hours,
      busy: [
        busy('2027-06-07T15:00Z', '2027-06-07T15:30Z', { serviceId: 'other' }),
        busy('2027-06-07T16:00Z', '2027-06-07T16:30Z', { serviceId: 'other' }),
        busy('2027-06-07T17:00Z', '2027-06-07T17:30Z'),
      ],
    });
    expect(starts(findSlots(rules({ maxPerDayPerProvider: 2 }), [p], week))).toHaveLength(4);
  });

  it("counts per local day of the provider's zone", () => {
    // 02:00Z on Tuesday is still Monday 22:00 in New York.
    const p = provider({ timeZone: 'America/New_York', weekly: hours, busy: [busy('2027-06-08T02:00Z', '2027-06-08T02:30Z')] });
    const slots = findSlots(rules({ maxPerDayPerProvider: 1 }), [p], window('2027-06-07T04:00Z', '2027-06-09T04:00Z'));
    expect(starts(slots)).toEqual(['2027-06-08T13:00Z', '2027-06-08T13:30Z']);
  });
});

describe('findSlots: date overrides and 24:00', () => {
  it('replaces the weekly hours of a date with its override', () => {
    const p = provider({ weekly: nineToTwelve, overrides: { '2027-06-07': [{ start: '14:00', end: '15:00' }] } });
    expect(starts(findSlots(rules(), [p], monday))).toEqual(['2027-06-07T14:00Z', '2027-06-07T14:30Z']);
  });

  it('treats an empty override as a day off', () => {
    const p = provider({ weekly: nineToTwelve, overrides: { '2027-06-07': [] } });
    expect(findSlots(rules(), [p], monday)).toEqual([]);
  });

  it('opens a closed weekday through an override', () => {
    const p = provider({ weekly: nineToTwelve, overrides: { '2027-06-06': [{ start: '10:00', end: '11:00' }] } });
    const slots = findSlots(rules(), [p], window('2027-06-06T00:00Z', '2027-06-08T00:00Z'));
    expect(starts(slots)).toHaveLength(8);
    expect(starts(slots).slice(0, 2)).toEqual(['2027-06-06T10:00Z', '2027-06-06T10:30Z']);
  });

  it('reads 24:00 as the midnight that ends the day, in the schedule zone', () => {
    const p = provider({ timeZone: 'America/New_York', weekly: { mon: [{ start: '22:00', end: '24:00' }] } });
    const slots = findSlots(rules({ durationMinutes: 60, slotIntervalMinutes: 60 }), [p], window('2027-06-07T00:00Z', '2027-06-09T00:00Z'));
    expect(slots.map((s) => [iso(s.start), iso(s.end)])).toEqual([
      ['2027-06-08T02:00Z', '2027-06-08T03:00Z'],
      ['2027-06-08T03:00Z', '2027-06-08T04:00Z'],
    ]);
  });
});

describe('findSlots: several providers', () => {
  it('lists each start once with exactly the free providers, sorted lexically', () => {
    const b = provider({ providerId: 'b', weekly: { mon: [{ start: '09:00', end: '10:00' }] } });
    const a = provider({
      providerId: 'a',
      weekly: { mon: [{ start: '09:30', end: '10:30' }] },
      busy: [busy('2027-06-07T10:00Z', '2027-06-07T10:30Z')],
    });
    const upper = provider({ providerId: 'B', weekly: { mon: [{ start: '09:30', end: '10:00' }] } });
    const closed = provider({ providerId: 'c' });
    const slots = findSlots(rules(), [b, a, closed, upper], monday);
    expect(slots.map((s) => [iso(s.start), s.providerIds])).toEqual([
      ['2027-06-07T09:00Z', ['b']],
      ['2027-06-07T09:30Z', ['B', 'a', 'b']],
    ]);
  });

  it('does not list a start no provider can take', () => {
    const p = provider({ weekly: nineToTwelve, busy: [busy('2027-06-07T09:00Z', '2027-06-07T12:00Z')] });
    expect(findSlots(rules(), [p], monday)).toEqual([]);
  });
});

describe('isSlotOffered', () => {
  const p = provider({ weekly: nineToTwelve, busy: [busy('2027-06-07T10:00Z', '2027-06-07T10:30Z')] });
  const now = at('2027-06-01T00:00Z');

  it('accepts an offered start and rejects taken, misaligned or out-of-hours ones', () => {
    expect(isSlotOffered(rules(), p, at('2027-06-07T09:30Z'), now)).toBe(true);
    expect(isSlotOffered(rules(), p, at('2027-06-07T10:00Z'), now)).toBe(false);
    expect(isSlotOffered(rules(), p, at('2027-06-07T09:15Z'), now)).toBe(false);
    expect(isSlotOffered(rules(), p, at('2027-06-07T12:00Z'), now)).toBe(false);
  });

  it('rejects a start inside the notice or beyond the booking window', () => {
    expect(isSlotOffered(rules({ minimumNoticeMinutes: 60 }), p, at('2027-06-07T09:30Z'), at('2027-06-07T08:45Z'))).toBe(false);
    expect(isSlotOffered(rules({ bookingWindowDays: 5 }), p, at('2027-06-07T09:30Z'), now)).toBe(false);
  });
});

describe('findSlots: input it cannot work with', () => {
  it('throws a RangeError for an unknown zone or a malformed wall time', () => {
    expect(() => findSlots(rules(), [provider({ timeZone: 'Mars/Olympus', weekly: nineToTwelve })], monday)).toThrow(RangeError);
    expect(() => findSlots(rules(), [provider({ weekly: { mon: [{ start: '9:00', end: '12:00' }] } })], monday)).toThrow(RangeError);
  });
});
