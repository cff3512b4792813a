import { parseExpression } from 'cron-parser';

/**
 * A timer trigger's NCRONTAB schedule: six fields with seconds first (`0 0 * * * *` is hourly), as the Functions
 * runtime reads it; five fields mean second 0. Evaluated in UTC unless WEBSITE_TIME_ZONE names a zone.
 */
export class NcrontabSchedule {
  private constructor(
    readonly expression: string,
    private readonly timeZone: string,
  ) {}

  static parse(expression: string, timeZone = 'UTC'): NcrontabSchedule {
    const fields = expression.trim().split(/\s+/);
    if (fields.length !== 5 && fields.length !== 6) {
      throw new Error(`Timer schedule "${expression}" is not an NCRONTAB expression (6 fields, seconds first)`);
    }
    const normalized = fields.length === 5 ? `0 ${fields.join(' ')}` : fields.join(' ');
    try {
      parseExpression(normalized, { tz: timeZone });
    } catch (error) {
      throw new Error(`Timer schedule "${expression}": ${(error as Error).message}`);
    }
    return new NcrontabSchedule(normalized, timeZone);
  }

  /** The first occurrence strictly after `after` (epoch ms). */
  next(after: number): number {
    return parseExpression(this.expression, { currentDate: new Date(after), tz: this.timeZone })
      .next()
      .getTime();
  }

  /** The last occurrence at or before `atOrBefore` (epoch ms). */
  previous(atOrBefore: number): number {
    return parseExpression(this.expression, { currentDate: new Date(atOrBefore + 1), tz: this.timeZone })
      .prev()
      .getTime();
  }

  /** How many occurrences fall in (from, to], counting at most `limit`. */
  occurrencesBetween(from: number, to: number, limit = 2): number {
    const iterator = parseExpression(this.expression, { currentDate: new Date(from), endDate: new Date(to + 1), tz: this.timeZone });
    let count = 0;
    while (count < limit && iterator.hasNext()) {
      iterator.next();
      count += 1;
    }
    return count;
  }
}

/** Resolves `%SettingName%` schedules from app settings, as the runtime does. */
export function resolveSchedule(schedule: string, env: Record<string, string | undefined>): string {
  const setting = /^%(.+)%$/.exec(schedule.trim());
  if (!setting) return schedule;
  const value = env[setting[1]!];
  if (!value) throw new Error(`Timer schedule refers to app setting ${setting[1]}, which is not set`);
  return value;
}
