import type { StaffCalendarPort } from '../../../shared/app/ports/staff-calendar';

export interface StaffCalendarSubject {
  calendar: StaffCalendarPort;
  /** A mailbox of its own, reachable by the app. */
  newMailbox(): Promise<string>;
  /** What the calendar holds, cancelled events included. */
  events(mailbox: string): Promise<
    Array<{
      id: string;
      start: number;
      end: number;
      joinUrl?: string;
      location?: string;
      state: 'active' | 'cancelled';
      cancelComment?: string;
    }>
  >;
}

const start = Date.UTC(2031, 2, 4, 9);
const end = start + 30 * 60_000;
const input = (transactionId: string, teamsMeeting = true) => ({
  subject: 'Consultation: Kim',
  bodyText: 'Booked online',
  start,
  end,
  teamsMeeting,
  transactionId,
});

/** What every StaffCalendarPort does; runs against InMemoryStaffCalendar and the Graph adapter on the Graph emulator. */
export function staffCalendarContract(make: () => Promise<StaffCalendarSubject>): void {
  it('makes a Teams meeting (with a join URL) or a plain event with a location', async () => {
    const { calendar, newMailbox, events } = await make();
    const mailbox = await newMailbox();
    const teams = await calendar.createEvent(mailbox, input('c-1'));
    const plain = await calendar.createEvent(mailbox, { ...input('c-2', false), location: 'https://app.example/join' });
    expect(teams.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
    expect(plain.joinUrl).toBeUndefined();
    const held = await events(mailbox);
    expect(held.map((e) => ({ id: e.id, start: e.start, end: e.end, state: e.state }))).toEqual([
      { id: teams.id, start, end, state: 'active' },
      { id: plain.id, start, end, state: 'active' },
    ]);
    expect(held[1]!.location).toBe('https://app.example/join');
  });

  it('answers the first event to a create repeated with the same transactionId', async () => {
    const { calendar, newMailbox, events } = await make();
    const mailbox = await newMailbox();
    const first = await calendar.createEvent(mailbox, input('t-1'));
    expect(await calendar.createEvent(mailbox, input('t-1'))).toEqual(first);
    expect(await events(mailbox)).toHaveLength(1);
  });

  it('updates the time of a live event, and answers false for one that is gone', async () => {
    const { calendar, newMailbox, events } = await make();
    const mailbox = await newMailbox();
    const made = await calendar.createEvent(mailbox, input('u-1'));
    await expect(
      calendar.updateEvent(mailbox, made.id, { subject: 's', bodyText: 'b', start: start + 3_600_000, end: end + 3_600_000 }),
    ).resolves.toBe(true);
    expect((await events(mailbox))[0]).toMatchObject({ start: start + 3_600_000, end: end + 3_600_000, joinUrl: made.joinUrl });
    await calendar.cancelEvent(mailbox, made.id, 'gone');
    await expect(calendar.updateEvent(mailbox, made.id, { subject: 's', bodyText: 'b', start, end })).resolves.toBe(false);
  });

  it('cancels with the comment; cancelling an event that is gone is done', async () => {
    const { calendar, newMailbox, events } = await make();
    const mailbox = await newMailbox();
    const made = await calendar.createEvent(mailbox, input('x-1'));
    await calendar.cancelEvent(mailbox, made.id, 'Cancelled: ill');
    await expect(calendar.cancelEvent(mailbox, made.id, 'again')).resolves.toBeUndefined();
    expect(await events(mailbox)).toEqual([expect.objectContaining({ id: made.id, state: 'cancelled', cancelComment: 'Cancelled: ill' })]);
  });
}
