/**
 * The lost link over HTTP on the local stack (virtual clock): the lookup answers byte for byte the
 * same (status, headers, body) for an address with appointments and one without; only the known one
 * gets an email, with fresh links that work; per-client caps are a 429 that does not depend on the address.
 */
import { DateTime } from 'luxon';
import { configureClinic, startAppStack, type AppStack, type CallResult } from '../support/app-stack';
import { uniqueTablePrefix } from '../support/env';

const B = 'lookupclinic';
const ZONE = 'Europe/Berlin';
const unique = (name: string) => `${name}-${process.pid}-${Math.floor(Math.random() * 1e9)}@example.com`;
type Booking = { appointment: { id: string }; manageToken: string };

/** Everything a caller can see of an answer except the moment it was sent. */
const visible = (answer: CallResult<unknown>) => ({
  status: answer.status,
  headers: [...answer.headers.entries()].filter(([name]) => name !== 'date').sort(),
  body: answer.text,
});

describe('lost link over HTTP', () => {
  let stack: AppStack;

  beforeAll(async () => {
    stack = await startAppStack({
      clockMode: 'virtual',
      env: { TABLE_NAME_PREFIX: uniqueTablePrefix(), LOOKUPS_PER_CLIENT_PER_HOUR: '6' },
    });
    await configureClinic(stack, { businessId: B, providers: ['amy', 'bob'], service: { minimumNoticeMinutes: 0, reminders: [] } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const lookup = (email: string, client: string) =>
    stack.call('POST', `/businesses/${B}/appointments/lookup`, { body: { email }, headers: { 'X-Forwarded-For': client } });
  const messages = async (to: string) => (await stack.messages(to)).filter((m) => m.kind === 'lookup');
  const waitFor = async (to: string, count: number, withinMs = 5000) => {
    const deadline = Date.now() + withinMs;
    let found = await messages(to);
    while (found.length < count && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      found = await messages(to);
    }
    return found;
  };

  it('answers a known and an unknown address identically, and emails working links to the known one only', async () => {
    const known = unique('known');
    const unknown = unique('unknown');
    const day = DateTime.fromMillis(await stack.now(), { zone: ZONE })
      .plus({ days: 3 })
      .startOf('day');
    const bookings: Booking[] = [];
    for (const [hour, providerId] of [
      [10, 'amy'],
      [11, 'bob'],
    ] as const) {
      const booked = await stack.call<Booking>('POST', `/businesses/${B}/appointments`, {
        body: {
          serviceId: 'consult',
          providerId,
          start: day.set({ hour }).toUTC().toISO(),
          consumer: { name: 'Lou', email: known, locale: 'fr-FR' },
        },
      });
      expect(booked.status).toBe(201);
      bookings.push(booked.body);
    }

    const answers = [
      await lookup(known, '198.51.100.1'),
      await lookup(unknown, '198.51.100.1'),
      await lookup(known.toUpperCase(), '198.51.100.2'),
    ];
    for (const answer of answers) expect(visible(answer)).toEqual(visible(answers[1]!));
    expect(answers[0]!.status).toBe(202);
    expect(answers[0]!.body).toEqual({ status: 'accepted', detail: expect.any(String) });

    const [email, second] = await waitFor(known, 2);
    expect(second).toBeDefined(); // two lookups (the case does not matter), two emails within the per-address cap
    await stack.advance(1); // the sweep has run too
    expect(await messages(known)).toHaveLength(2);
    expect(await stack.messages(unknown)).toEqual([]);
    expect(email!.subject).toBe(`Vos rendez-vous chez Clinic ${B}`);
    for (const booking of bookings) {
      const token = decodeURIComponent(new RegExp(`/appointments/${booking.appointment.id}\\?token=([^\\s&"<]+)`).exec(email!.body)![1]!);
      expect(token).not.toBe(booking.manageToken);
      const read = await stack.call<{ id: string; status: string }>(
        'GET',
        `/appointments/${booking.appointment.id}?token=${encodeURIComponent(token)}`,
      );
      expect(read.status).toBe(200);
      expect(read.body.status).toBe('booked');
    }
    // The host's logs name lookups, never the addresses (nor their local parts).
    for (const address of [known, unknown]) expect(stack.host.output().toLowerCase()).not.toContain(address.split('@')[0]!.toLowerCase());
    expect(stack.host.output()).toMatch(/lookup\.(sent|done)/);
  });

  it('caps one client with a 429 whatever address it asks about', async () => {
    // The local host puts the socket's address last in X-Forwarded-For: every request here is one client.
    const statuses: number[] = [];
    while (statuses.length < 8 && statuses[statuses.length - 1] !== 429) statuses.push((await lookup(unique('any'), '203.0.113.9')).status);
    expect(statuses[statuses.length - 1]).toBe(429);
    expect(statuses.filter((s) => s === 202).length).toBeLessThanOrEqual(6);
    const [overKnown, overUnknown] = [await lookup(unique('any'), '203.0.113.9'), await lookup(unique('other'), '203.0.113.9')];
    expect(overKnown.status).toBe(429);
    expect(overKnown.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(overUnknown.text).toBe(overKnown.text);
  });

  it('refuses a malformed address with a 400 and an unknown business with a 404', async () => {
    expect((await lookup('not-an-address', '192.0.2.1')).status).toBe(400);
    const unknownBusiness = await stack.call('POST', '/businesses/nowhere/appointments/lookup', {
      body: { email: unique('x') },
      headers: { 'X-Forwarded-For': '192.0.2.1' },
    });
    expect(unknownBusiness.status).toBe(404);
  });
});
