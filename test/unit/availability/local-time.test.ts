import {
  dateOfDay,
  dayOfDate,
  localDateOf,
  localDayBounds,
  localWallTimeToInstant,
  parseWallTime,
} from '../../../shared/domain/availability/local-time';
import { at, iso } from './fixtures';

describe('localWallTimeToInstant', () => {
  it.each([
    ['2027-03-14', '02:30', 'America/New_York', '2027-03-14T07:00Z'], // skipped: the transition, not 03:30
    ['2027-03-14', '03:00', 'America/New_York', '2027-03-14T07:00Z'],
    ['2027-03-14', '01:59', 'America/New_York', '2027-03-14T06:59Z'],
    ['2027-11-07', '01:30', 'America/New_York', '2027-11-07T05:30Z'], // repeated: first occurrence (EDT)
    ['2027-11-07', '02:00', 'America/New_York', '2027-11-07T07:00Z'],
    ['2027-03-28', '02:30', 'Europe/Berlin', '2027-03-28T01:00Z'],
    ['2027-10-31', '02:30', 'Europe/Berlin', '2027-10-31T00:30Z'],
    ['2027-04-04', '01:45', 'Australia/Lord_Howe', '2027-04-03T14:45Z'], // 30-minute fall back
    ['2027-10-03', '02:15', 'Australia/Lord_Howe', '2027-10-02T15:30Z'], // 30-minute gap
    ['2027-09-05', '00:00', 'America/Santiago', '2027-09-05T04:00Z'], // midnight itself is skipped
    ['2027-06-07', '24:00', 'Asia/Kolkata', '2027-06-07T18:30Z'],
  ])('%s %s in %s is %s', (date, time, zone, expected) => {
    expect(iso(localWallTimeToInstant(date, time, zone))).toBe(expected);
  });

  it('rejects malformed dates and wall times', () => {
    expect(() => localWallTimeToInstant('2027-02-30', '09:00', 'UTC')).toThrow(RangeError);
    expect(() => localWallTimeToInstant('2027-02-03', '24:01', 'UTC')).toThrow(RangeError);
    expect(() => parseWallTime('9:00')).toThrow(RangeError);
    expect(parseWallTime('24:00')).toBe(1440);
    expect(parseWallTime('23:59')).toBe(1439);
  });
});

describe('localDayBounds and localDateOf', () => {
  it('gives 23-, 25- and 24-hour days around DST changes', () => {
    const hours = (date: string, zone: string) => {
      const { start, end } = localDayBounds(date, zone);
      return [iso(start), (end - start) / 3_600_000];
    };
    expect(hours('2027-03-14', 'America/New_York')).toEqual(['2027-03-14T05:00Z', 23]);
    expect(hours('2027-11-07', 'America/New_York')).toEqual(['2027-11-07T04:00Z', 25]);
    expect(hours('2027-11-08', 'America/New_York')).toEqual(['2027-11-08T05:00Z', 24]);
    expect(hours('2027-04-03', 'America/Santiago')).toEqual(['2027-04-03T03:00Z', 25]);
  });

  it("names the provider's local date of an instant", () => {
    expect(localDateOf(at('2027-06-08T02:00Z'), 'America/New_York')).toBe('2027-06-07');
    expect(localDateOf(at('2027-06-07T18:30Z'), 'Asia/Kolkata')).toBe('2027-06-08');
    expect(localDateOf(at('2027-06-07T18:29Z'), 'Asia/Kolkata')).toBe('2027-06-07');
    // Santiago's repeated hour 23:00-24:00 (second pass, after 03:00Z) still belongs to 3 April.
    expect(localDateOf(at('2027-04-04T03:30Z'), 'America/Santiago')).toBe('2027-04-03');
  });
});

describe('dayOfDate', () => {
  it('reads years before 100 as themselves (Date.UTC would map them to 1900+)', () => {
    expect(dateOfDay(dayOfDate('0050-03-01'))).toBe('0050-03-01');
    expect(dayOfDate('0050-03-01')).toBeLessThan(dayOfDate('1950-03-01'));
    expect(() => dayOfDate('0050-02-29')).toThrow(RangeError);
  });
});
