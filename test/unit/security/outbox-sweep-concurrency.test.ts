/** Issue 12 defect 7: one hung partition must not stall the sweep of the others. */
import { sweepOutbox, type OutboxDeps } from '../../../shared/app/outbox/dispatch-outbox';
import type { AppointmentStore, OutboxMessage } from '../../../shared/app/ports/appointment-store';

const message = (providerId: string): OutboxMessage => ({
  id: `a-${providerId}|1|event.publish`,
  kind: 'event.publish',
  appointmentId: `a-${providerId}`,
  businessId: 'clinic',
  providerId,
  version: 1,
  createdAt: 0,
});

function storeWith(providers: string[]) {
  const rows = new Map(providers.map((p) => [p, [message(p)]]));
  const cleared: string[] = [];
  const store = {
    listDirtyPartitions: async () => providers.map((providerId) => ({ businessId: 'clinic', providerId, marker: 'm' })),
    listOutbox: async (_b: string, providerId: string) => rows.get(providerId) ?? [],
    deleteOutbox: async (m: OutboxMessage) => void rows.set(m.providerId, []),
    deferOutbox: async () => undefined,
    clearDirtyPartition: async (location: { providerId: string }) => void cleared.push(location.providerId),
  } as unknown as AppointmentStore;
  return { store, cleared };
}

test('partitions are swept concurrently: the others finish while one is stuck', async () => {
  const { store, cleared } = storeWith(['stuck', 'p1', 'p2', 'p3']);
  let release!: () => void;
  const stuck = new Promise<void>((resolve) => (release = resolve));
  const handled: string[] = [];
  const deps: OutboxDeps = {
    appointments: store,
    clock: { now: () => 0 },
    handlers: {
      'event.publish': async (m) => {
        if (m.providerId === 'stuck') await stuck;
        handled.push(m.providerId);
      },
    },
    onError: () => undefined,
    sweepConcurrency: 2,
  };
  const sweep = sweepOutbox(deps);
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(handled.sort()).toEqual(['p1', 'p2', 'p3']); // one sequential sweep would still be waiting on "stuck"
  release();
  expect(await sweep).toEqual({ partitions: 4, done: 4, failed: 0 });
  expect(cleared.sort()).toEqual(['p1', 'p2', 'p3', 'stuck']);
});

test('never more partitions at once than the bound', async () => {
  const providers = Array.from({ length: 10 }, (_, i) => `p${i}`);
  const { store } = storeWith(providers);
  let running = 0;
  let peak = 0;
  const deps: OutboxDeps = {
    appointments: store,
    clock: { now: () => 0 },
    handlers: {
      'event.publish': async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running -= 1;
      },
    },
    onError: () => undefined,
    sweepConcurrency: 3,
  };
  expect(await sweepOutbox(deps)).toMatchObject({ partitions: 10, done: 10 });
  expect(peak).toBe(3);
});
