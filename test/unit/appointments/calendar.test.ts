import ical from 'node-ical';
import { buildCalendar } from '../../../shared/domain/appointments/calendar';

const base = {
  id: 'appt1',
  start: Date.parse('2027-03-15T14:00:00Z'),
  end: Date.parse('2027-03-15T14:30:00Z'),
  status: 'booked' as const,
  version: 1,
  createdAt: Date.parse('2027-03-01T10:00:00Z'),
  updatedAt: Date.parse('2027-03-01T10:00:00Z'),
};

function parse(text: string) {
  const parsed = ical.sync.parseICS(text);
  return Object.values(parsed).filter((c) => c?.type === 'VEVENT') as Array<Record<string, unknown>>;
}

describe('appointment calendar', () => {
  it('is a valid iCalendar event in UTC with the zone named', () => {
    const text = buildCalendar(
      [
        {
          appointment: base,
          title: 'Checkup with Dr. Who',
          timeZone: 'America/New_York',
          joinUrl: 'https://x/api/appointments/appt1/join',
        },
      ],
      { timeZone: 'America/New_York' },
    );
    const [event] = parse(text);
    expect(event!.uid).toBe('appt1@virtual-appointments');
    expect((event!.start as Date).toISOString()).toBe('2027-03-15T14:00:00.000Z');
    expect((event!.end as Date).toISOString()).toBe('2027-03-15T14:30:00.000Z');
    expect(event!.summary).toBe('Checkup with Dr. Who');
    // Issue 16: the description's date is written for the reader's language (English by default).
    expect(String(event!.description)).toMatch(/Monday, March 15, 2027, 10:00\sAM-10:30\sAM \(America\/New_York\)/u);
    expect(String(event!.description)).toContain('Join: https://x/api/appointments/appt1/join');
    expect(text).toContain('X-WR-TIMEZONE:America/New_York');
    expect(text).toContain('METHOD:PUBLISH');
    expect(text).toMatch(/DTSTART:20270315T140000Z/);
  });

  it("writes the description in the reader's language, dates in its format and the zone named", () => {
    const entry = { appointment: base, title: 'Checkup bei Dr. Who', timeZone: 'Europe/Berlin', joinUrl: 'https://x/j' };
    const describe = (extra: object) =>
      String(parse(buildCalendar([{ ...entry, ...extra }], { timeZone: 'Europe/Berlin' }))[0]!.description);
    expect(describe({ language: 'de' })).toBe('Montag, 15. März 2027, 15:00-15:30 (Europe/Berlin)\nTeilnehmen: https://x/j');
    expect(describe({ language: 'fr' })).toBe('lundi 15 mars 2027, 15:00-15:30 (Europe/Berlin)\nRejoindre: https://x/j');
    expect(describe({ language: 'es' })).toBe('lunes, 15 de marzo de 2027, 15:00-15:30 (Europe/Berlin)\nUnirse: https://x/j');
    expect(describe({ language: 'de', locale: 'de-AT' })).toContain('15. März 2027');
  });

  it('keeps the UID, raises SEQUENCE after a change and cancels with METHOD:CANCEL', () => {
    const moved = buildCalendar(
      [{ appointment: { ...base, version: 2, start: base.start + 3600_000, end: base.end + 3600_000 }, title: 't', timeZone: 'UTC' }],
      { timeZone: 'UTC' },
    );
    const cancelled = buildCalendar([{ appointment: { ...base, version: 3, status: 'cancelled' }, title: 't', timeZone: 'UTC' }], {
      timeZone: 'UTC',
    });
    const [m] = parse(moved);
    const [c] = parse(cancelled);
    expect(m!.uid).toBe(c!.uid);
    expect(Number(m!.sequence)).toBe(2);
    expect(Number(c!.sequence)).toBe(3);
    expect(cancelled).toContain('METHOD:CANCEL');
    expect(c!.status).toBe('CANCELLED');
  });
  it('turns control characters and bidi overrides stored before the API refused them into spaces', () => {
    const text = buildCalendar([{ appointment: base, title: 'Checkup: Ja\rne\u0000 \u202eevil', timeZone: 'UTC' }], {
      timeZone: 'UTC',
      calendarName: 'Dr\r A',
    });
    expect(text).not.toMatch(/\r(?!\n)/);
    expect(text).not.toContain('\u0000');
    expect(text).not.toContain('\u202e');
    expect(text).toContain('SUMMARY:Checkup: Ja ne');
  });
});
