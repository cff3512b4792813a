import type { Appointment } from '../../../shared/domain/appointments/appointment';
import type {
  AppointmentLocation,
  AppointmentPageQuery,
  AppointmentStore,
  BookingState,
  DayRow,
  MovedAppointmentRetirement,
  OutboxMessage,
  ProviderCommit,
} from '../../../shared/app/ports/appointment-store';
import type {
  DateRange,
  OverrideRecord,
  ProviderCalendar,
  ProviderCalendarRepository,
  ScheduleRecord,
} from '../../../shared/app/ports/provider-calendar-repository';
import { mergeBusy } from '../../../shared/domain/appointments/busy-days';
import type { BusyAppointment } from '../../../shared/domain/availability/types';
import { WriteConflictError, type Versioned } from '../../../shared/app/ports/versioned';
import { nextEtag, stored } from './etags';

type Row =
  | { kind: 'schedule'; value: ScheduleRecord }
  | { kind: 'override'; value: OverrideRecord }
  | { kind: 'day'; busy: BusyAppointment[] }
  | { kind: 'appointment'; value: Appointment; movedToProviderId?: string }
  | { kind: 'by-start'; value: Appointment }
  | { kind: 'outbox'; value: OutboxMessage };

type Stored = Row & { etag: string };

/** One step of a transaction, checked like a Table Storage entity-group transaction action. */
type Action =
  | { op: 'create'; key: string; row: Row }
  | { op: 'replace'; key: string; row: Row; etag: string }
  | { op: 'upsert'; key: string; row: Row }
  | { op: 'delete'; key: string };

const partition = (location: AppointmentLocation) => `${location.businessId}|${location.providerId}`;
const padded = (start: number) => String(start).padStart(15, '0');
const byStartKey = (start: number, id: string) => `at|${padded(start)}|${id}`;

/**
 * In-memory AppointmentStore (plus the schedule and override rows it reads, which the calendar
 * repository writes in the same partition). It keeps the real store's row layout per provider
 * partition and applies each commit as one all-or-nothing transaction with the same ETag rules, so
 * races lose the way they do on Table Storage. Pinned to TableAppointmentStore by
 * test/support/contracts/appointment-store.contract.ts.
 */
export class InMemoryAppointmentStore implements AppointmentStore {
  private readonly partitions = new Map<string, Map<string, Stored>>();
  private readonly pointers = new Map<string, AppointmentLocation>();
  private readonly dirty = new Map<string, AppointmentLocation & { marker: string }>();
  /** Commits seen (successful or not), for tests that count round trips. */
  commits = 0;

  private rows(location: AppointmentLocation): Map<string, Stored> {
    let rows = this.partitions.get(partition(location));
    if (!rows) {
      rows = new Map();
      this.partitions.set(partition(location), rows);
    }
    return rows;
  }

  /** Seeds a provider's weekly hours (the calendar repository's write). */
  async saveSchedule(record: ScheduleRecord): Promise<void> {
    this.rows(record).set('schedule', { kind: 'schedule', value: stored(record), etag: nextEtag() });
  }

  /** Seeds a date override (the calendar repository's write). */
  async saveOverride(record: OverrideRecord): Promise<void> {
    this.rows(record).set(`override|${record.date}`, { kind: 'override', value: stored(record), etag: nextEtag() });
  }

  /**
   * The ProviderCalendarRepository over the same partitions (as TableProviderCalendarRepository shares
   * the `scheduling` table with TableAppointmentStore); pinned by provider-calendar-repository.contract.ts.
   */
  calendarRepository(): ProviderCalendarRepository {
    const versioned = <T>(location: AppointmentLocation, key: string): Versioned<T> | undefined => {
      const row = this.rows(location).get(key);
      return row && 'value' in row ? { value: stored((row as { value: unknown }).value as T), etag: row.etag } : undefined;
    };
    const save = (location: AppointmentLocation, key: string, row: Row, etag: string | undefined) =>
      this.transact(location, [etag === undefined ? { op: 'create', key, row } : { op: 'replace', key, row, etag }]);
    const overridesIn = (location: AppointmentLocation, range: DateRange) =>
      sorted(this.rows(location))
        .filter(([, row]) => row.kind === 'override' && row.value.date >= range.from && row.value.date < range.to)
        .map(([, row]) => stored((row as { value: OverrideRecord }).value));
    return {
      getSchedule: async (businessId, providerId) => versioned<ScheduleRecord>({ businessId, providerId }, 'schedule'),
      saveSchedule: async (record, etag) => save(record, 'schedule', { kind: 'schedule', value: record }, etag),
      getOverride: async (businessId, providerId, date) => versioned<OverrideRecord>({ businessId, providerId }, `override|${date}`),
      saveOverride: async (record, etag) => save(record, `override|${record.date}`, { kind: 'override', value: record }, etag),
      deleteOverride: async (businessId, providerId, date) => void this.rows({ businessId, providerId }).delete(`override|${date}`),
      listOverrides: async (businessId, providerId, range) => overridesIn({ businessId, providerId }, range),
      readCalendar: async (businessId, providerId, ranges) => {
        const location = { businessId, providerId };
        const schedule = versioned<ScheduleRecord>(location, 'schedule')?.value;
        const days = sorted(this.rows(location)).filter(
          ([key, row]) =>
            row.kind === 'day' && key.slice('day|'.length) >= ranges.busyDays.from && key.slice('day|'.length) < ranges.busyDays.to,
        );
        const calendar: ProviderCalendar = {
          overrides: overridesIn(location, ranges.overrides),
          busy: mergeBusy(days.map(([, row]) => stored((row as { busy: BusyAppointment[] }).busy))),
        };
        return schedule ? { schedule, ...calendar } : calendar;
      },
    };
  }

  async readBookingState(
    businessId: string,
    providerId: string,
    ranges: { localDates: { from: string; to: string }; utcDates: { from: string; to: string } },
  ): Promise<BookingState> {
    const state: BookingState = { overrides: [], days: [] };
    for (const [key, row] of sorted(this.rows({ businessId, providerId }))) {
      if (row.kind === 'schedule') state.schedule = stored(row.value);
      if (row.kind === 'override' && row.value.date >= ranges.localDates.from && row.value.date < ranges.localDates.to)
        state.overrides.push(stored(row.value));
      const date = key.slice('day|'.length);
      if (row.kind === 'day' && date >= ranges.utcDates.from && date < ranges.utcDates.to)
        state.days.push({ date, busy: stored(row.busy), etag: row.etag });
    }
    return state;
  }

  async touchDays(businessId: string, providerId: string, dates: readonly string[]): Promise<void> {
    const rows = this.rows({ businessId, providerId });
    for (const date of dates) {
      const existing = rows.get(`day|${date}`);
      rows.set(`day|${date}`, { kind: 'day', busy: existing?.kind === 'day' ? existing.busy : [], etag: nextEtag() });
    }
  }

  async commit(commit: ProviderCommit): Promise<void> {
    const { value, etag, previousStart } = commit.appointment;
    const actions: Action[] = commit.days.map(dayAction);
    const row: Row = { kind: 'appointment', value };
    actions.push(etag ? { op: 'replace', key: `appt|${value.id}`, row, etag } : { op: 'create', key: `appt|${value.id}`, row });
    if (previousStart !== undefined && previousStart !== value.start)
      actions.push({ op: 'delete', key: byStartKey(previousStart, value.id) });
    actions.push({ op: 'upsert', key: byStartKey(value.start, value.id), row: { kind: 'by-start', value } });
    for (const message of commit.outbox)
      actions.push({ op: 'create', key: `outbox|${message.id}`, row: { kind: 'outbox', value: message } });
    // The real store marks the partition before its transaction, so a failed one leaves a marker too.
    if (commit.outbox.length > 0) this.markDirty(commit);
    this.commits += 1;
    this.transact(commit, actions);
  }

  async retireMovedAppointment(retired: MovedAppointmentRetirement): Promise<void> {
    const { value, etag } = retired.appointment;
    const actions: Action[] = retired.days.map(dayAction);
    actions.push({
      op: 'replace',
      key: `appt|${value.id}`,
      row: { kind: 'appointment', value, movedToProviderId: retired.movedToProviderId },
      etag,
    });
    actions.push({ op: 'delete', key: byStartKey(value.start, value.id) });
    for (const message of retired.outbox)
      actions.push({ op: 'create', key: `outbox|${message.id}`, row: { kind: 'outbox', value: message } });
    if (retired.outbox.length > 0) this.markDirty(retired);
    this.transact(retired, actions);
  }

  /** All actions are checked before any applies; one failed check fails all, as WriteConflictError. */
  private transact(location: AppointmentLocation, actions: Action[]): void {
    const rows = this.rows(location);
    for (const action of actions) {
      const existing = rows.get(action.key);
      const fails =
        (action.op === 'create' && existing !== undefined) ||
        (action.op === 'replace' && existing?.etag !== action.etag) ||
        (action.op === 'delete' && existing === undefined);
      if (fails) throw new WriteConflictError(`provider ${location.providerId} calendar`);
    }
    for (const action of actions) {
      if (action.op === 'delete') rows.delete(action.key);
      else rows.set(action.key, { ...stored(action.row), etag: nextEtag() });
    }
  }

  private markDirty(location: AppointmentLocation): void {
    this.dirty.set(partition(location), { businessId: location.businessId, providerId: location.providerId, marker: nextEtag() });
  }

  async savePointer(appointmentId: string, location: AppointmentLocation): Promise<void> {
    this.pointers.set(appointmentId, { businessId: location.businessId, providerId: location.providerId });
  }

  async find(appointmentId: string): Promise<Versioned<Appointment> | undefined> {
    const location = this.pointers.get(appointmentId);
    return location ? this.findAt(location, appointmentId) : undefined;
  }

  async findAt(location: AppointmentLocation, appointmentId: string): Promise<Versioned<Appointment> | undefined> {
    const row = this.rows(location).get(`appt|${appointmentId}`);
    return row?.kind === 'appointment' && !row.movedToProviderId ? { value: stored(row.value), etag: row.etag } : undefined;
  }

  async retiredAt(location: AppointmentLocation, appointmentId: string): Promise<{ etag: string } | undefined> {
    const row = this.rows(location).get(`appt|${appointmentId}`);
    return row?.kind === 'appointment' && row.movedToProviderId ? { etag: row.etag } : undefined;
  }

  /** The time-ordered copies with row keys in [lower, upper), or (lower, upper) when `after`. */
  private byStart(location: AppointmentLocation, lower: { key: string; after: boolean }, upper: string): Appointment[] {
    return sorted(this.rows(location))
      .filter(([key, row]) => row.kind === 'by-start' && (lower.after ? key > lower.key : key >= lower.key) && key < upper)
      .map(([, row]) => stored((row as { value: Appointment }).value));
  }

  async listByProvider(businessId: string, providerId: string, from: number, to: number): Promise<Appointment[]> {
    return this.byStart({ businessId, providerId }, { key: byStartKey(from, ''), after: false }, byStartKey(to, ''));
  }

  async pageByProvider(
    businessId: string,
    providerId: string,
    query: AppointmentPageQuery,
  ): Promise<{ appointments: Appointment[]; more: boolean }> {
    const lower =
      query.after && query.after.start >= query.from
        ? { key: byStartKey(query.after.start, query.after.id), after: true }
        : { key: byStartKey(query.from, ''), after: false };
    const matching = this.byStart({ businessId, providerId }, lower, byStartKey(query.to, '')).filter(
      (a) => !query.status || a.status === query.status,
    );
    return { appointments: matching.slice(0, query.limit), more: matching.length > query.limit };
  }

  async listOutbox(businessId: string, providerId: string): Promise<OutboxMessage[]> {
    return sorted(this.rows({ businessId, providerId }))
      .filter(([, row]) => row.kind === 'outbox')
      .map(([, row]) => stored((row as { value: OutboxMessage }).value))
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  async deleteOutbox(message: OutboxMessage): Promise<void> {
    this.rows(message).delete(`outbox|${message.id}`);
  }

  async deferOutbox(message: OutboxMessage): Promise<void> {
    const rows = this.rows(message);
    if (rows.has(`outbox|${message.id}`)) rows.set(`outbox|${message.id}`, { kind: 'outbox', value: stored(message), etag: nextEtag() });
  }

  async listDirtyPartitions(): Promise<Array<AppointmentLocation & { marker: string }>> {
    return [...this.dirty.values()].map((entry) => ({ ...entry }));
  }

  async clearDirtyPartition(location: AppointmentLocation, marker: string): Promise<void> {
    if (this.dirty.get(partition(location))?.marker === marker) this.dirty.delete(partition(location));
  }
}

function dayAction(day: DayRow): Action {
  const row: Row = { kind: 'day', busy: day.busy };
  return day.etag ? { op: 'replace', key: `day|${day.date}`, row, etag: day.etag } : { op: 'create', key: `day|${day.date}`, row };
}

function sorted(rows: Map<string, Stored>): Array<[string, Stored]> {
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
