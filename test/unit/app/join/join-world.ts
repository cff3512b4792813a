import type { JoinDeps } from '../../../../shared/app/join/join-appointment';
import type { OutboxKind, OutboxMessage } from '../../../../shared/app/ports/appointment-store';
import { FakeAcs } from '../../../support/fakes/acs';
import { InMemoryProviderIdentityStore } from '../../../support/fakes/identity-stores';
import { world } from '../world';

/** The booking world plus ACS (FakeAcs on the world's clock) and the provider identity store. */
export async function joinWorld() {
  const w = await world();
  const acs = new FakeAcs(() => w.clock.now());
  const providerIdentities = new InMemoryProviderIdentityStore();
  const joinDeps: JoinDeps = {
    appointments: w.appointments,
    businesses: w.businesses,
    clock: w.clock,
    rooms: acs.rooms,
    identity: acs.identity,
    chat: acs.chat,
    providerIdentities,
    acsEndpoint: () => 'https://acs.example/',
  };
  return { ...w, acs, providerIdentities, joinDeps };
}

export function outboxMessage(kind: OutboxKind, appointmentId: string, payload?: Record<string, unknown>): OutboxMessage {
  return {
    id: `${appointmentId}|1|${kind}`,
    kind,
    appointmentId,
    businessId: 'b1',
    providerId: 'p1',
    version: 1,
    createdAt: 0,
    ...(payload ? { payload } : {}),
  };
}
