import { appointmentAcceptsToken } from '../../../../shared/app/manage-token';
import { emailHash, processLookups, requestLookup, type LookupDeps } from '../../../../shared/app/lookup/lost-link';
import { cancelAppointment } from '../../../../shared/app/appointments/cancel-appointment';
import type { QuotaStore } from '../../../../shared/app/ports/quota-store';
import { composeLookupMessage, LOOKUP_TRANSLATIONS } from '../../../../shared/domain/messages/lookup-texts';
import { publicLinks } from '../../../../shared/adapters/http/public-links';
import { FakeMessaging } from '../../../support/fakes/messaging';
import { InMemoryLookupRequestStore } from '../../../support/fakes/lookup-request-store';
import { DAY, HOUR } from '../../../support/fakes/builders';
import { MANAGER, TUESDAY_10, outcome, world } from '../world';

/** Fixed-window counters in memory (the QuotaStore contract: count while under the limit). */
function memoryQuotas(): QuotaStore & { counters: Map<string, number> } {
  const counters = new Map<string, number>();
  return {
    counters,
    async take(counter, limit, windowMs, now) {
      const key = `${counter}@${Math.floor(now / windowMs)}`;
      const count = counters.get(key) ?? 0;
      if (count >= limit) return false;
      counters.set(key, count + 1);
      return true;
    },
    async purgeExpired() {
      return 0;
    },
  };
}

async function lookupWorld() {
  const w = await world();
  const messaging = new FakeMessaging();
  const requests = new InMemoryLookupRequestStore();
  const quotas = memoryQuotas();
  const logged: Array<{ event: string; fields?: Record<string, unknown> }> = [];
  let kicks = 0;
  const deps: LookupDeps = {
    businesses: w.businesses,
    appointments: w.appointments,
    requests,
    quotas,
    email: messaging.email,
    links: publicLinks('https://app.example/api'),
    clock: w.clock,
    log: { info: (event, fields) => logged.push({ event, fields }), warn: (event, fields) => logged.push({ event, fields }) },
    limits: { perAddressPerHour: 2, perClientPerHour: 3 },
    kick: () => {
      kicks += 1;
    },
  };
  const lookup = (email: string, clientAddress = '203.0.113.5') => requestLookup(deps, { businessId: 'b1', email, clientAddress });
  return { ...w, messaging, requests, quotas, logged, lookupDeps: deps, lookup, kicks: () => kicks };
}

describe('lost link (on the in-memory fakes)', () => {
  it('records only a hash of the address and sends nothing before the work after the answer', async () => {
    const w = await lookupWorld();
    await w.book(TUESDAY_10, { consumer: { name: 'Ann', email: 'ann@example.com', smsConsent: false } });
    await w.lookup('  Ann@Example.com ');
    const [pending] = await w.requests.listPending(10);
    expect(pending!.value.emailHash).toBe(emailHash('ann@example.com'));
    expect(JSON.stringify(pending)).not.toMatch(/ann@/i);
    expect(w.kicks()).toBe(1);
    expect(w.messaging.delivered).toEqual([]);
  });

  it('emails a known address one message with fresh working links to each upcoming booked appointment; an unknown one gets nothing', async () => {
    const w = await lookupWorld();
    const ann = { name: 'Ann', email: 'ann@example.com', smsConsent: false, locale: 'de-DE' };
    const first = await w.book(TUESDAY_10, { consumer: ann });
    const second = await w.book(TUESDAY_10 + DAY, { consumer: ann });
    const cancelled = await w.book(TUESDAY_10 + 2 * DAY, { consumer: ann });
    await cancelAppointment(w.deps, cancelled.id, { caller: MANAGER }, {});
    await w.book(TUESDAY_10 + HOUR, { consumer: { name: 'Bob', email: 'bob@example.com', smsConsent: false } });
    await w.lookup('ANN@example.com');
    await w.lookup('nobody@example.com');
    expect(await processLookups(w.lookupDeps)).toEqual({ done: 2, pending: 0 });
    expect(await w.requests.listPending(10)).toEqual([]);
    expect(w.messaging.delivered.map((m) => [m.to, m.kind])).toEqual([['ann@example.com', 'lookup']]);
    const [email] = w.messaging.delivered;
    expect(email!.subject).toBe('Ihre Termine bei Clinic');
    for (const booked of [first, second]) {
      const token = decodeURIComponent(new RegExp(`/appointments/${booked.id}\\?token=([^\\s&]+)`).exec(email!.body)![1]!);
      expect(token).not.toBe(booked.manageToken);
      expect(appointmentAcceptsToken((await w.appointments.find(booked.id))!.value, token)).toBe(true);
    }
    expect(email!.body).not.toContain(cancelled.id);
    // Logs name the lookup, never the address.
    expect(JSON.stringify(w.logged)).not.toMatch(/example\.com/);
  });

  it('caps per client with a 429 at the request, and per address after the answer (still nothing to tell the caller)', async () => {
    const w = await lookupWorld();
    await w.book(TUESDAY_10);
    for (let i = 0; i < 3; i += 1) await w.lookup('ann@example.com', '198.51.100.7');
    await expect(outcome(w.lookup('other@example.com', '198.51.100.7'))).resolves.toBe('rate-limited');
    await processLookups(w.lookupDeps);
    // Three lookups of one address, two per hour: two emails.
    expect(w.messaging.sentTo('ann@example.com')).toHaveLength(2);
    expect(w.logged.filter((l) => l.event === 'lookup.capped')).toHaveLength(1);
    w.clock.advance(HOUR);
    await w.lookup('ann@example.com', '198.51.100.7');
    await processLookups(w.lookupDeps);
    expect(w.messaging.sentTo('ann@example.com')).toHaveLength(3);
  });

  it('carries out each lookup once even when two sweeps race, and retries one whose send failed', async () => {
    const w = await lookupWorld();
    await w.book(TUESDAY_10);
    await w.lookup('ann@example.com');
    w.messaging.failEmail.push(new Error('ACS down'));
    expect(await processLookups(w.lookupDeps)).toEqual({ done: 0, pending: 1 });
    expect(await processLookups(w.lookupDeps)).toEqual({ done: 0, pending: 1 }); // leased
    w.clock.advance(3 * 60_000);
    const [a, b] = await Promise.all([processLookups(w.lookupDeps), processLookups(w.lookupDeps)]);
    expect(a.done + b.done).toBe(1);
    expect(w.messaging.sentTo('ann@example.com')).toHaveLength(1);
  });

  it('does exactly the same work at the request for a known and an unknown address (nothing that could tell them apart by time)', async () => {
    const w = await lookupWorld();
    await w.book(TUESDAY_10);
    const calls: string[] = [];
    const traced = <T extends object>(name: string, target: T): T =>
      new Proxy(target, {
        get(object, property, receiver) {
          const value = Reflect.get(object, property, receiver) as unknown;
          return typeof value === 'function'
            ? (...args: unknown[]) => (
                calls.push(`${name}.${String(property)}`),
                (value as (...a: unknown[]) => unknown).apply(object, args)
              )
            : value;
        },
      });
    const deps: LookupDeps = {
      ...w.lookupDeps,
      businesses: traced('businesses', w.businesses),
      appointments: traced('appointments', w.appointments),
      requests: traced('requests', w.requests),
      quotas: traced('quotas', w.quotas),
      email: traced('email', w.messaging.email),
    };
    await requestLookup(deps, { businessId: 'b1', email: 'ann@example.com', clientAddress: 'c' });
    const known = calls.splice(0);
    await requestLookup(deps, { businessId: 'b1', email: 'nobody@example.com', clientAddress: 'c' });
    expect(calls).toEqual(known);
    expect(known).toEqual(['businesses.getBusiness', 'quotas.take', 'requests.add']);
  });

  it('is a 404 for an unknown business and records nothing', async () => {
    const w = await lookupWorld();
    await expect(outcome(requestLookup(w.lookupDeps, { businessId: 'nope', email: 'ann@example.com', clientAddress: 'x' }))).resolves.toBe(
      'not-found',
    );
    expect(await w.requests.listPending(10)).toEqual([]);
  });
});

describe('the lost-link email texts', () => {
  const facts = {
    consumerName: 'Ann',
    businessName: 'Clinic',
    timeZone: 'Europe/Berlin',
    items: [
      {
        serviceName: 'Consult',
        providerName: 'Dr P',
        start: TUESDAY_10,
        end: TUESDAY_10 + HOUR / 2,
        links: { join: 'https://j', manage: 'https://m' },
      },
    ],
  };

  it('exists in English, German, French and Spanish, each text filled', () => {
    expect(Object.keys(LOOKUP_TRANSLATIONS).sort()).toEqual(['de', 'en', 'es', 'fr']);
    const subjects = new Set<string>();
    for (const language of Object.keys(LOOKUP_TRANSLATIONS)) {
      const message = composeLookupMessage({ ...facts, locale: language });
      subjects.add(message.subject);
      expect(message.plainText).toContain('https://j');
      expect(message.plainText).toContain('https://m');
      expect(message.html).toContain('href="https://m"');
    }
    expect(subjects.size).toBe(4);
  });

  it('formats the time in the locale and zone, falls back to English, and escapes HTML', () => {
    expect(composeLookupMessage({ ...facts, locale: 'fr-FR' }).plainText).toMatch(/mardi 3 mars 2026, 10:00/);
    expect(composeLookupMessage({ ...facts, locale: 'ja-JP' }).subject).toBe('Your appointments at Clinic');
    expect(composeLookupMessage({ ...facts, consumerName: '<b>x</b>' }).html).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it("writes in the business's default language when the consumer gave none or one not written", () => {
    expect(composeLookupMessage({ ...facts, defaultLocale: 'es' }).subject).toBe('Sus citas en Clinic');
    expect(composeLookupMessage({ ...facts, locale: 'ja-JP', defaultLocale: 'de' }).subject).toBe('Ihre Termine bei Clinic');
    expect(composeLookupMessage({ ...facts, locale: 'fr-CA', defaultLocale: 'de' }).subject).toBe('Vos rendez-vous chez Clinic');
  });
});
