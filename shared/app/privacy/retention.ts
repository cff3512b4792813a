import type { ChatPort, IdentityPort, RoomsPort } from '../ports/acs';
import type { AppointmentLocation } from '../ports/appointment-store';
import type { Clock } from '../ports/clock';
import type { LifecyclePort } from '../ports/lifecycle';
import type { EndedAppointment, PersonalDataStore } from '../ports/privacy';
import { deleteConsumerIdentity, forgetConsumerRows } from './erase-consumer';

const DAY_MS = 86_400_000;

export interface RetentionDeps {
  personalData: PersonalDataStore & { listProviderLocations(): Promise<AppointmentLocation[]> };
  lifecycle: LifecyclePort;
  chat: ChatPort;
  identity: IdentityPort;
  rooms: RoomsPort;
  clock: Clock;
  /** Days after an appointment's end before it is purged (APPOINTMENT_RETENTION_DAYS). */
  retentionDays: number;
  log: { info(event: string, fields?: Record<string, unknown>): void };
}

export interface RetentionReport {
  purged: number;
  /** Lifecycles still running at the cutoff: terminated now, purged by the next run. */
  deferred: number;
  /** The batch was full: more may be due (the next run goes on from what is left). */
  more: boolean;
}

/**
 * Purges appointments that ended more than the retention period ago, with everything that belongs to
 * them (docs/privacy.md). At most `batch` per run; each purge deletes the appointment row last, so a
 * run that stops half-way finds it again and the next run finishes it (every step is idempotent).
 */
export async function purgeExpiredAppointments(deps: RetentionDeps, batch = 200): Promise<RetentionReport> {
  const cutoff = deps.clock.now() - deps.retentionDays * DAY_MS;
  const report: RetentionReport = { purged: 0, deferred: 0, more: false };
  for (const location of await deps.personalData.listProviderLocations()) {
    const left = batch - report.purged - report.deferred;
    if (left <= 0) {
      report.more = true;
      break;
    }
    const ended = await deps.personalData.listEndedBefore(location, cutoff, left);
    for (const found of ended) {
      if (await purgeAppointment(deps, found)) report.purged += 1;
      else report.deferred += 1;
    }
  }
  if (report.purged + report.deferred > 0) deps.log.info('retention.purged', { ...report, cutoff: new Date(cutoff).toISOString() });
  return report;
}

/** False when the appointment's lifecycle was still running (terminated now; purged next time). */
async function purgeAppointment(deps: RetentionDeps, found: EndedAppointment): Promise<boolean> {
  const { appointment, location } = found;
  if (!found.tombstone) {
    if ((await deps.lifecycle.purge(appointment.id)) === 'running') return false;
    if (appointment.chatThreadId) await deps.chat.deleteThread(appointment.chatThreadId);
    if (appointment.consumerAcsUserId) await deleteConsumerIdentity(deps.identity, appointment.consumerAcsUserId);
    if (appointment.roomId) await deps.rooms.deleteRoom(appointment.roomId);
    await deps.personalData.deleteNotifications(appointment.id);
    await forgetConsumerRows(deps.personalData, appointment);
  }
  await deps.personalData.deleteOutboxRows(location, appointment.id);
  await deps.personalData.deleteAppointmentRows(found);
  return true;
}
