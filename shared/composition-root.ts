import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { Clock } from './app/ports/clock';
import { durableLifecycle } from './adapters/durable/durable-lifecycle';
import type { DependencyProbe } from './app/health';
import { createAcsAdapters, type AcsAdapters } from './adapters/acs/acs-adapters';
import { processClock } from './adapters/clock/process-clock';
import { TableClients } from './adapters/tables/table-clients';
import { probeTableStorage } from './adapters/tables/storage-probe';
import { loadSettings, type Settings } from './config/settings';
import type { StaffAuthenticator } from './app/auth';
import type { ConfigurationDeps } from './app/configuration/put-resource';
import { createJwtStaffAuthenticator, remoteKeys, unconfiguredStaffAuthenticator } from './adapters/auth/jwt-staff-authenticator';
import { TableBusinessRepository } from './adapters/tables/business-repository';
import { TableProviderCalendarRepository } from './adapters/tables/provider-calendar-repository';
import { TableAppointmentStore } from './adapters/tables/appointment-store';
import { TableIdempotencyStore } from './adapters/tables/idempotency-store';
import { createLogger } from './adapters/logging/logger';
import type { BookingDeps } from './app/appointments/book-appointment';
import { dispatchPartition, type OutboxDeps } from './app/outbox/dispatch-outbox';
import { roomHandlers } from './app/rooms/appointment-room';
import { releaseHandlers } from './app/appointments/move-to-provider';
import { parseConnectionString } from '@azure/communication-common';
import { TableProviderIdentityStore } from './adapters/tables/acs-identity-store';
import { TableServiceIdentityStore } from './adapters/tables/service-identity-store';
import { TableFeedTokenStore } from './adapters/tables/feed-token-store';
import { chatNoticeHandlers } from './app/chat/chat-notices';
import { providerHandoverHandlers } from './app/join/provider-handover';
import { chatThreadHandlers } from './app/chat/appointment-chat';
import { accessRevocationHandlers } from './app/join/access-revocation';
import type { JoinDeps } from './app/join/join-appointment';
import type { FeedDeps } from './app/workspace/calendar-feed';
import type { OutcomeDeps } from './app/workspace/appointment-outcomes';
import type { ListDeps } from './app/workspace/list-appointments';
import type { LifecycleDeps } from './app/lifecycle/lifecycle-deps';
import { lifecycleHandlers } from './app/lifecycle/lifecycle-outbox';
import { smsChannel } from './app/lifecycle/sms-channel';
import type { LifecyclePort } from './app/ports/lifecycle';
import { TableNotificationStore } from './adapters/tables/notification-store';
import { publicLinks, type PublicLinks } from './adapters/http/public-links';
import { serviceBusEventPublisher } from './adapters/servicebus/event-publisher';
import { eventHandlers } from './app/events/appointment-events';
import type { PhoneVerificationDeps } from './app/phone-verification';
import { TablePhoneVerificationStore } from './adapters/tables/phone-verification-store';
import { TableQuotaStore } from './adapters/tables/quota-store';
import { messageCaps } from './app/lifecycle/message-caps';
import { processLookups, type LookupDeps } from './app/lookup/lost-link';
import { TableLookupRequestStore } from './adapters/tables/lookup-request-store';
import { erasureHandlers, type ErasureDeps } from './app/privacy/erase-consumer';
import type { RetentionDeps } from './app/privacy/retention';
import { TablePersonalDataStore } from './adapters/tables/personal-data-store';
import { TableSmsOptOutStore } from './adapters/tables/sms-opt-out-store';
import { DefaultAzureCredential } from '@azure/identity';
import { createGraphClient, graphStaffCalendar } from './adapters/graph/graph-calendar';
import { staffCalendarHandlers } from './app/calendar/staff-calendar-sync';
import type { StaffCalendarPort } from './app/ports/staff-calendar';

/** Everything the handlers need, built once from validated settings. */
export interface AppServices {
  settings: Settings;
  clock: Clock;
  tables: TableClients;
  /** ACS identity, rooms, SMS, email, chat: each client is built on first use. */
  acs: AcsAdapters;
  healthProbes: Record<string, DependencyProbe>;
  /** Every absolute link handed out, from PUBLIC_BASE_URL. */
  links: PublicLinks;
  staffAuth: StaffAuthenticator;
  /** Repositories and clock of the office-manager configuration and slot search. */
  configuration: ConfigurationDeps;
  /** Booking, cancel, reschedule and appointment access. */
  booking: BookingDeps;
  /** The transactional outbox and the handler of each message kind. */
  outbox: OutboxDeps;
  /** Joining the visit: rooms, ACS identities, chat threads, tokens. */
  join: JoinDeps;
  /** The provider's workspace: lists, outcomes, calendar feed. */
  workspace: OutcomeDeps & ListDeps & FeedDeps;
  /** The appointment lifecycle's activities (functions/durable). */
  lifecycle: LifecycleDeps;
  /** The same services whose outbox (swept, or kicked after a booking change) also starts and signals lifecycles through `lifecycle`. */
  withLifecycle(lifecycle: LifecyclePort): AppServices;
  /** One-time codes for consumer phone numbers (SMS only to verified numbers). */
  phoneVerification: PhoneVerificationDeps;
  /** Lost-link lookups: recorded by the request, carried out after the answer. */
  lookup: LookupDeps;
  /** Erasure of a consumer's data and the retention purge (docs/privacy.md); the purge also needs a lifecycle port. */
  privacy: { erasure: ErasureDeps; retention(lifecycle: LifecyclePort): RetentionDeps };
}

let services: AppServices | undefined;

export function getServices(): AppServices {
  services ??= buildServices(loadSettings());
  return services;
}

/**
 * The services as one invocation sees them: outbox dispatches can reach the appointment lifecycle
 * through the invocation's durable client. The client is asked for only when a lifecycle message is
 * dispatched, so in a function without the durable client binding such a message fails and waits
 * for the sweep, never the request.
 */
export function servicesFor(invocation: InvocationContext): AppServices {
  return getServices().withLifecycle(durableLifecycle(() => df.getClient(invocation)));
}

function buildServices(settings: Settings): AppServices {
  const tables = new TableClients(settings);
  const clock = processClock();
  const acsLog = createLogger(console, settings.LOG_LEVEL, { component: 'acs' });
  const acs = createAcsAdapters(settings, new TableServiceIdentityStore(tables), undefined, {
    // Counted per process; the lifecycle retries the send after retryAfterMs.
    emailThrottled: ({ retryAfterMs, total }) => acsLog.warn('acs.email.throttled', { retryAfterMs, throttledTotal: total }),
  });
  const businesses = new TableBusinessRepository(tables);
  const appointments = new TableAppointmentStore(tables);
  const providerIdentities = new TableProviderIdentityStore(tables);
  const log = createLogger(console, settings.LOG_LEVEL, { component: 'outbox' });
  // Connects on first publish; without Service Bus settings each publish fails and its outbox row waits for a retry.
  const events = serviceBusEventPublisher(settings);
  const links = publicLinks(settings.PUBLIC_BASE_URL);
  // Built on first use: only Teams / calendar-sync businesses reach Graph, with the app's managed identity
  // (DefaultAzureCredential: AZURE_TOKEN_CREDENTIALS limits it to that in Azure; locally the emulator's identity endpoint).
  let graphCalendar: StaffCalendarPort | undefined;
  const staffCalendar = () => (graphCalendar ??= graphStaffCalendar(createGraphClient(settings, new DefaultAzureCredential()), settings));
  const outbox: OutboxDeps = {
    appointments,
    clock,
    handlers: {
      ...roomHandlers(withAcsClients(acs, ['rooms'], { appointments, businesses, clock })),
      ...releaseHandlers({ appointments, businesses }),
      ...chatNoticeHandlers(withAcsClients(acs, ['chat'], { businesses })),
      ...chatThreadHandlers(withAcsClients(acs, ['chat'], { appointments, businesses })),
      ...accessRevocationHandlers(acs),
      ...providerHandoverHandlers(withAcsClients(acs, ['rooms', 'chat', 'identity'], { appointments, businesses, providerIdentities })),
      ...eventHandlers(events),
      ...erasureHandlers(withAcsClients(acs, ['chat', 'identity'], {})),
      ...staffCalendarHandlers({
        appointments,
        businesses,
        get calendar() {
          return staffCalendar();
        },
        providerJoinLink: links.providerJoin,
      }),
    },
    onError: (message, error) => log.warn('outbox.message.failed', { kind: message.kind, appointmentId: message.appointmentId, error }),
    sweepConcurrency: settings.OUTBOX_SWEEP_CONCURRENCY,
  };
  // The request does not wait for side effects (rooms, lifecycle); the outbox sweep timer is the guarantee.
  const kickWith = (deps: OutboxDeps) => (location: { businessId: string; providerId: string }) => {
    dispatchPartition(deps, location).catch((error: unknown) => log.warn('outbox.kick.failed', { error }));
  };
  const booking: BookingDeps = {
    businesses,
    appointments,
    idempotency: new TableIdempotencyStore(tables),
    clock,
    kickOutbox: kickWith(outbox),
  };
  const lifecycleLog = createLogger(console, settings.LOG_LEVEL, { component: 'lifecycle' });
  // One SMS channel per process: a sender ACS refused stays refused for lifecycle messages and verification codes alike.
  const sms = smsChannel({ from: settings.ACS_SMS_FROM, countries: settings.ACS_SMS_COUNTRIES, log: lifecycleLog });
  const quotas = new TableQuotaStore(tables);
  const caps = messageCaps(quotas, {
    emailPerRecipientPerDay: settings.EMAIL_PER_RECIPIENT_PER_DAY,
    smsPerRecipientPerDay: settings.SMS_PER_RECIPIENT_PER_DAY,
    smsPerBusinessPerHour: settings.SMS_PER_BUSINESS_PER_HOUR,
  });
  const lookupLog = createLogger(console, settings.LOG_LEVEL, { component: 'lookup' });
  const lookup: LookupDeps = withAcsClients(acs, ['email'], {
    businesses,
    appointments,
    requests: new TableLookupRequestStore(tables),
    quotas,
    links,
    clock,
    log: lookupLog,
    caps,
    limits: { perAddressPerHour: settings.LOOKUPS_PER_ADDRESS_PER_HOUR, perClientPerHour: settings.LOOKUPS_PER_CLIENT_PER_HOUR },
    // After the answer has gone (setImmediate): its time never depends on what the lookup finds. The sweep timer is the guarantee.
    kick: () => {
      setImmediate(() => processLookups(lookup).catch((error: unknown) => lookupLog.warn('lookup.kick.failed', { error })));
    },
  });
  const personalData = new TablePersonalDataStore(tables);
  const retentionLog = createLogger(console, settings.LOG_LEVEL, { component: 'retention' });
  const base: AppServices = {
    settings,
    clock,
    tables,
    links,
    acs,
    staffAuth: staffAuthenticator(settings, clock),
    configuration: {
      businesses,
      calendars: new TableProviderCalendarRepository(tables),
      clock,
    },
    booking,
    outbox,
    withLifecycle(lifecycle) {
      const withHandlers: OutboxDeps = { ...outbox, handlers: { ...outbox.handlers, ...lifecycleHandlers(lifecycle) } };
      const kicked = { ...booking, kickOutbox: kickWith(withHandlers) };
      return { ...base, outbox: withHandlers, booking: kicked, privacy: { ...base.privacy, erasure: { ...kicked, personalData } } };
    },
    lifecycle: withAcsClients(acs, ['email', 'sms'], {
      appointments,
      businesses,
      notifications: new TableNotificationStore(tables),
      smsChannel: sms,
      rooms: withAcsClients(acs, ['rooms'], { appointments, businesses, clock }),
      clock,
      links,
      log: lifecycleLog,
      events,
      caps,
      // Without a sender there is no SMS, and no opt-out list to ask.
      ...(settings.ACS_SMS_FROM
        ? {
            optOuts: {
              store: new TableSmsOptOutStore(tables),
              get acs() {
                return acs.smsOptOuts;
              },
            },
          }
        : {}),
    }),
    phoneVerification: withAcsClients(acs, ['sms'], {
      businesses,
      verifications: new TablePhoneVerificationStore(tables),
      quotas,
      smsChannel: sms,
      clock,
      caps: { perNumberPerDay: settings.PHONE_CODES_PER_NUMBER_PER_DAY, perClientPerHour: settings.PHONE_CODES_PER_CLIENT_PER_HOUR },
    }),
    join: withAcsClients(acs, ['rooms', 'identity', 'chat'], {
      appointments,
      businesses,
      clock,
      providerIdentities,
      acsEndpoint: () => settings.ACS_ENDPOINT ?? parseConnectionString(settings.ACS_CONNECTION_STRING ?? '').endpoint,
    }),
    lookup,
    workspace: { businesses, appointments, clock, kickOutbox: booking.kickOutbox, feedTokens: new TableFeedTokenStore(tables) },
    healthProbes: {
      storage: () => probeTableStorage(tables),
    },
    privacy: {
      erasure: { ...booking, personalData },
      // ACS clients are built only when a purge needs one (a run with nothing due needs none).
      retention: (lifecycle) =>
        withAcsClients(acs, ['chat', 'identity', 'rooms'], {
          personalData,
          lifecycle,
          clock,
          retentionDays: settings.APPOINTMENT_RETENTION_DAYS,
          log: retentionLog,
        }),
    },
  };
  return base;
}

/**
 * `deps` plus the named ACS clients as getters: each client is still built on first use, so a function that
 * never reaches ACS (health, configuration) needs no ACS settings. A spread of `acs` would build them all now.
 */
function withAcsClients<K extends keyof AcsAdapters, T extends object>(
  acs: AcsAdapters,
  names: readonly K[],
  deps: T,
): T & Pick<AcsAdapters, K> {
  const withClients = { ...deps } as T & Pick<AcsAdapters, K>;
  for (const name of names) Object.defineProperty(withClients, name, { get: () => acs[name], enumerable: true });
  return withClients;
}

function staffAuthenticator(settings: Settings, clock: Clock): StaffAuthenticator {
  const { AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience, AUTH_JWKS_URL: jwksUrl } = settings;
  if (!issuer || !audience || !jwksUrl) return unconfiguredStaffAuthenticator();
  return createJwtStaffAuthenticator({ issuer, audience, keys: remoteKeys(jwksUrl), clock });
}
