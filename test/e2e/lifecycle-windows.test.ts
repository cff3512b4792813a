/**
 * A reschedule or a cancel can land at any point of the lifecycle's work; none may be lost. Each window
 * is reached on purpose, over HTTP on the local host with the virtual clock and a private ACS emulator
 * whose latency fault holds a step open:
 *
 *   before the orchestration starts  (the outbox is held behind another appointment's slow room creation)
 *   during the confirmation activity (the confirmation email is held)
 *   during a reminder activity       (the reminder email is held)
 *   while waiting on a timer
 *   right at continueAsNew           (as soon as ACS accepted the reminder, while the activity finishes)
 *
 * Each case ends with exactly one notice for the change, each reminder once and only for the current
 * time, and the appointment `completed` one hour after its current end (or still `cancelled`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { startAcsEmulator, type RunningAcsEmulator } from '../../dev/acs-emulator/start';
import { configureClinic, localTime, startAppStack, type AppStack, type SentMessage } from '../support/app-stack';
import { testStorageConnectionString, uniqueTablePrefix } from '../support/env';

type Reminder = { dueAt: string; status: string };
type Appointment = { id: string; start: string; end: string; status: string; version: number; reminders: Reminder[] };
type Booking = { appointment: Appointment; manageToken: string };
type Change = 'reschedule' | 'cancel';

const ZONE = 'Europe/Berlin';
const BUSINESS = 'windowclinic';
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const REMINDERS = [
  { offsetMinutes: 1440, channels: ['email'] },
  { offsetMinutes: 60, channels: ['email'] },
];
/** Long enough to act while a held request waits, short against the test's timeout. */
const HOLD_MS = 1500;

describe('lifecycle: a reschedule or cancel in any window is never lost', () => {
  let acs: RunningAcsEmulator;
  let stack: AppStack;
  let counter = 0;
  /** Every manage token handed out or sent in this file, for the storage scan at the end. */
  const tokens = new Set<string>();
  const consumers: string[] = [];

  beforeAll(async () => {
    acs = await startAcsEmulator({ resource: { emailProfile: 'raised' } }); // many sends within a real minute; quotas are pinned in strict-emulator.test.ts
    stack = await startAppStack({
      clockMode: 'virtual',
      env: {
        TABLE_NAME_PREFIX: uniqueTablePrefix(),
        ACS_CONNECTION_STRING: acs.connectionString,
        ACS_CA_CERT_PATH: acs.caCertPath,
        ACS_EMULATOR_ADMIN_URL: acs.adminUrl,
      },
    });
    await configureClinic(stack, {
      businessId: BUSINESS,
      providers: ['amy'],
      service: { minimumNoticeMinutes: 0, cancellationCutoffMinutes: 0, rescheduleCutoffMinutes: 0, reminders: REMINDERS },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await acs?.stop();
  });

  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${acs.adminUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return (response.status === 204 ? undefined : await response.json()) as T;
  };
  const accepted = async (to: string) =>
    (await admin<{ messages: SentMessage[] }>('GET', `/admin/messages?to=${encodeURIComponent(to)}`)).messages;
  const kinds = async (to: string) => (await accepted(to)).map((m) => m.kind);
  const until = async (what: string, check: () => Promise<boolean>, withinMs = 8000) => {
    const deadline = Date.now() + withinMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  /** A latency rule that holds the next matching request(s) open. */
  const hold = (path: string, count = 1) => admin('POST', '/admin/faults', { path, method: 'POST', latencyMs: HOLD_MS, count });
  const remainingHolds = async () =>
    (await admin<{ faults: Array<{ remaining: number }> }>('GET', '/admin/faults')).faults.reduce((sum, f) => sum + f.remaining, 0);
  const advanceTo = async (instant: number) => {
    const minutes = Math.floor((instant - (await stack.now())) / MIN);
    if (minutes > 0) await stack.advance(minutes);
  };
  const read = async (booking: Booking) =>
    (await stack.call<Appointment>('GET', `/appointments/${booking.appointment.id}`, { manageToken: booking.manageToken })).body;

  const newConsumer = () => {
    const email = `window-${process.pid}-${(counter += 1)}@example.com`;
    consumers.push(email);
    return { name: 'Lee', email, smsConsent: false };
  };
  const book = async (daysAhead: number, time: string, consumer: { email: string }, idempotencyKey?: string): Promise<Booking> => {
    const result = await stack.call<Booking>('POST', `/businesses/${BUSINESS}/appointments`, {
      body: { serviceId: 'consult', start: await localTime(stack, ZONE, daysAhead, time), consumer },
      ...(idempotencyKey ? { headers: { 'Idempotency-Key': idempotencyKey } } : {}),
    });
    if (result.status !== 201) throw new Error(`booking failed: ${result.status} ${result.text}`);
    tokens.add(result.body.manageToken);
    return result.body;
  };
  /** Moves the appointment two days later, or cancels it; answers the appointment as it is now. */
  const change = async (booking: Booking, kind: Change): Promise<Appointment> => {
    const { id, start } = booking.appointment;
    const result =
      kind === 'reschedule'
        ? await stack.call<Appointment>('POST', `/appointments/${id}/reschedule`, {
            manageToken: booking.manageToken,
            body: { start: new Date(Date.parse(start) + 2 * DAY).toISOString() },
          })
        : await stack.call<Appointment>('POST', `/appointments/${id}/cancel`, { manageToken: booking.manageToken, body: {} });
    if (result.status !== 200) throw new Error(`${kind} failed: ${result.status} ${result.text}`);
    return result.body;
  };

  /** Runs the clock through the current appointment's end and checks what the consumer got. */
  const finish = async (booking: Booking, current: Appointment, expected: string[]) => {
    await until(`notice ${expected.find((k) => k !== 'confirmation' && k !== 'reminder') ?? 'confirmation'}`, async () => {
      const got = await kinds(consumerOf(booking));
      return expected.filter((k) => k !== 'reminder').every((k) => got.includes(k));
    });
    const end = Date.parse(current.end);
    if (current.status === 'booked') {
      await advanceTo(end + 59 * MIN);
      expect((await read(booking)).status).toBe('booked');
      await advanceTo(end + 61 * MIN);
      const final = await read(booking);
      expect(final).toMatchObject({ status: 'completed', version: current.version + 1 });
      expect(final.reminders.map((r) => r.status)).toEqual(['sent', 'sent']);
    } else {
      await advanceTo(Math.max(end, Date.parse(booking.appointment.end)) + 2 * 60 * MIN);
      expect(await read(booking)).toMatchObject({ status: 'cancelled' });
    }
    const messages = await accepted(consumerOf(booking));
    expect(messages.map((m) => m.kind)).toEqual(expected);
    for (const message of messages) for (const token of linkTokens(message.body)) tokens.add(token);
  };
  const consumerByAppointment = new Map<string, string>();
  const consumerOf = (booking: Booking) => consumerByAppointment.get(booking.appointment.id)!;
  const bookFor = async (daysAhead: number, time: string, idempotencyKey?: string) => {
    const consumer = newConsumer();
    const booking = await book(daysAhead, time, consumer, idempotencyKey);
    consumerByAppointment.set(booking.appointment.id, consumer.email);
    return booking;
  };

  // What the consumer receives, by window; a reminder sent before the change was for the time then valid.
  const cases: Array<[string, Change, string[]]> = [
    ['before the orchestration starts', 'reschedule', ['confirmation', 'reminder', 'reminder']],
    ['before the orchestration starts', 'cancel', ['cancellation']],
    ['during the confirmation activity', 'reschedule', ['confirmation', 'reschedule', 'reminder', 'reminder']],
    ['during the confirmation activity', 'cancel', ['confirmation', 'cancellation']],
    ['during a reminder activity', 'reschedule', ['confirmation', 'reminder', 'reschedule', 'reminder', 'reminder']],
    ['during a reminder activity', 'cancel', ['confirmation', 'reminder', 'cancellation']],
    ['while waiting on a timer', 'reschedule', ['confirmation', 'reschedule', 'reminder', 'reminder']],
    ['while waiting on a timer', 'cancel', ['confirmation', 'cancellation']],
    ['right at continueAsNew', 'reschedule', ['confirmation', 'reminder', 'reschedule', 'reminder', 'reminder']],
    ['right at continueAsNew', 'cancel', ['confirmation', 'reminder', 'cancellation']],
  ];

  it.each(cases)('%s: a %s ends with exactly one notice for it', async (window, kind, expected) => {
    let booking: Booking;
    let current: Appointment;
    switch (window) {
      case 'before the orchestration starts': {
        // Outbox rows are dispatched in order; another appointment's room creation, held open by ACS
        // latency, sits before this booking's `lifecycle.start` (appointment ids from the keys sort first).
        const [first, second] = orderedKeys();
        await hold('^/rooms$', 5);
        await bookFor(2, '09:00', first);
        await until('the first room creation to be held', async () => (await remainingHolds()) < 5);
        booking = await bookFor(2, '11:00', second);
        current = await change(booking, kind);
        await admin('DELETE', '/admin/faults');
        break;
      }
      case 'during the confirmation activity': {
        await hold('^/emails:send$');
        booking = await bookFor(2, '10:00');
        await until('the confirmation email to be held', async () => (await remainingHolds()) === 0);
        current = await change(booking, kind);
        expect(await kinds(consumerOf(booking))).toEqual([]); // committed while the confirmation was still held
        break;
      }
      case 'during a reminder activity': {
        booking = await bookFor(2, '10:00');
        await until('the confirmation', async () => (await kinds(consumerOf(booking))).length === 1);
        await stack.advance(1); // the provider's copy too: nothing else may meet the hold
        await hold('^/emails:send$');
        const reminderDue = advanceTo(Date.parse(booking.appointment.reminders[0]!.dueAt) + MIN);
        await until('the reminder email to be held', async () => (await remainingHolds()) === 0);
        current = await change(booking, kind);
        expect(await kinds(consumerOf(booking))).toEqual(['confirmation']); // committed while the reminder was still held
        await reminderDue;
        break;
      }
      case 'while waiting on a timer': {
        booking = await bookFor(2, '10:00');
        await until('the confirmation', async () => (await kinds(consumerOf(booking))).length === 1);
        await stack.advance(60);
        current = await change(booking, kind);
        break;
      }
      default: {
        booking = await bookFor(2, '10:00');
        await until('the confirmation', async () => (await kinds(consumerOf(booking))).length === 1);
        const reminderDue = advanceTo(Date.parse(booking.appointment.reminders[0]!.dueAt) + MIN);
        await until('the reminder to be accepted', async () => (await kinds(consumerOf(booking))).length === 2, 20_000);
        current = await change(booking, kind);
        await reminderDue;
      }
    }
    await finish(booking, current, expected);
  });

  it('leaves no manage token in clear in any Azurite table, queue or blob (idempotency records younger than 24 h aside)', async () => {
    // One more booking with an Idempotency-Key: its 24-hour record holds the answer, token included.
    const fresh = await bookFor(2, '12:00', randomBytes(8).toString('hex'));
    await stack.advance(1);
    for (const message of await accepted(consumerOf(fresh))) for (const token of linkTokens(message.body)) tokens.add(token);
    expect(tokens.size).toBeGreaterThan(20);
    const now = await stack.now();
    const forms = [...tokens].flatMap((token) => [token, encodeURIComponent(token)]);
    const findings: string[] = [];
    const check = (where: string, text: string) => {
      if (forms.some((form) => text.includes(form))) findings.push(where);
    };

    const connection = testStorageConnectionString();
    let youngIdempotencyRecords = 0;
    for await (const table of TableServiceClient.fromConnectionString(connection, { allowInsecureConnection: true }).listTables()) {
      const name = table.name!;
      for await (const row of TableClient.fromConnectionString(connection, name, { allowInsecureConnection: true }).listEntities()) {
        const text = JSON.stringify(row);
        if (/idempotency$/i.test(name) && Number(row.expiresAt) > now) {
          if (forms.some((form) => text.includes(form))) youngIdempotencyRecords += 1;
          continue;
        }
        check(`table ${name} ${row.partitionKey}/${row.rowKey}`, text);
      }
    }
    const queues = QueueServiceClient.fromConnectionString(connection);
    for await (const queue of queues.listQueues()) {
      const peeked = await queues.getQueueClient(queue.name).peekMessages({ numberOfMessages: 32 });
      for (const message of peeked.peekedMessageItems) check(`queue ${queue.name}`, message.messageText);
    }
    const blobs = BlobServiceClient.fromConnectionString(connection);
    for await (const container of blobs.listContainers()) {
      const client = blobs.getContainerClient(container.name);
      for await (const blob of client.listBlobsFlat())
        check(`blob ${container.name}/${blob.name}`, (await client.getBlobClient(blob.name).downloadToBuffer()).toString('utf8'));
    }
    expect(findings).toEqual([]);
    expect(youngIdempotencyRecords).toBe(1); // the fresh booking's; the older ones were purged after 24 h
  });

  /** Two Idempotency-Keys whose appointment ids (and so outbox rows) sort in this order. */
  function orderedKeys(): [string, string] {
    const id = (key: string) => createHash('sha256').update(`${BUSINESS}\n${key}`).digest('hex').slice(0, 32);
    const a = randomBytes(8).toString('hex');
    const b = randomBytes(8).toString('hex');
    return id(a) < id(b) ? [a, b] : [b, a];
  }

  function linkTokens(body: string): string[] {
    return [...body.matchAll(/[?&]token=([^&\s"'<>)]+)/g)].map((m) => decodeURIComponent(m[1]!));
  }
});
