import type { LifecycleDeps } from '../../../../shared/app/lifecycle/lifecycle-deps';
import type { RoomsPort } from '../../../../shared/app/ports/acs';
import { InMemoryNotificationStore } from '../../../support/fakes/notification-store';
import { RecordingEventPublisher } from '../../../support/fakes/event-publisher';
import { FakeMessaging } from '../../../support/fakes/messaging';
import { world } from '../world';

/** Rooms are not part of these steps: any call is a test failure. */
const noRooms = new Proxy({} as RoomsPort, {
  get: (_target, name) => () => Promise.reject(new Error(`rooms.${String(name)} was not expected here`)),
});

/** The booking world plus what the lifecycle's steps need: notification store, messaging, events, links. */
export async function lifecycleWorld(serviceExtra: Parameters<typeof world>[0] = {}) {
  const w = await world(serviceExtra);
  const messaging = new FakeMessaging();
  const notifications = new InMemoryNotificationStore();
  const events = new RecordingEventPublisher();
  const logged: Array<{ level: 'info' | 'warn'; event: string; fields?: Record<string, unknown> }> = [];
  const linkTokens: Array<string | undefined> = [];
  const deps: LifecycleDeps = {
    appointments: w.appointments,
    businesses: w.businesses,
    notifications,
    email: messaging.email,
    sms: messaging.sms,
    rooms: { appointments: w.appointments, businesses: w.businesses, rooms: noRooms, clock: w.clock },
    clock: w.clock,
    links: {
      consumer: (id, token) => {
        linkTokens.push(token);
        return { join: `https://app.example/join/${id}${token ? `?token=${token}` : ''}`, manage: `https://app.example/manage/${id}` };
      },
      providerJoin: (id) => `https://app.example/staff/join/${id}`,
    },
    log: {
      info: (event, fields) => logged.push({ level: 'info', event, fields }),
      warn: (event, fields) => logged.push({ level: 'warn', event, fields }),
    },
    events,
  };
  return { ...w, lifecycle: deps, messaging, notifications, events, logged, linkTokens };
}

export const NO_PHONE = { name: 'Ann', email: 'ann@example.com', smsConsent: false };
export const TEXTABLE = { name: 'Bo', email: 'bo@example.com', phone: '+12025550100', smsConsent: true, phoneVerified: true };
