import { purgeExpiredAppointments, type RetentionDeps } from '../../../../shared/app/privacy/retention';
import type { ChatPort, IdentityPort, RoomsPort } from '../../../../shared/app/ports/acs';
import type { EndedAppointment } from '../../../../shared/app/ports/privacy';
import { appointment, DAY, MONDAY } from '../../../support/fakes/builders';
import { FakeClock } from '../../../support/fakes/clock';

/**
 * The retention run over stand-ins that record each step (the table adapter is tested on Azurite in
 * test/integration/tables/personal-data-store.test.ts, the whole purge over HTTP in test/e2e/privacy.test.ts).
 */
function retentionWorld(rows: Record<string, EndedAppointment[]>, running: string[] = []) {
  const steps: string[] = [];
  const remaining = structuredClone(rows);
  const deps: RetentionDeps = {
    personalData: {
      listProviderLocations: async () => Object.keys(rows).map((key) => ({ businessId: 'b1', providerId: key })),
      listEndedBefore: async (location, cutoff, limit) => {
        steps.push(`list ${location.providerId} before ${cutoff} at most ${limit}`);
        return remaining[location.providerId]!.slice(0, limit);
      },
      deleteNotifications: async (id) => void steps.push(`notifications ${id}`),
      forgetIdempotentAnswers: async (_b, id) => (steps.push(`answers ${id}`), 0),
      forgetPhoneVerifications: async () => 0,
      forgetCounters: async () => undefined,
      eraseTombstones: async () => undefined,
      deleteOutboxRows: async (_l, id) => void steps.push(`outbox ${id}`),
      deleteAppointmentRows: async (found) => {
        steps.push(`rows ${found.appointment.id}${found.tombstone ? ' (tombstone)' : ''}`);
        remaining[found.location.providerId] = remaining[found.location.providerId]!.filter(
          (f) => f !== found && f.appointment.id !== found.appointment.id,
        );
      },
    },
    lifecycle: {
      start: async () => undefined,
      raise: async () => undefined,
      purge: async (id) => (steps.push(`history ${id}`), running.includes(id) ? 'running' : 'purged'),
    },
    chat: { deleteThread: async (id: string) => void steps.push(`thread ${id}`) } as unknown as ChatPort,
    identity: { deleteUser: async (id: string) => void steps.push(`user ${id}`) } as unknown as IdentityPort,
    rooms: { deleteRoom: async (id: string) => void steps.push(`room ${id}`) } as unknown as RoomsPort,
    clock: new FakeClock(MONDAY + 400 * DAY),
    retentionDays: 365,
    log: { info: () => undefined },
  };
  return { deps, steps };
}

const ended = (id: string, extra: Partial<EndedAppointment> = {}, fields = {}): EndedAppointment => ({
  location: { businessId: 'b1', providerId: 'p1' },
  appointment: appointment(id, MONDAY, { status: 'completed', ...fields }),
  tombstone: false,
  ...extra,
});

describe('purgeExpiredAppointments', () => {
  it('purges each ended appointment with its ACS objects, history and rows, the appointment row last; a tombstone only loses its row', async () => {
    const { deps, steps } = retentionWorld({
      p1: [ended('a1', {}, { chatThreadId: 't1', consumerAcsUserId: 'u1', roomId: 'r1' }), ended('a2', { tombstone: true })],
    });
    expect(await purgeExpiredAppointments(deps)).toEqual({ purged: 2, deferred: 0, more: false });
    expect(steps).toEqual([
      `list p1 before ${MONDAY + 35 * DAY} at most 200`,
      'history a1',
      'thread t1',
      'user u1',
      'room r1',
      'notifications a1',
      'answers a1',
      'outbox a1',
      'rows a1',
      'outbox a2',
      'rows a2 (tombstone)',
    ]);
  });

  it('leaves an appointment whose lifecycle still runs for the next run (terminated now), and stops at the batch size', async () => {
    const { deps, steps } = retentionWorld(
      { p1: [ended('a1'), ended('a2'), ended('a3')], p2: [ended('b1', { location: { businessId: 'b1', providerId: 'p2' } })] },
      ['a2'],
    );
    expect(await purgeExpiredAppointments(deps, 3)).toEqual({ purged: 2, deferred: 1, more: true });
    expect(steps.filter((s) => s.startsWith('rows'))).toEqual(['rows a1', 'rows a3']);
    // The next run finds what is left, the still-running one again among it.
    expect(await purgeExpiredAppointments(deps, 3)).toEqual({ purged: 1, deferred: 1, more: false });
    expect(steps.filter((s) => s.startsWith('rows'))).toEqual(['rows a1', 'rows a3', 'rows b1']);
  });
});
