import { randomUUID } from 'node:crypto';
import type { StaffCalendarEventInput, StaffCalendarPort } from '../../../shared/app/ports/staff-calendar';

export interface FakeCalendarEvent {
  id: string;
  mailbox: string;
  subject: string;
  bodyText: string;
  start: number;
  end: number;
  location?: string;
  joinUrl?: string;
  transactionId: string;
  state: 'active' | 'cancelled';
  cancelComment?: string;
}

/**
 * In-memory StaffCalendarPort; pinned to the Graph adapter (against the Graph emulator) by
 * test/support/contracts/staff-calendar.contract.ts. `beforeNext` runs a step inside the next call
 * (a fault, or a change that lands while Graph is being called).
 */
export class InMemoryStaffCalendar implements StaffCalendarPort {
  readonly events: FakeCalendarEvent[] = [];
  calls = 0;
  private hooks: Array<() => Promise<void> | void> = [];

  beforeNext(step: () => Promise<void> | void): void {
    this.hooks.push(step);
  }

  of(mailbox: string): FakeCalendarEvent[] {
    return this.events.filter((e) => e.mailbox === mailbox);
  }

  async createEvent(mailbox: string, event: StaffCalendarEventInput) {
    await this.enter();
    const existing = this.events.find((e) => e.mailbox === mailbox && e.transactionId === event.transactionId);
    const made = existing ?? {
      id: `AAMkAG${randomUUID()}=`,
      mailbox,
      subject: event.subject,
      bodyText: event.bodyText,
      start: event.start,
      end: event.end,
      ...(event.location ? { location: event.location } : {}),
      ...(event.teamsMeeting ? { joinUrl: `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${randomUUID()}%40thread.v2/0` } : {}),
      transactionId: event.transactionId,
      state: 'active' as const,
    };
    if (!existing) this.events.push(made);
    return { id: made.id, ...(made.joinUrl ? { joinUrl: made.joinUrl } : {}) };
  }

  async updateEvent(mailbox: string, eventId: string, changes: Pick<StaffCalendarEventInput, 'start' | 'end' | 'subject' | 'bodyText'>) {
    await this.enter();
    const event = this.live(mailbox, eventId);
    if (!event) return false;
    Object.assign(event, changes);
    return true;
  }

  async cancelEvent(mailbox: string, eventId: string, comment: string) {
    await this.enter();
    const event = this.live(mailbox, eventId);
    if (event) Object.assign(event, { state: 'cancelled', cancelComment: comment });
  }

  private live(mailbox: string, eventId: string): FakeCalendarEvent | undefined {
    return this.events.find((e) => e.mailbox === mailbox && e.id === eventId && e.state === 'active');
  }

  private async enter(): Promise<void> {
    this.calls += 1;
    const hook = this.hooks.shift();
    if (hook) await hook();
  }
}
