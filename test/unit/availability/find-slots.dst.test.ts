import { findSlots } from '../../../shared/domain/availability/find-slots';
import type { WallInterval } from '../../../shared/domain/availability/types';
import { provider, rules, starts, window } from './fixtures';

/** Slot starts of a Saturday + Sunday schedule around a DST change (2027's changes all fall on Sundays). */
function weekendStarts(
  timeZone: string,
  intervals: { sat?: WallInterval[]; sun?: WallInterval[] },
  from: string,
  to: string,
  durationMinutes = 30,
): string[] {
  const p = provider({ timeZone, weekly: intervals });
  return starts(findSlots(rules({ durationMinutes, slotIntervalMinutes: durationMinutes }), [p], window(from, to)));
}

const nine = [{ start: '09:00', end: '10:00' }];

describe('America/New_York, spring forward (2027-03-14, 02:00 EST -> 03:00 EDT at 07:00Z)', () => {
  const from = '2027-03-13T00:00Z';
  const to = '2027-03-15T00:00Z';

  it('keeps 09:00 local on both sides of the change', () => {
    expect(weekendStarts('America/New_York', { sat: nine, sun: nine }, from, to, 60)).toEqual(['2027-03-13T14:00Z', '2027-03-14T13:00Z']);
  });

  it('starts a schedule that begins in the skipped hour at the transition (03:00 EDT, not 03:30)', () => {
    expect(weekendStarts('America/New_York', { sun: [{ start: '02:30', end: '04:00' }] }, from, to)).toEqual([
      '2027-03-14T07:00Z',
      '2027-03-14T07:30Z',
    ]);
  });

  it('ends a schedule that ends in the skipped hour at the transition', () => {
    expect(weekendStarts('America/New_York', { sun: [{ start: '01:00', end: '02:30' }] }, from, to)).toEqual([
      '2027-03-14T06:00Z',
      '2027-03-14T06:30Z',
    ]);
  });

  it('offers nothing in a schedule that lies wholly in the skipped hour', () => {
    expect(weekendStarts('America/New_York', { sun: [{ start: '02:00', end: '02:45' }] }, from, to)).toEqual([]);
  });

  it('splits at the transition when two intervals meet inside the skipped hour', () => {
    const split = [
      { start: '01:30', end: '02:15' },
      { start: '02:15', end: '03:30' },
    ];
    expect(weekendStarts('America/New_York', { sun: split }, from, to)).toEqual(['2027-03-14T06:30Z', '2027-03-14T07:00Z']);
  });
});

describe('America/New_York, fall back (2027-11-07, 02:00 EDT -> 01:00 EST at 06:00Z)', () => {
  const from = '2027-11-06T00:00Z';
  const to = '2027-11-08T00:00Z';

  it('keeps 09:00 local on both sides of the change', () => {
    expect(weekendStarts('America/New_York', { sat: nine, sun: nine }, from, to, 60)).toEqual(['2027-11-06T13:00Z', '2027-11-07T14:00Z']);
  });

  it('starts a schedule at the first 01:30 (EDT) and aligns slots in elapsed time through the repeated hour', () => {
    expect(weekendStarts('America/New_York', { sun: [{ start: '01:30', end: '03:00' }] }, from, to)).toEqual([
      '2027-11-07T05:30Z',
      '2027-11-07T06:00Z',
      '2027-11-07T06:30Z',
      '2027-11-07T07:00Z',
      '2027-11-07T07:30Z',
    ]);
  });

  it('ends a schedule that ends in the repeated hour at its first occurrence', () => {
    expect(weekendStarts('America/New_York', { sun: [{ start: '00:00', end: '01:30' }] }, from, to)).toEqual([
      '2027-11-07T04:00Z',
      '2027-11-07T04:30Z',
      '2027-11-07T05:00Z',
    ]);
  });
});

describe('Europe/Berlin, spring forward (2027-03-28, 02:00 CET -> 03:00 CEST at 01:00Z)', () => {
  const from = '2027-03-27T00:00Z';
  const to = '2027-03-29T00:00Z';

  it('keeps 09:00 local on both sides of the change', () => {
    expect(weekendStarts('Europe/Berlin', { sat: nine, sun: nine }, from, to, 60)).toEqual(['2027-03-27T08:00Z', '2027-03-28T07:00Z']);
  });

  it('moves a start in the skipped hour to the transition', () => {
    expect(weekendStarts('Europe/Berlin', { sun: [{ start: '02:15', end: '03:30' }] }, from, to)).toEqual(['2027-03-28T01:00Z']);
  });

  it('moves an end in the skipped hour to the transition', () => {
    expect(weekendStarts('Europe/Berlin', { sun: [{ start: '01:00', end: '02:30' }] }, from, to)).toEqual([
      '2027-03-28T00:00Z',
      '2027-03-28T00:30Z',
    ]);
  });
});

describe('Europe/Berlin, fall back (2027-10-31, 03:00 CEST -> 02:00 CET at 01:00Z)', () => {
  const from = '2027-10-30T00:00Z';
  const to = '2027-11-01T00:00Z';

  it('keeps 09:00 local on both sides of the change', () => {
    expect(weekendStarts('Europe/Berlin', { sat: nine, sun: nine }, from, to, 60)).toEqual(['2027-10-30T07:00Z', '2027-10-31T08:00Z']);
  });

  it('starts a schedule in the repeated hour at its first occurrence (CEST)', () => {
    expect(weekendStarts('Europe/Berlin', { sun: [{ start: '02:30', end: '04:00' }] }, from, to, 60)).toEqual([
      '2027-10-31T00:30Z',
      '2027-10-31T01:30Z',
    ]);
  });

  it('ends a schedule in the repeated hour at its first occurrence', () => {
    expect(weekendStarts('Europe/Berlin', { sun: [{ start: '01:00', end: '02:30' }] }, from, to)).toEqual([
      '2027-10-30T23:00Z',
      '2027-10-30T23:30Z',
      '2027-10-31T00:00Z',
    ]);
  });
});
