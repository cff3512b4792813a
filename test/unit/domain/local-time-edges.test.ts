import {
  dateOfDay,
  dayOfDate,
  DAY_MS,
  HOUR_MS,
  localDateOf,
  localDayBounds,
  localWallTimeToInstant,
  MINUTE_MS,
  parseWallTime,
  weekdayOfDay,
  zoneCalendar,
} from '../../../shared/domain/availability/local-time';

describe('local time edges', () => {
  it('reads every hour of the clock and rejects what is not HH:mm', () => {
    expect([MINUTE_MS, HOUR_MS, DAY_MS]).toEqual([60_000, 3_600_000, 86_400_000]);
    expect(['00:00', '09:05', '10:00', '19:59', '20:00', '23:00', '24:00'].map(parseWallTime)).toEqual([
      0, 545, 600, 1199, 1200, 1380, 1440,
    ]);
    for (const bad of ['24:30', '25:00', '09:60', '9:00', '09:5', ' 09:00', '09:00 ', 'x09:00', '09:000', ''])
      expect(() => parseWallTime(bad)).toThrow(`Not an HH:mm wall time: ${bad}`);
  });

  it('reads only whole YYYY-MM-DD dates that exist', () => {
    expect(dayOfDate('1970-01-01')).toBe(0);
    expect(dayOfDate('1970-01-02')).toBe(1);
    expect(dayOfDate('1969-12-31')).toBe(-1);
    expect(dayOfDate('2028-02-29')).toBe(dayOfDate('2028-02-28') + 1);
    for (const bad of ['2027-02-29', '2027-13-01', '2027-00-10', '2027-01-011', 'x2027-01-01', '2027-01-01x', '27-01-01', '2027-1-01'])
      expect(() => dayOfDate(bad)).toThrow(`Not a YYYY-MM-DD date: ${bad}`);
    expect(dateOfDay(-1)).toBe('1969-12-31');
  });

  it('names weekdays before and after 1970 (0 = Sunday)', () => {
    expect(weekdayOfDay(0)).toBe(4); // Thursday 1 January 1970
    expect(weekdayOfDay(3)).toBe(0);
    expect(weekdayOfDay(-1)).toBe(3);
    expect(weekdayOfDay(-4)).toBe(0);
    expect(weekdayOfDay(-7)).toBe(4);
    expect(weekdayOfDay(dayOfDate('2026-03-02'))).toBe(1);
  });

  it('puts an instant exactly at local midnight into the new day, a millisecond before into the old one', () => {
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      const { start, end } = localDayBounds('2027-06-07', zone);
      expect([localDateOf(start - 1, zone), localDateOf(start, zone), localDateOf(end - 1, zone), localDateOf(end, zone)]).toEqual([
        '2027-06-06',
        '2027-06-07',
        '2027-06-07',
        '2027-06-08',
      ]);
      expect(end - start).toBe(DAY_MS);
      expect(localWallTimeToInstant('2027-06-07', '00:00', zone)).toBe(start);
      expect(localWallTimeToInstant('2027-06-07', '24:00', zone)).toBe(end);
      expect(localWallTimeToInstant('2027-06-07', '12:30', zone)).toBe(start + 12.5 * HOUR_MS);
    }
  });

  it("resolves wall times on a transition day one by one, and the day's bounds around it", () => {
    // Berlin springs forward at 02:00 on 28 March 2027: 01:59 is UTC+1, 03:00 UTC+2
    expect(localWallTimeToInstant('2027-03-28', '01:59', 'Europe/Berlin')).toBe(Date.UTC(2027, 2, 28, 0, 59));
    expect(localWallTimeToInstant('2027-03-28', '03:00', 'Europe/Berlin')).toBe(Date.UTC(2027, 2, 28, 1, 0));
    expect(localWallTimeToInstant('2027-03-28', '24:00', 'Europe/Berlin')).toBe(Date.UTC(2027, 2, 28, 22, 0));
    expect(localDateOf(Date.UTC(2027, 2, 28, 21, 59), 'Europe/Berlin')).toBe('2027-03-28');
    expect(localDateOf(Date.UTC(2027, 2, 28, 22, 0), 'Europe/Berlin')).toBe('2027-03-29');
  });

  it('knows each zone once and refuses an unknown one', () => {
    expect(zoneCalendar('Europe/Berlin')).toBe(zoneCalendar('Europe/Berlin'));
    expect(() => zoneCalendar('Mars/Olympus')).toThrow('Unknown time zone: Mars/Olympus');
    expect(() => localDateOf(0, 'Nowhere/Else')).toThrow(RangeError);
  });
});
