import { appointmentStoreContract } from '../../support/contracts/appointment-store.contract';
import { businessRepositoryContract } from '../../support/contracts/business-repository.contract';
import { idempotencyStoreContract } from '../../support/contracts/idempotency-store.contract';
import { notificationStoreContract } from '../../support/contracts/notification-store.contract';
import { InMemoryAppointmentStore } from '../../support/fakes/appointment-store';
import { InMemoryBusinessRepository } from '../../support/fakes/business-repository';
import { InMemoryIdempotencyStore } from '../../support/fakes/idempotency-store';
import { InMemoryNotificationStore } from '../../support/fakes/notification-store';

// The same suites run against the Table Storage adapters on Azurite in test/integration/tables/port-contracts.test.ts.
describe('in-memory fakes keep the port contracts', () => {
  describe('InMemoryAppointmentStore', () => {
    appointmentStoreContract(() => {
      const store = new InMemoryAppointmentStore();
      return { store, saveSchedule: (r) => store.saveSchedule(r), saveOverride: (r) => store.saveOverride(r) };
    });
  });
  describe('InMemoryBusinessRepository', () => businessRepositoryContract(() => new InMemoryBusinessRepository()));
  describe('InMemoryIdempotencyStore', () => idempotencyStoreContract(() => new InMemoryIdempotencyStore()));
  describe('InMemoryNotificationStore', () => notificationStoreContract(() => new InMemoryNotificationStore()));
});
