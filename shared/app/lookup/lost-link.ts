import { createHash, randomBytes } from 'node:crypto';
import type { Appointment } from '../../domain/appointments/appointment';
import { composeLookupMessage, type LookupItem } from '../../domain/messages/lookup-texts';
import { AppError } from '../errors';
import { issueMessageToken } from '../lifecycle/messages';
import type { LifecycleLog, MessageLinks } from '../lifecycle/lifecycle-deps';
import type { MessageCaps } from '../lifecycle/message-caps';
import type { EmailPort } from '../ports/acs';
import type { AppointmentStore } from '../ports/appointment-store';
import { businessLanguage, type BusinessRepository } from '../ports/business-repository';
import type { Clock } from '../ports/clock';
import type { LookupRequest, LookupRequestStore } from '../ports/lookup-request-store';
import type { QuotaStore } from '../ports/quota-store';
import { WriteConflictError, type Versioned } from '../ports/versioned';

// docs/api.md "Lost link": the request only records the lookup (the same work for every address, so the
// answer tells nothing); finding the appointments and sending the email happen after the answer.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Bookings reach at most 730 days ahead. */
const HORIZON_MS = 731 * DAY;
/** A worker holds a lookup this long; if it dies, the next sweep after the lease takes it over. */
const LEASE_MS = 2 * MINUTE;
/** A lookup still not carried out after this (e.g. email down for a day) is dropped: the consumer asks again. */
const GIVE_UP_MS = DAY;
/** At most this many appointments (the soonest) in one email. */
const MAX_ITEMS = 20;
const BATCH = 50;

export interface LookupDeps {
  businesses: BusinessRepository;
  appointments: AppointmentStore;
  requests: LookupRequestStore;
  quotas: QuotaStore;
  email: EmailPort;
  links: MessageLinks;
  clock: Clock;
  /** Fields never hold the address: lookup ids and counts only. */
  log: LifecycleLog;
  /** The consumer messages' per-recipient daily cap (docs/security.md); absent = none. */
  caps?: MessageCaps;
  limits: { perAddressPerHour: number; perClientPerHour: number };
  /** Asks for the pending lookups to be carried out soon (best effort; a timer sweeps too). */
  kick: () => void;
}

/** SHA-256 of the address as the lookup compares it (trimmed, lower-case). */
export function emailHash(address: string): string {
  return createHash('sha256').update(address.trim().toLowerCase(), 'utf8').digest('hex');
}

/**
 * Records a lookup for later. Over the per-client cap it is a 429 (it depends on the client's own
 * requests only, never on the address); the per-address cap is applied after the answer.
 */
export async function requestLookup(deps: LookupDeps, input: { businessId: string; email: string; clientAddress: string }): Promise<void> {
  const business = await deps.businesses.getBusiness(input.businessId);
  if (!business) throw new AppError('not-found', 'There is no such business.');
  const now = deps.clock.now();
  if (!(await deps.quotas.take(`lookup-client|${input.clientAddress}`, deps.limits.perClientPerHour, HOUR, now))) {
    throw new AppError('rate-limited', 'Too many lookups from this address; try again later.', {
      retryAfterSeconds: Math.max(1, Math.ceil((HOUR - (now % HOUR)) / 1000)),
    });
  }
  // Ids sort by creation, so the sweep takes the oldest first.
  const id = `${String(now).padStart(15, '0')}-${randomBytes(8).toString('hex')}`;
  await deps.requests.add({ id, businessId: input.businessId, emailHash: emailHash(input.email), createdAt: now });
  deps.kick();
}

/**
 * Carries out pending lookups, each at most once at a time (a lease under the row's ETag). A lookup is
 * removed once done; one that failed stays and is tried again after its lease, at least once overall:
 * the email's operation id is the lookup id, so ACS can drop a repeat after a crash.
 */
export async function processLookups(deps: LookupDeps): Promise<{ done: number; pending: number }> {
  const now = deps.clock.now();
  let done = 0;
  let pending = 0;
  for (const found of await deps.requests.listPending(BATCH)) {
    const request = found.value;
    if (request.createdAt + GIVE_UP_MS < now) {
      deps.log.warn('lookup.dropped', { lookupId: request.id });
      await deps.requests.remove(request.id);
      continue;
    }
    if ((request.claimedUntil ?? 0) > now || !(await claim(deps, found, now))) {
      pending += 1;
      continue;
    }
    try {
      await carryOut(deps, request, now);
      await deps.requests.remove(request.id);
      done += 1;
    } catch (error) {
      pending += 1;
      deps.log.warn('lookup.failed', { lookupId: request.id, error: error instanceof Error ? error.name : 'unknown' });
    }
  }
  return { done, pending };
}

async function claim(deps: LookupDeps, found: Versioned<LookupRequest>, now: number): Promise<boolean> {
  try {
    await deps.requests.update({ value: { ...found.value, claimedUntil: now + LEASE_MS }, etag: found.etag });
    return true;
  } catch (error) {
    if (error instanceof WriteConflictError) return false;
    throw error;
  }
}

async function carryOut(deps: LookupDeps, request: LookupRequest, now: number): Promise<void> {
  // Counted for every lookup, known address or not: a flood at one address sends at most the cap.
  if (!(await deps.quotas.take(`lookup-address|${request.emailHash}`, deps.limits.perAddressPerHour, HOUR, now))) {
    deps.log.info('lookup.capped', { lookupId: request.id, reason: 'address-hourly-cap' });
    return;
  }
  const appointments = await upcomingAppointments(deps, request, now);
  if (appointments.length === 0) {
    deps.log.info('lookup.done', { lookupId: request.id, appointments: 0 });
    return;
  }
  // The latest booking says how the consumer wants to be addressed (name, address spelling, locale, zone).
  const consumer = [...appointments].sort((a, b) => b.createdAt - a.createdAt)[0]!.consumer;
  const capped = await deps.caps?.admit({ channel: 'email', recipient: consumer.email, businessId: request.businessId, now });
  if (capped) {
    deps.log.info('lookup.capped', { lookupId: request.id, reason: capped });
    return;
  }
  const business = await deps.businesses.getBusiness(request.businessId);
  if (!business) return;
  const [providers, services] = await Promise.all([
    deps.businesses.listProviders(request.businessId),
    deps.businesses.listServices(request.businessId),
  ]);
  const items: Array<LookupItem & { appointmentId: string }> = [];
  for (const appointment of appointments.slice(0, MAX_ITEMS)) {
    // A fresh token per appointment for this email (only its hash is stored, as for every message).
    const token = await issueMessageToken(deps, appointment.id);
    if (token === undefined) continue; // cancelled meanwhile
    items.push({
      appointmentId: appointment.id,
      serviceName: services.find((s) => s.id === appointment.serviceId)?.name ?? appointment.serviceId,
      providerName: providers.find((p) => p.id === appointment.providerId)?.displayName ?? appointment.providerId,
      start: appointment.start,
      end: appointment.end,
      links: deps.links.consumer(appointment.id, token),
    });
  }
  if (items.length === 0) return;
  const message = composeLookupMessage({
    consumerName: consumer.name,
    businessName: business.value.name,
    timeZone: consumer.timeZone ?? business.value.timeZone,
    ...(consumer.locale ? { locale: consumer.locale } : {}),
    defaultLocale: businessLanguage(business.value),
    items,
  });
  await deps.email.send({
    to: [{ address: consumer.email, displayName: consumer.name }],
    ...message,
    label: { kind: 'lookup', appointmentId: items[0]!.appointmentId },
    idempotencyKey: `lookup|${request.id}`,
  });
  deps.log.info('lookup.sent', { lookupId: request.id, appointments: items.length });
}

/** Booked appointments at the business for this address that have not ended, soonest first (one range query per provider). */
async function upcomingAppointments(deps: LookupDeps, request: LookupRequest, now: number): Promise<Appointment[]> {
  const providers = await deps.businesses.listProviders(request.businessId);
  const lists = await Promise.all(
    providers.map((p) => deps.appointments.listByProvider(request.businessId, p.id, now - DAY, now + HORIZON_MS)),
  );
  const byId = new Map<string, Appointment>();
  for (const appointment of lists.flat()) {
    if (appointment.status === 'booked' && appointment.end > now && emailHash(appointment.consumer.email) === request.emailHash)
      byId.set(appointment.id, appointment);
  }
  return [...byId.values()].sort((a, b) => a.start - b.start);
}
