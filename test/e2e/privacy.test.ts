/**
 * Consent, opt-out, erasure and retention over HTTP on the local host with the virtual clock (issue 16,
 * docs/privacy.md): withdrawn consent and a number that texted STOP get no SMS (the emulator's sent log
 * shows none) and the reminders' deliveries say why; after an erasure, and after the retention purge,
 * no table, queue or blob of the local Azurite and no durable history holds the consumer's email or
 * phone, in clear or in the hashed forms the app uses.
 */
import { createHash } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { configureClinic, localTime, startAppStack, verifyPhone, type AppStack, type SentMessage } from '../support/app-stack';
import { appointmentMessages } from '../support/phone-verification';
import { testStorageConnectionString, uniqueTablePrefix } from '../support/env';

type Delivery = { channel: string; status: string; reason?: string };
type Reminder = { dueAt: string; channels: string[]; status: string; deliveries: Delivery[] };
type Appointment = {
  id: string;
  start: string;
  end: string;
  status: string;
  version: number;
  consumer: Record<string, unknown>;
  notes?: string;
  erasedAt?: string;
  reminders: Reminder[];
  chatThreadId?: string;
};
type Booking = { appointment: Appointment; manageToken: string };

const B = 'privacyclinic';
const ZONE = 'Europe/Berlin';
const MIN = 60_000;
const SENDER = '+18005550100';
// The day before on both channels, the hour before by SMS only.
const REMINDERS = [
  { offsetMinutes: 1440, channels: ['email', 'sms'] },
  { offsetMinutes: 60, channels: ['sms'] },
];

let counter = 0;
const uniqueEmail = () => `Privacy-${process.pid}-${(counter += 1)}@Example.com`;
const uniquePhone = () => `+1312${200 + ((process.pid + 7) % 800)}${String((counter += 1) + 5000).padStart(4, '0')}`;
const summary = (messages: SentMessage[]) => messages.map((m) => `${m.channel}:${m.kind}`);
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Every form in which the app could have kept an email address or a phone number. */
function tracesOf(email: string, phone: string): string[] {
  const digits = phone.replace(/\D/g, '');
  return [
    email,
    email.toLowerCase(),
    encodeURIComponent(email),
    phone,
    digits,
    encodeURIComponent(phone),
    sha256(email),
    sha256(email.toLowerCase()),
    sha256(phone),
    sha256(digits),
    sha256(`email-recipient|${email.toLowerCase()}`),
    sha256(`sms-recipient|${phone}`),
    sha256(`code-phone|${phone}`),
  ];
}

/** Each hit: where a trace was found (table row, queue message, blob). */
async function scanLocalStorage(traces: string[]): Promise<string[]> {
  const connection = testStorageConnectionString();
  const hits: string[] = [];
  const look = (where: string, text: string) => {
    for (const trace of traces) if (text.includes(trace)) hits.push(`${where} holds ${trace}`);
  };
  const tables = TableServiceClient.fromConnectionString(connection, { allowInsecureConnection: true });
  for await (const table of tables.listTables()) {
    const client = TableClient.fromConnectionString(connection, table.name!, { allowInsecureConnection: true });
    for await (const entity of client.listEntities())
      look(`table ${table.name} row ${String(entity.partitionKey)}/${String(entity.rowKey)}`, JSON.stringify(entity));
  }
  const queues = QueueServiceClient.fromConnectionString(connection);
  for await (const queue of queues.listQueues()) {
    const peeked = await queues.getQueueClient(queue.name).peekMessages({ numberOfMessages: 32 });
    for (const message of peeked.peekedMessageItems) {
      look(`queue ${queue.name}`, message.messageText);
      look(`queue ${queue.name}`, Buffer.from(message.messageText, 'base64').toString('utf8'));
    }
  }
  const blobs = BlobServiceClient.fromConnectionString(connection);
  for await (const container of blobs.listContainers()) {
    const client = blobs.getContainerClient(container.name);
    for await (const blob of client.listBlobsFlat())
      look(`blob ${container.name}/${blob.name}`, (await client.getBlobClient(blob.name).downloadToBuffer()).toString('utf8'));
  }
  return hits;
}

/** The service's two reminders after the SMS stopped: the first went by email only, the SMS-only one was skipped; each SMS says why. */
function remindersWithSmsSkipped(reason: string): unknown[] {
  return [
    expect.objectContaining({
      status: 'sent',
      deliveries: [
        { channel: 'email', status: 'sent' },
        { channel: 'sms', status: 'skipped', reason },
      ],
    }),
    expect.objectContaining({ status: 'skipped', deliveries: [{ channel: 'sms', status: 'skipped', reason }] }),
  ];
}

describe('consent, opt-out, erasure and retention over HTTP', () => {
  let stack: AppStack;
  /** Tokens are minted at the (virtual) time they are used. */
  const manager = () => stack.staffToken(`manager-${B}`);
  const adminUrl = process.env.TEST_ACS_ADMIN_URL!;
  const acsAdmin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${adminUrl}${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    if (response.status >= 300) throw new Error(`emulator ${method} ${path}: ${response.status} ${await response.text()}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  };

  beforeAll(async () => {
    stack = await startAppStack({ clockMode: 'virtual', env: { TABLE_NAME_PREFIX: uniqueTablePrefix(), APPOINTMENT_RETENTION_DAYS: '2' } });
    await configureClinic(stack, {
      businessId: B,
      providers: ['amy'],
      service: {
        minimumNoticeMinutes: 0,
        cancellationCutoffMinutes: 0,
        rescheduleCutoffMinutes: 0,
        joinWindowMinutes: 60,
        reminders: REMINDERS,
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const messagesTo = async (to: string) => appointmentMessages(await stack.messages(to));
  const book = async (
    start: string,
    consumer: Record<string, unknown>,
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Promise<Booking> => {
    const phoneVerification =
      consumer.smsConsent && typeof consumer.phone === 'string' ? await verifyPhone(stack, B, consumer.phone) : undefined;
    const result = await stack.call<Booking>('POST', `/businesses/${B}/appointments`, {
      headers,
      body: {
        serviceId: 'consult',
        start,
        consumer: { name: 'Erin Private', ...consumer, ...(phoneVerification ? { phoneVerification } : {}) },
        ...extra,
      },
    });
    if (result.status !== 201) throw new Error(`booking failed: ${result.status} ${result.text}`);
    return result.body;
  };
  const read = async (booking: Booking) =>
    (await stack.call<Appointment>('GET', `/appointments/${booking.appointment.id}`, { token: await manager() })).body;
  const waitFor = async <T>(probe: () => Promise<T>, done: (value: T) => boolean, withinMs = 5000): Promise<T> => {
    const deadline = Date.now() + withinMs;
    let value = await probe();
    while (!done(value) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      value = await probe();
    }
    return value;
  };
  /** Moves the virtual clock to just after `instant` (never back). */
  const advancePast = async (instant: number) => {
    const minutes = Math.ceil((instant - (await stack.now())) / MIN) + 1;
    if (minutes > 0) await stack.advance(minutes);
  };

  it('withdrawn SMS consent: reminders go by email only, the deliveries say why, consent cannot be given back', async () => {
    const contact = { email: uniqueEmail(), phone: uniquePhone() };
    const booking = await book(await localTime(stack, ZONE, 3, '10:00'), { ...contact, smsConsent: true });
    expect(
      summary(
        await waitFor(
          () => messagesTo(contact.phone),
          (m) => m.length >= 1,
        ),
      ),
    ).toEqual(['sms:confirmation']);

    const again = await stack.call('POST', `/appointments/${booking.appointment.id}/sms-consent`, {
      manageToken: booking.manageToken,
      body: { consent: true },
    });
    expect(again.status).toBe(400);
    const withdrawn = await stack.call<Appointment>('POST', `/appointments/${booking.appointment.id}/sms-consent`, {
      manageToken: booking.manageToken,
      body: { consent: false },
    });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.consumer).toMatchObject({ smsConsent: false });
    expect(withdrawn.body.version).toBe(booking.appointment.version);
    expect(withdrawn.body.reminders.map((r) => r.deliveries)).toEqual([
      [
        { channel: 'email', status: 'pending' },
        { channel: 'sms', status: 'skipped', reason: 'sms-consent-withdrawn' },
      ],
      [{ channel: 'sms', status: 'skipped', reason: 'sms-consent-withdrawn' }],
    ]);
    // Idempotent.
    expect(
      (
        await stack.call<Appointment>('POST', `/appointments/${booking.appointment.id}/sms-consent`, {
          manageToken: booking.manageToken,
          body: { consent: false },
        })
      ).body,
    ).toEqual(withdrawn.body);

    await advancePast(Date.parse(booking.appointment.start) - 30 * MIN);
    expect(summary(await messagesTo(contact.email))).toEqual(['email:confirmation', 'email:reminder']);
    expect(summary(await messagesTo(contact.phone))).toEqual(['sms:confirmation']);
    const after = await read(booking);
    expect(after.reminders).toEqual(remindersWithSmsSkipped('sms-consent-withdrawn'));
  });

  it('a number that texted STOP gets no further SMS from the business; the emulator sent none and the deliveries say why', async () => {
    const contact = { email: uniqueEmail(), phone: uniquePhone() };
    const booking = await book(await localTime(stack, ZONE, 3, '11:00'), { ...contact, smsConsent: true });
    expect(
      summary(
        await waitFor(
          () => messagesTo(contact.phone),
          (m) => m.length >= 1,
        ),
      ),
    ).toEqual(['sms:confirmation']);
    await acsAdmin('POST', '/admin/sms/inbound', { from: contact.phone, to: SENDER, message: 'Stop' });
    const sentBefore = (await acsAdmin<{ sms: Array<{ to: string }> }>('GET', '/admin/sms')).sms.filter(
      (s) => s.to === contact.phone,
    ).length;

    await advancePast(Date.parse(booking.appointment.start) - 30 * MIN);
    expect(summary(await messagesTo(contact.email))).toEqual(['email:confirmation', 'email:reminder']);
    expect(summary(await messagesTo(contact.phone))).toEqual(['sms:confirmation']);
    // Not even handed to ACS (which would accept it and fail its delivery).
    expect((await acsAdmin<{ sms: Array<{ to: string }> }>('GET', '/admin/sms')).sms.filter((s) => s.to === contact.phone)).toHaveLength(
      sentBefore,
    );
    expect((await read(booking)).reminders).toEqual(remindersWithSmsSkipped('sms-opted-out'));
  });

  it('a START takes the number back: the next SMS reminder reaches it, and the business forgets the opt-out', async () => {
    const contact = { email: uniqueEmail(), phone: uniquePhone() };
    const booking = await book(await localTime(stack, ZONE, 3, '12:00'), { ...contact, smsConsent: true });
    await waitFor(
      () => messagesTo(contact.phone),
      (m) => m.length >= 1,
    );
    const start = Date.parse(booking.appointment.start);
    await acsAdmin('POST', '/admin/sms/inbound', { from: contact.phone, to: SENDER, message: 'STOP' });
    await advancePast(start - 1440 * MIN);
    expect((await read(booking)).reminders[0]!.deliveries).toContainEqual({ channel: 'sms', status: 'skipped', reason: 'sms-opted-out' });

    await acsAdmin('POST', '/admin/sms/inbound', { from: contact.phone, to: SENDER, message: 'START' });
    await advancePast(start - 30 * MIN);
    expect(summary(await messagesTo(contact.phone))).toEqual(['sms:confirmation', 'sms:reminder']);
    expect((await read(booking)).reminders[1]).toMatchObject({ status: 'sent', deliveries: [{ channel: 'sms', status: 'sent' }] });
  });

  it('erasure leaves no trace of the email or phone in any table, queue, blob or durable history; purge after retention removes the rest', async () => {
    const contact = { email: uniqueEmail(), phone: uniquePhone() };
    const traces = tracesOf(contact.email, contact.phone);
    // Soon, so the consumer can join (ACS identity, chat thread) before the erasure.
    const now = await stack.now();
    const start = new Date(Math.ceil((now + 45 * MIN) / (30 * MIN)) * 30 * MIN);
    const slot = (
      await stack.call<{ slots: Array<{ start: string }> }>(
        'GET',
        `/businesses/${B}/services/consult/slots?from=${encodeURIComponent(start.toISOString())}&to=${encodeURIComponent(new Date(start.getTime() + 86_400_000).toISOString())}`,
      )
    ).body.slots[0]!.start;
    const booking = await book(
      slot,
      { ...contact, smsConsent: true },
      { notes: `Call me at ${contact.phone} or ${contact.email}` },
      { 'Idempotency-Key': `privacy-${process.pid}-${counter}` },
    );
    await waitFor(
      () => messagesTo(contact.email),
      (m) => m.length >= 1,
    );
    const joined = await stack.call<{ acsUserId: string; chatThreadId: string }>('POST', `/appointments/${booking.appointment.id}/join`, {
      manageToken: booking.manageToken,
    });
    expect(joined.status).toBe(200);
    expect((await scanLocalStorage(traces)).length).toBeGreaterThan(0); // the scan does find what is there

    // Only the business's managers erase.
    expect((await stack.call('POST', `/appointments/${booking.appointment.id}/erase`, { manageToken: booking.manageToken })).status).toBe(
      403,
    );
    expect(
      (await stack.call('POST', `/appointments/${booking.appointment.id}/erase`, { token: await stack.staffToken(`oid-${B}-amy`) })).status,
    ).toBe(403);
    const erased = await stack.call<Appointment>('POST', `/appointments/${booking.appointment.id}/erase`, { token: await manager() });
    expect(erased.status).toBe(200);
    expect(erased.body.consumer).toEqual({ name: '[erased]', email: '[erased]', smsConsent: false });
    expect(erased.body).toMatchObject({
      notes: '[erased]',
      status: 'booked',
      start: booking.appointment.start,
      erasedAt: expect.any(String),
    });
    expect(erased.body.reminders.every((r) => r.status !== 'pending')).toBe(true);
    // Idempotent; the consumer's link stops working.
    expect(
      (await stack.call<Appointment>('POST', `/appointments/${booking.appointment.id}/erase`, { token: await manager() })).body,
    ).toEqual(erased.body);
    expect((await stack.call('GET', `/appointments/${booking.appointment.id}`, { manageToken: booking.manageToken })).status).toBe(401);

    // The outbox deletes the chat thread and the consumer's ACS identity.
    const acsState = () =>
      acsAdmin<{ identities: Array<{ id: string; deleted: boolean }>; chatThreads: Array<{ id: string }> }>('GET', '/admin/state');
    const state = await waitFor(
      acsState,
      (s) =>
        !s.chatThreads.some((t) => t.id === joined.body.chatThreadId) &&
        s.identities.some((i) => i.id === joined.body.acsUserId && i.deleted),
    );
    expect(state.chatThreads.map((t) => t.id)).not.toContain(joined.body.chatThreadId);
    expect(state.identities.find((i) => i.id === joined.body.acsUserId)).toMatchObject({ deleted: true });
    expect(await scanLocalStorage(traces)).toEqual([]);

    // Nothing more is sent to the erased consumer, and the appointment runs its course (completed after the end).
    await advancePast(Date.parse(booking.appointment.end) + 90 * MIN);
    expect(summary(await messagesTo(contact.email))).toEqual(['email:confirmation']);
    expect(await read(booking)).toMatchObject({ status: 'completed', consumer: { name: '[erased]' } });

    // Retention (2 days here): the appointment with its lifecycle history and room goes.
    await stack.advance(3 * 24 * 60);
    await stack.advance(60); // the hourly retention timer runs at least once after the cutoff
    expect((await stack.call('GET', `/appointments/${booking.appointment.id}`, { token: await manager() })).status).toBe(404);
    // The appointment id is gone too: rows, busy time, notification records and the durable history (rows of the task hub).
    expect(await scanLocalStorage([...traces, booking.appointment.id])).toEqual([]);
  });

  it('a retry of an erased booking with its Idempotency-Key books nothing again and replays no personal data', async () => {
    const email = uniqueEmail();
    const body = {
      serviceId: 'consult',
      start: await localTime(stack, ZONE, 4, '09:00'),
      consumer: { name: 'Retry Rita', email, smsConsent: false },
    };
    const key = `privacy-retry-${process.pid}-${(counter += 1)}`;
    const first = await stack.call<Booking>('POST', `/businesses/${B}/appointments`, { headers: { 'Idempotency-Key': key }, body });
    expect(first.status).toBe(201);
    expect(
      (await stack.call<Booking>('POST', `/businesses/${B}/appointments`, { headers: { 'Idempotency-Key': key }, body })).body.appointment
        .id,
    ).toBe(first.body.appointment.id);
    expect((await stack.call('POST', `/appointments/${first.body.appointment.id}/erase`, { token: await manager() })).status).toBe(200);

    const retry = await stack.call<{ type: string; detail: string }>('POST', `/businesses/${B}/appointments`, {
      headers: { 'Idempotency-Key': key },
      body,
    });
    expect(retry.status).toBe(409);
    expect(retry.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(retry.text).not.toContain(email);
    expect(await scanLocalStorage(tracesOf(email, '+10000000000'))).toEqual([]);
    // The slot was not taken a second time: the same start is still booked once, by the erased appointment.
    const listed = await stack.call<{ appointments: Array<{ id: string; start: string }> }>(
      'GET',
      `/businesses/${B}/appointments?from=${encodeURIComponent(body.start)}&to=${encodeURIComponent(new Date(Date.parse(body.start) + MIN).toISOString())}`,
      { token: await manager() },
    );
    expect(listed.body.appointments.map((a) => a.id)).toEqual([first.body.appointment.id]);
  });

  it('retention purges an ended appointment that was never erased, with everything that carried its consumer', async () => {
    const contact = { email: uniqueEmail(), phone: uniquePhone() };
    const traces = tracesOf(contact.email, contact.phone);
    const booking = await book(
      await localTime(stack, ZONE, 1, '12:00'),
      { ...contact, smsConsent: true },
      { notes: 'bring the letter' },
      { 'Idempotency-Key': `privacy-purge-${process.pid}-${counter}` },
    );
    await waitFor(
      () => messagesTo(contact.phone),
      (m) => m.length >= 1,
    );
    expect((await scanLocalStorage(traces)).length).toBeGreaterThan(0);

    // Ended, then kept for the retention period (2 days): still there one day after the end.
    await advancePast(Date.parse(booking.appointment.end) + 24 * 60 * MIN);
    expect(await read(booking)).toMatchObject({ status: 'completed', consumer: { email: contact.email } });
    // Before the purge the scan does see the appointment in the durable task hub's table.
    expect((await scanLocalStorage([booking.appointment.id])).some((hit) => /Durable row/.test(hit))).toBe(true);
    await advancePast(Date.parse(booking.appointment.end) + 3 * 24 * 60 * MIN);
    await stack.advance(60);
    expect((await stack.call('GET', `/appointments/${booking.appointment.id}`, { token: await manager() })).status).toBe(404);
    expect(await scanLocalStorage([...traces, booking.appointment.id])).toEqual([]);
    // A second run finds nothing left to do and changes nothing.
    await stack.advance(60);
    expect(await scanLocalStorage([...traces, booking.appointment.id])).toEqual([]);
  });
});
