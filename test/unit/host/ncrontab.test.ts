import { NcrontabSchedule, resolveSchedule } from '../../../dev/host/ncrontab';
import { retryPolicyFrom } from '../../../dev/host/retry';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('NCRONTAB schedules', () => {
  it('reads six fields with seconds first', () => {
    const everyFiveMinutes = NcrontabSchedule.parse('0 */5 * * * *');
    expect(iso(everyFiveMinutes.next(at('2025-03-01T10:02:30Z')))).toBe('2025-03-01T10:05:00.000Z');
    const everyTenSeconds = NcrontabSchedule.parse('*/10 * * * * *');
    expect(iso(everyTenSeconds.next(at('2025-03-01T10:02:31Z')))).toBe('2025-03-01T10:02:40.000Z');
  });

  it('gives the occurrence strictly after the instant, even when the instant is an occurrence', () => {
    const hourly = NcrontabSchedule.parse('0 0 * * * *');
    expect(iso(hourly.next(at('2025-03-01T10:00:00Z')))).toBe('2025-03-01T11:00:00.000Z');
    expect(iso(hourly.next(at('2025-03-01T10:59:59.999Z')))).toBe('2025-03-01T11:00:00.000Z');
  });

  it('gives the last occurrence at or before an instant', () => {
    const hourly = NcrontabSchedule.parse('0 0 * * * *');
    expect(iso(hourly.previous(at('2025-03-01T10:00:00Z')))).toBe('2025-03-01T10:00:00.000Z');
    expect(iso(hourly.previous(at('2025-03-01T10:59:59Z')))).toBe('2025-03-01T10:00:00.000Z');
  });

  it('treats five fields as second 0', () => {
    const daily = NcrontabSchedule.parse('30 9 * * 1-5');
    expect(iso(daily.next(at('2025-03-01T00:00:00Z')))).toBe('2025-03-03T09:30:00.000Z'); // Saturday -> Monday
  });

  it('counts occurrences in a window, up to a limit', () => {
    const hourly = NcrontabSchedule.parse('0 0 * * * *');
    expect(hourly.occurrencesBetween(at('2025-03-01T10:00:00Z'), at('2025-03-01T10:59:59Z'))).toBe(0);
    expect(hourly.occurrencesBetween(at('2025-03-01T10:00:00Z'), at('2025-03-01T11:00:00Z'))).toBe(1);
    expect(hourly.occurrencesBetween(at('2025-03-01T10:00:00Z'), at('2025-03-01T15:00:00Z'), 10)).toBe(5);
  });

  it('evaluates in WEBSITE_TIME_ZONE, across a DST change', () => {
    const nineInBerlin = NcrontabSchedule.parse('0 0 9 * * *', 'Europe/Berlin');
    expect(iso(nineInBerlin.next(at('2025-03-29T12:00:00Z')))).toBe('2025-03-30T07:00:00.000Z'); // CEST
    expect(iso(nineInBerlin.next(at('2025-03-28T12:00:00Z')))).toBe('2025-03-29T08:00:00.000Z'); // CET
  });

  it('rejects what is not an NCRONTAB expression', () => {
    expect(() => NcrontabSchedule.parse('every hour')).toThrow(/NCRONTAB/);
    expect(() => NcrontabSchedule.parse('0 0 * * * * *')).toThrow(/NCRONTAB/);
    expect(() => NcrontabSchedule.parse('61 0 * * * *')).toThrow(/61/);
  });

  it('resolves %Setting% schedules from app settings', () => {
    expect(resolveSchedule('%PURGE_SCHEDULE%', { PURGE_SCHEDULE: '0 0 3 * * *' })).toBe('0 0 3 * * *');
    expect(resolveSchedule('0 0 3 * * *', {})).toBe('0 0 3 * * *');
    expect(() => resolveSchedule('%MISSING%', {})).toThrow(/MISSING/);
  });
});

describe('retry options of timer functions', () => {
  it('waits a fixed delay between retries', () => {
    const policy = retryPolicyFrom({ retryStrategy: 'fixedDelay', maxRetryCount: 3, delayInterval: { seconds: 2 } });
    expect(policy?.maxRetryCount).toBe(3);
    expect([1, 2, 3].map((n) => policy!.delayMs(n))).toEqual([2000, 2000, 2000]);
  });

  it('doubles from the minimum up to the maximum for exponential backoff', () => {
    const policy = retryPolicyFrom({
      retryStrategy: 'exponentialBackoff',
      maxRetryCount: -1,
      minimumInterval: { seconds: 1 },
      maximumInterval: { seconds: 5 },
    });
    expect(policy?.maxRetryCount).toBe(-1);
    expect([1, 2, 3, 4].map((n) => policy!.delayMs(n))).toEqual([1000, 2000, 4000, 5000]);
  });

  it('means no retry without options or with zero retries, and refuses unknown strategies', () => {
    expect(retryPolicyFrom(undefined)).toBeUndefined();
    expect(retryPolicyFrom({ retryStrategy: 'fixedDelay', maxRetryCount: 0, delayInterval: { seconds: 1 } })).toBeUndefined();
    expect(() => retryPolicyFrom({ retryStrategy: 'sometimes', maxRetryCount: 1 })).toThrow(/sometimes/);
  });
});
