/** Booking, cancel, reschedule and the consumer's errors over HTTP, on the real app served by the local host. */
import { startHostProcess } from '../support/host-process';
import { configureClinic, localTime, startAppStack, type AppStack } from '../support/app-stack';
import { uniqueTablePrefix } from '../support/env';
import { chunksOf, sendRaw } from '../support/raw-http';

type Appointment = { id: string; start: string; end: string; providerId: string; status: string; version: number; roomId?: string };
type Booking = { appointment: Appointment; manageToken: string; links: { self: string; calendar: string; join: string } };

const ZONE = 'Europe/Berlin';
const consumer = { name: 'Jane Doe', email: 'jane@example.com' };
const problemType = (code: string) => `https://errors.virtual-appointments.dev/${code}`;

function expectProblem(result: { status: number; headers: Headers; body: unknown }, status: number, code: string): void {
  expect(result.status).toBe(status);
  expect(result.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(result.body).toMatchObject({ type: problemType(code), status });
}

function overlapping(a: Appointment, b: Appointment, bufferMs: number): boolean {
  return Date.parse(a.start) - bufferMs < Date.parse(b.end) + bufferMs && Date.parse(b.start) - bufferMs < Date.parse(a.end) + bufferMs;
}

describe('booking over HTTP', () => {
  let stack: AppStack;
  let managerToken: string;
  let providerTokens: Record<string, string>;
  const prefix = uniqueTablePrefix();

  beforeAll(async () => {
    stack = await startAppStack({ env: { TABLE_NAME_PREFIX: prefix } });
    ({ managerToken, providerTokens } = await configureClinic(stack, {
      businessId: 'clinic',
      providers: ['amy', 'bob'],
      service: {
        bufferBeforeMinutes: 10,
        bufferAfterMinutes: 10,
        slotIntervalMinutes: 15,
        cancellationCutoffMinutes: 1440,
        rescheduleCutoffMinutes: 1440,
        minimumNoticeMinutes: 60,
      },
    }));
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const book = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    stack.call<Booking>('POST', '/businesses/clinic/appointments', { body: { serviceId: 'consult', consumer, ...body }, headers });

  it('books a slot that the slots endpoint offers and answers links with the token', async () => {
    const start = await localTime(stack, ZONE, 3, '10:00');
    const slots = await stack.call<{ slots: Array<{ start: string; providerIds: string[] }> }>(
      'GET',
      `/businesses/clinic/services/consult/slots?from=${encodeURIComponent(start)}&to=${encodeURIComponent(new Date(Date.parse(start) + 3600_000).toISOString())}`,
    );
    expect(slots.body.slots[0]).toEqual({ start: start, end: expect.any(String), providerIds: ['amy', 'bob'] });
    const result = await book({ start });
    expect(result.status).toBe(201);
    expect(result.body.appointment).toMatchObject({ start, status: 'booked', providerId: 'amy', version: 1 });
    expect(result.body.manageToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.body.links.self).toBe(`${stack.baseUrl}/appointments/${result.body.appointment.id}?token=${result.body.manageToken}`);
    const read = await stack.call<Appointment>('GET', `/appointments/${result.body.appointment.id}`, {
      manageToken: result.body.manageToken,
    });
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(result.body.appointment.id);
    const after = await stack.call<{ slots: Array<{ start: string; providerIds: string[] }> }>(
      'GET',
      `/businesses/clinic/services/consult/slots?from=${encodeURIComponent(start)}&to=${encodeURIComponent(new Date(Date.parse(start) + 60_000).toISOString())}`,
    );
    expect(after.body.slots[0]?.providerIds).toEqual(['bob']);
  });

  it('never double-books: 50 concurrent overlapping requests for one provider, buffers counted', async () => {
    const base = Date.parse(await localTime(stack, ZONE, 4, '09:00'));
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => book({ start: new Date(base + (i % 12) * 15 * 60_000).toISOString(), providerId: 'bob' })),
    );
    const booked = results.filter((r) => r.status === 201).map((r) => r.body.appointment);
    expect(booked.length).toBeGreaterThan(0);
    for (const r of results) if (r.status !== 201) expectProblem(r, 409, 'slot-unavailable');
    for (const a of booked) for (const b of booked) if (a.id !== b.id) expect(overlapping(a, b, 10 * 60_000)).toBe(false);
  });

  it('never double-books across two host processes sharing the storage', async () => {
    const second = await startHostProcess({ env: { TABLE_NAME_PREFIX: prefix } });
    try {
      const base = Date.parse(await localTime(stack, ZONE, 5, '09:00'));
      const hosts = [stack.baseUrl, second.baseUrl];
      const results = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const response = await fetch(`${hosts[i % 2]}/businesses/clinic/appointments`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({
              serviceId: 'consult',
              providerId: 'amy',
              consumer,
              start: new Date(base + (i % 8) * 15 * 60_000).toISOString(),
            }),
          });
          return { status: response.status, body: (await response.json()) as Booking };
        }),
      );
      const booked = results.filter((r) => r.status === 201).map((r) => r.body.appointment);
      expect(booked.length).toBeGreaterThan(0);
      expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
      for (const a of booked) for (const b of booked) if (a.id !== b.id) expect(overlapping(a, b, 10 * 60_000)).toBe(false);
    } finally {
      await second.stop();
    }
  });

  it('creates one appointment for sequential and concurrent retries with one Idempotency-Key', async () => {
    const start = await localTime(stack, ZONE, 6, '11:00');
    const concurrent = await Promise.all(Array.from({ length: 6 }, () => book({ start }, { 'Idempotency-Key': 'order-42' })));
    expect(concurrent.map((r) => r.status)).toEqual(Array(6).fill(201));
    const sequential = await book({ start }, { 'Idempotency-Key': 'order-42' });
    const ids = new Set([...concurrent, sequential].map((r) => r.body.appointment.id));
    expect(ids.size).toBe(1);
    expect(sequential.body).toEqual(concurrent[0]!.body);
    const other = await book({ start: await localTime(stack, ZONE, 6, '12:00') }, { 'Idempotency-Key': 'order-42' });
    expectProblem(other, 422, 'idempotency-conflict');
    // Exactly one booking exists at that time for the whole business.
    const list = await stack.call<{ appointments: Appointment[] }>(
      'GET',
      `/businesses/clinic/appointments?from=${encodeURIComponent(start)}&to=${encodeURIComponent(new Date(Date.parse(start) + 60_000).toISOString())}`,
      { token: managerToken },
    );
    expect(list.status).toBe(200);
    expect(list.body.appointments.filter((a) => a.status === 'booked')).toHaveLength(1);
  });

  it('cancel frees the slot; reschedule moves and frees the old time; If-Match guards both', async () => {
    const start = await localTime(stack, ZONE, 7, '14:00');
    const first = (await book({ start, providerId: 'amy' })).body;
    expectProblem(await book({ start, providerId: 'amy' }), 409, 'slot-unavailable');
    const path = `/appointments/${first.appointment.id}`;
    expectProblem(
      await stack.call('POST', `${path}/cancel`, { manageToken: first.manageToken, headers: { 'If-Match': '"9"' } }),
      412,
      'version-mismatch',
    );
    const cancelled = await stack.call<Appointment>('POST', `${path}/cancel`, {
      manageToken: first.manageToken,
      body: { reason: 'feeling better' },
    });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', version: 2 });
    const again = await stack.call<Appointment>('POST', `${path}/cancel`, { manageToken: first.manageToken });
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(2);
    expectProblem(
      await stack.call('POST', `${path}/reschedule`, { manageToken: first.manageToken, body: { start } }),
      409,
      'invalid-state',
    );

    const second = (await book({ start, providerId: 'amy' })).body;
    expect(second.appointment.providerId).toBe('amy');
    const later = await localTime(stack, ZONE, 7, '16:00');
    const moved = await stack.call<Appointment>('POST', `/appointments/${second.appointment.id}/reschedule`, {
      manageToken: second.manageToken,
      headers: { 'If-Match': '"1"' },
      body: { start: later },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ start: later, version: 2, providerId: 'amy' });
    expect((await book({ start, providerId: 'amy' })).status).toBe(201);
  });

  it('answers too-late past the cutoffs to consumers, while staff may still change it', async () => {
    // Open every day 09:00-17:00 with 60 min notice: the first slot is always less than 24 h away,
    // so it lies inside the 24 h (1440 min) cutoffs.
    const now = await stack.now();
    const slot = await stack.call<{ slots: Array<{ start: string }> }>(
      'GET',
      `/businesses/clinic/services/consult/slots?from=${encodeURIComponent(new Date(now).toISOString())}&to=${encodeURIComponent(new Date(now + 86_400_000).toISOString())}&providerId=bob`,
    );
    const first = slot.body.slots[0]!;
    expect(Date.parse(first.start) - now).toBeLessThan(24 * 3600_000);
    const booking = (await book({ start: first.start, providerId: 'bob' })).body;
    const path = `/appointments/${booking.appointment.id}`;
    expectProblem(await stack.call('POST', `${path}/cancel`, { manageToken: booking.manageToken }), 409, 'too-late');
    expectProblem(
      await stack.call('POST', `${path}/reschedule`, { manageToken: booking.manageToken, body: { start: first.start } }),
      409,
      'too-late',
    );
    const byProvider = await stack.call<Appointment>('POST', `${path}/cancel`, { token: providerTokens.bob });
    expect(byProvider.body.status).toBe('cancelled');
  });

  it('a consumer token cannot touch another appointment; staff of another provider are forbidden', async () => {
    const a = (await book({ start: await localTime(stack, ZONE, 8, '10:00'), providerId: 'amy' })).body;
    const b = (await book({ start: await localTime(stack, ZONE, 8, '10:00'), providerId: 'bob' })).body;
    expectProblem(await stack.call('GET', `/appointments/${a.appointment.id}`, { manageToken: b.manageToken }), 401, 'unauthorized');
    expectProblem(
      await stack.call('POST', `/appointments/${a.appointment.id}/cancel`, { manageToken: b.manageToken }),
      401,
      'unauthorized',
    );
    expectProblem(await stack.call('GET', `/appointments/${a.appointment.id}`), 401, 'unauthorized');
    expectProblem(await stack.call('GET', `/appointments/${a.appointment.id}`, { token: providerTokens.bob }), 403, 'forbidden');
    expectProblem(await stack.call('GET', '/appointments/does-not-exist', { token: providerTokens.bob }), 404, 'not-found');
    expect((await stack.call('GET', `/appointments/${a.appointment.id}?token=${encodeURIComponent(a.manageToken)}`)).status).toBe(200);
    expect((await stack.call<Appointment>('GET', `/appointments/${a.appointment.id}`)).status).toBe(401);
    // Still booked: nothing above changed it.
    expect((await stack.call<Appointment>('GET', `/appointments/${a.appointment.id}`, { manageToken: a.manageToken })).body.status).toBe(
      'booked',
    );
  });

  it('answers bad input with problem+json and changes nothing', async () => {
    const start = await localTime(stack, ZONE, 9, '10:00');
    expectProblem(await book({ start, consumer: { name: '', email: 'not-an-email' } }), 400, 'validation');
    expectProblem(await book({ start: 'tomorrow' }), 400, 'validation');
    expectProblem(await book({ start, serviceId: 'ghost' }), 400, 'validation');
    expectProblem(await book({ start, providerId: 'ghost' }), 400, 'validation');
    expectProblem(await book({ start: await localTime(stack, ZONE, 9, '10:07') }), 409, 'slot-unavailable');
    expectProblem(await book({ start: await localTime(stack, ZONE, 9, '20:00') }), 409, 'slot-unavailable');
    expectProblem(await book({ start: await localTime(stack, ZONE, 400, '10:00') }), 409, 'slot-unavailable');
    expectProblem(await book({ start }, { 'Idempotency-Key': '' }), 400, 'validation');
    expectProblem(
      await stack.call('POST', '/businesses/ghost-business/appointments', { body: { serviceId: 'consult', start, consumer } }),
      404,
      'not-found',
    );
    expectProblem(
      await stack.call('POST', '/businesses/clinic/appointments', {
        body: '{"serviceId": ',
        headers: { 'Content-Type': 'application/json' },
      }),
      400,
      'validation',
    );
    expectProblem(
      await stack.call('POST', '/businesses/clinic/appointments', {
        body: 'serviceId=consult',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      }),
      415,
      'unsupported-media-type',
    );
    expectProblem(
      await stack.call('POST', '/businesses/clinic/appointments', {
        body: { serviceId: 'consult', start, consumer, notes: 'x'.repeat(70 * 1024) },
      }),
      413,
      'payload-too-large',
    );
    expectProblem(await stack.call('GET', '/appointments/bad%20id!', { token: managerToken }), 400, 'validation');
    // None of them booked anything: the time is still free for both providers.
    const slots = await stack.call<{ slots: Array<{ start: string; providerIds: string[] }> }>(
      'GET',
      `/businesses/clinic/services/consult/slots?from=${encodeURIComponent(start)}&to=${encodeURIComponent(new Date(Date.parse(start) + 60_000).toISOString())}`,
    );
    expect(slots.body.slots).toEqual([{ start, end: expect.any(String), providerIds: ['amy', 'bob'] }]);
  });

  it('stops reading a chunked body at the size limit and answers 413', async () => {
    // node:http reads the early 413 (the host closes the connection while the client still sends).
    // The client keeps sending after the answer, as long as the host takes bytes.
    const answer = await sendRaw(`${stack.baseUrl}/businesses/clinic/appointments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      chunks: chunksOf(64 * 1024 * 1024, 64 * 1024),
      untilRefused: true,
    });
    expectProblem(
      { status: answer.status, headers: new Headers(answer.headers as Record<string, string>), body: JSON.parse(answer.text) },
      413,
      'payload-too-large',
    );
    // The limit is 64 KiB: what the host let in beyond it is socket buffering (a few MiB), not a read of all 64 MiB.
    expect(answer.sent).toBeLessThan(16 * 1024 * 1024);
  });

  it('serves calendar.ics with the same credentials as the appointment', async () => {
    const booking = (await book({ start: await localTime(stack, ZONE, 10, '10:00') })).body;
    const ics = await stack.call<string>(
      'GET',
      `/appointments/${booking.appointment.id}/calendar.ics?token=${encodeURIComponent(booking.manageToken)}`,
    );
    expect(ics.status).toBe(200);
    expect(ics.headers.get('content-type')).toMatch(/text\/calendar/);
    expect(ics.text).toContain(`UID:${booking.appointment.id}@virtual-appointments`);
    expectProblem(await stack.call('GET', `/appointments/${booking.appointment.id}/calendar.ics`), 401, 'unauthorized');
  });
});
