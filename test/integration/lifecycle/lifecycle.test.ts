/**
 * The appointment lifecycle end to end in one process: the app's real functions (HTTP booking, the
 * outbox sweep timer, the orchestration and its activities) on the local durable backend, Azurite and
 * a private ACS emulator (these tests inject faults), with time on a manual clock.
 */
import type { RpcHttpData } from '../../../dev/host/functions-core-stand-in';
import { FunctionsCoreStandIn } from '../../../dev/host/functions-core-stand-in';
import { RegistryInvoker } from '../../../dev/host/invoker';
import { createDurableBackend, type DurableBackend } from '../../../dev/durable/backend';
import { startAcsEmulator, type RunningAcsEmulator } from '../../../dev/acs-emulator/start';
import { installClockSource } from '../../../shared/adapters/clock/process-clock';
import type { AppServices } from '../../../shared/composition-root';
import type { Appointment } from '../../../shared/domain/appointments/appointment';
import { testStorageConnectionString, uniqueTablePrefix } from '../../support/env';
import { TableClient } from '@azure/data-tables';
import { DateTime } from 'luxon';
import { admin, uniqueEmail } from '../acs/acs-test-kit';
import { ManualClock, memoryLogger } from '../durable/harness';
import { hashManageToken } from '../../../shared/app/manage-token';
import { authorizeAppointment } from '../../../shared/app/appointments/appointment-access';
import { planMoments } from '../../../shared/domain/lifecycle/plan';
import { appointmentMessages, verificationCodeIn } from '../../support/phone-verification';

const standIn = new FunctionsCoreStandIn(() => undefined);
jest.mock('@azure/functions-core', () => standIn.api, { virtual: true });

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
// Monday 2030-01-07 08:00 UTC; the clinic opens 09:00-17:00 Berlin time on weekdays.
const clock = new ManualClock(Date.parse('2030-01-07T08:00:00Z'));
const WEDNESDAY_10_BERLIN = Date.parse('2030-01-09T09:00:00Z');
const tablePrefix = uniqueTablePrefix();
const invoker = new RegistryInvoker(standIn, () => undefined);
let emulator: RunningAcsEmulator;
let backend: DurableBackend;
let services: AppServices;

beforeAll(async () => {
  emulator = await startAcsEmulator({ resource: { emailProfile: 'raised' } }); // many sends within a real minute; quotas are pinned in strict-emulator.test.ts
  installClockSource(clock);
  Object.assign(process.env, {
    TABLE_STORAGE_CONNECTION_STRING: testStorageConnectionString(),
    TABLE_NAME_PREFIX: tablePrefix,
    PUBLIC_BASE_URL: 'https://app.example/api',
    ACS_CONNECTION_STRING: emulator.connectionString,
    ACS_CA_CERT_PATH: emulator.caCertPath,
    ACS_EMAIL_SENDER: 'no-reply@appointments.example',
    ACS_SMS_FROM: '+18005550100',
    ACS_MAX_RETRIES: '1',
    ACS_RETRY_DELAY_MS: '10',
    ACS_MAX_RETRY_DELAY_MS: '20',
    ACS_EMAIL_POLL_INTERVAL_MS: '10',
    // The run's broker (global-setup): the join window's event is published from its activity.
    SERVICEBUS_CONNECTION_STRING: process.env.TEST_SERVICEBUS_CONNECTION_STRING,
    LOG_LEVEL: 'error',
    // Every test here requests codes from the same (unknown) client address; the per-client cap is tested on its own below.
    PHONE_CODES_PER_CLIENT_PER_HOUR: '1000',
  });
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded after the stand-in and the settings are in place */
  require('../../../functions/durable/appointment-lifecycle');
  require('../../../functions/durable/notification-activities');
  require('../../../functions/durable/appointment-activities');
  require('../../../functions/timers/outbox-sweep');
  require('../../../functions/http/appointments');
  require('../../../functions/http/phone-verifications');
  services = (require('../../../shared/composition-root') as typeof import('../../../shared/composition-root')).getServices();
  /* eslint-enable @typescript-eslint/no-require-imports */
  backend = createDurableBackend({ invoker, connectionString: testStorageConnectionString(), tablePrefix, clock, log: memoryLogger() });
  invoker.addInputBindingProvider(backend.bindingProvider);
  await backend.start();

  const { businesses, calendars } = services.configuration;
  await businesses.saveBusiness(
    { id: 'clinic', name: 'Clinic', timeZone: 'Europe/Berlin', managers: ['m'], createdAt: 0, updatedAt: 0 },
    undefined,
  );
  await businesses.saveProvider(
    {
      businessId: 'clinic',
      id: 'amy',
      displayName: 'Dr. Amy',
      email: providerEmail,
      timeZone: 'Europe/Berlin',
      staffObjectId: 'oid-amy',
      active: true,
      createdAt: 0,
      updatedAt: 0,
    },
    undefined,
  );
  const hours = [{ start: '09:00', end: '17:00' }];
  await calendars.saveSchedule(
    {
      businessId: 'clinic',
      providerId: 'amy',
      timeZone: 'Europe/Berlin',
      weekly: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours },
      updatedAt: 0,
    },
    undefined,
  );
  await businesses.saveService(
    {
      businessId: 'clinic',
      id: 'consult',
      name: 'Consultation',
      durationMinutes: 30,
      providerIds: ['amy'],
      slotIntervalMinutes: 30,
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
      minimumNoticeMinutes: 0,
      bookingWindowDays: 365,
      maxPerDayPerProvider: null,
      cancellationCutoffMinutes: 0,
      rescheduleCutoffMinutes: 0,
      joinWindowMinutes: 10,
      reminders: [
        { offsetMinutes: 1440, channels: ['email', 'sms'] },
        { offsetMinutes: 60, channels: ['sms'] },
      ],
      active: true,
      createdAt: 0,
      updatedAt: 0,
    },
    undefined,
  );
});

afterAll(async () => {
  await backend?.stop();
  await emulator?.stop();
});

const providerEmail = uniqueEmail();
let phones = 0;
/** A valid US number no other test uses (booking validates numbers; the toll-free sender reaches only US, CA, PR). */
const uniquePhone = () => `+1312${200 + (process.pid % 800)}${String((phones += 1)).padStart(4, '0')}`;

/** `hour`:00 Berlin time on the first weekday at least `days` days from now. */
function weekdayAt(days: number, hour: number): number {
  let day = DateTime.fromMillis(clock.now(), { zone: 'Europe/Berlin' }).plus({ days }).set({ hour, minute: 0, second: 0, millisecond: 0 });
  while (day.weekday > 5) day = day.plus({ days: 1 });
  return day.toMillis();
}

// --- driving the app ---------------------------------------------------------------------------------

async function http(
  name: string,
  method: string,
  path: string,
  params: Record<string, string>,
  body?: unknown,
  headers: Record<string, string> = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON, checked field by field
): Promise<{ status: number; body: any }> {
  const response = (await invoker.invoke(name, {
    trigger: {
      method,
      url: `https://app.example/api/${path}`,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      query: {},
      params,
      ...(body === undefined ? {} : { body: { bytes: Buffer.from(JSON.stringify(body)) } }),
    },
  })) as RpcHttpData;
  const text = response.body?.bytes ? Buffer.from(response.body.bytes).toString() : '';
  return { status: Number(response.statusCode), body: text ? JSON.parse(text) : undefined };
}

/** What the outbox sweep timer and the durable backend do once everything due has run. */
async function settle(): Promise<void> {
  await backend.drain();
  await invoker.invoke('outboxSweep', { trigger: { IsPastDue: false } });
  await backend.drain();
}

async function advanceTo(instant: number): Promise<void> {
  clock.advance(instant - clock.now());
  await backend.onClockAdvanced();
  await settle();
}

interface Booked {
  appointment: {
    id: string;
    start: string;
    reminders: Array<{ dueAt: string; status: string; deliveries: Array<{ channel: string; status: string }> }>;
  };
  manageToken: string;
}

/** Books; a consumer who wants SMS first verifies the phone with the code sent to it (issue 12). */
async function book(start: number, consumer: Record<string, unknown>): Promise<Booked> {
  const phoneVerification = consumer.smsConsent && typeof consumer.phone === 'string' ? await verifyPhone(consumer.phone) : undefined;
  const response = await http(
    'bookAppointment',
    'POST',
    'businesses/clinic/appointments',
    { businessId: 'clinic' },
    {
      serviceId: 'consult',
      start: new Date(start).toISOString(),
      consumer: { ...consumer, ...(phoneVerification ? { phoneVerification } : {}) },
    },
  );
  expect(response.status).toBe(201);
  await settle();
  return response.body as Booked;
}

async function verifyPhone(phone: string): Promise<{ id: string; code: string }> {
  const response = await http(
    'requestPhoneVerification',
    'POST',
    'businesses/clinic/phone-verifications',
    { businessId: 'clinic' },
    { phone },
  );
  expect(response.status).toBe(202);
  return { id: response.body.verificationId as string, code: verificationCodeIn(await allMessagesTo(phone)) };
}

interface SentMessage {
  channel: 'email' | 'sms';
  kind: string;
  to: string;
  subject?: string;
  body: string;
  appointmentId: string;
}

async function allMessagesTo(to: string): Promise<SentMessage[]> {
  return (await admin<{ messages: SentMessage[] }>(emulator.adminUrl, 'GET', `/admin/messages?to=${encodeURIComponent(to)}`)).body.messages;
}

/** Messages about appointments (verification codes left out). */
async function messagesTo(to: string): Promise<SentMessage[]> {
  return appointmentMessages(await allMessagesTo(to));
}

const summary = (messages: SentMessage[]) => messages.map((m) => `${m.channel}:${m.kind}`);
const stored = async (id: string): Promise<Appointment> => (await services.lifecycle.appointments.find(id))!.value;

describe('appointment lifecycle', () => {
  it('confirms, reminds once at each due time and not before, and completes the appointment an hour after its end', async () => {
    const email = uniqueEmail();
    const phone = uniquePhone();
    const { appointment, manageToken } = await book(WEDNESDAY_10_BERLIN, { name: 'Ada', email, phone, smsConsent: true, locale: 'de-DE' });

    const confirmation = await messagesTo(email);
    expect(summary(confirmation)).toEqual(['email:confirmation']);
    expect(confirmation[0]!.subject).toBe('Bestätigt: Consultation bei Dr. Amy');
    expect(confirmation[0]!.body).toContain('Mittwoch, 9. Januar 2030, 10:00-10:30 (Europe/Berlin)');
    // The link carries a token of its own (only its hash is stored), which works like the manage token.
    const linkToken = decodeURIComponent(
      new RegExp(`/appointments/${appointment.id}/join\\?token=([^\\s&"<]+)`).exec(confirmation[0]!.body)![1]!,
    );
    expect(linkToken).not.toBe(manageToken);
    expect((await stored(appointment.id)).messageTokenHashes).toEqual([hashManageToken(linkToken)]);
    await expect(
      authorizeAppointment(services.booking, appointment.id, { caller: { kind: 'anonymous' }, manageToken: linkToken }),
    ).resolves.toMatchObject({ role: 'consumer' });
    expect(summary(await messagesTo(phone))).toEqual(['sms:confirmation']);
    expect(summary(await messagesTo(providerEmail)).filter((m) => m === 'email:confirmation')).not.toHaveLength(0);
    const emails = (
      await admin<{ emails: Array<{ to: string[]; attachments: Array<{ name: string; contentType: string }> }> }>(
        emulator.adminUrl,
        'GET',
        '/admin/emails',
      )
    ).body.emails;
    expect(emails.find((e) => e.to.includes(email))!.attachments).toEqual([
      expect.objectContaining({ name: 'appointment.ics', contentType: 'text/calendar' }),
    ]);

    const dayBefore = WEDNESDAY_10_BERLIN - DAY;
    await advanceTo(dayBefore - 1);
    expect(await messagesTo(email)).toHaveLength(1);
    await advanceTo(dayBefore);
    expect(summary(await messagesTo(email))).toEqual(['email:confirmation', 'email:reminder']);
    expect(summary(await messagesTo(phone))).toEqual(['sms:confirmation', 'sms:reminder']);
    expect((await stored(appointment.id)).reminders[0]).toMatchObject({
      status: 'sent',
      deliveries: [
        { channel: 'email', status: 'sent' },
        { channel: 'sms', status: 'sent' },
      ],
    });

    await advanceTo(WEDNESDAY_10_BERLIN - 60 * MIN);
    expect(summary(await messagesTo(phone))).toEqual(['sms:confirmation', 'sms:reminder', 'sms:reminder']);
    expect(await messagesTo(email)).toHaveLength(2); // the hour-before reminder is SMS only

    await advanceTo(WEDNESDAY_10_BERLIN - 10 * MIN); // the join window opens: the room exists, nothing is sent
    expect((await stored(appointment.id)).roomId).toEqual(expect.any(String));
    await advanceTo(WEDNESDAY_10_BERLIN + 30 * MIN + 60 * MIN - 1);
    expect((await stored(appointment.id)).status).toBe('booked');
    await advanceTo(WEDNESDAY_10_BERLIN + 30 * MIN + 60 * MIN);
    expect(await stored(appointment.id)).toMatchObject({ status: 'completed', version: 2 });
    expect((await backend.status(appointment.id))!.runtimeStatus).toBe('Completed');
    expect(await messagesTo(email)).toHaveLength(2);
    expect(await messagesTo(phone)).toHaveLength(3);
  });

  it('stops every later reminder on cancel and sends the cancellation notice on the confirmation channels', async () => {
    const email = uniqueEmail();
    const phone = uniquePhone();
    const start = WEDNESDAY_10_BERLIN + 7 * DAY;
    const { appointment, manageToken } = await book(start, { name: 'Bo', email, phone, smsConsent: true });
    const cancelled = await http(
      'cancelAppointment',
      'POST',
      `appointments/${appointment.id}/cancel`,
      { appointmentId: appointment.id },
      undefined,
      { 'x-appointment-token': manageToken },
    );
    expect(cancelled.status).toBe(200);
    await settle();

    expect(summary(await messagesTo(email))).toEqual(['email:confirmation', 'email:cancellation']);
    expect(summary(await messagesTo(phone))).toEqual(['sms:confirmation', 'sms:cancellation']);
    expect(summary(await messagesTo(providerEmail))).toContain('email:cancellation');
    expect((await backend.status(appointment.id))!.runtimeStatus).toBe('Completed');
    await advanceTo(start + DAY);
    expect(await messagesTo(email)).toHaveLength(2);
    expect(await messagesTo(phone)).toHaveLength(2);
  });

  it('re-plans on reschedule: a notice, nothing at the old times, reminders at the new ones; no consent = email only', async () => {
    const email = uniqueEmail();
    const phone = uniquePhone();
    const start = weekdayAt(3, 10);
    const { appointment, manageToken } = await book(start, { name: 'Cy', email, phone, smsConsent: false });
    const later = weekdayAt(6, 10);
    const moved = await http(
      'rescheduleAppointment',
      'POST',
      `appointments/${appointment.id}/reschedule`,
      { appointmentId: appointment.id },
      { start: new Date(later).toISOString() },
      { 'x-appointment-token': manageToken },
    );
    expect(moved.status).toBe(200);
    await settle();
    expect(summary(await messagesTo(email))).toEqual(['email:confirmation', 'email:reschedule']);
    expect(summary(await messagesTo(providerEmail))).toContain('email:reschedule');

    await advanceTo(start - DAY);
    expect(await messagesTo(email)).toHaveLength(2);
    await advanceTo(later - DAY);
    expect(summary(await messagesTo(email))).toEqual(['email:confirmation', 'email:reschedule', 'email:reminder']);
    expect(await messagesTo(phone)).toEqual([]);
    expect((await stored(appointment.id)).reminders.map((r) => r.status)).toEqual(['sent', 'skipped']);
  });

  it('never sends twice when an activity runs again (retry or replay after a crash)', async () => {
    const email = uniqueEmail();
    const phone = uniquePhone(); // SMS has no idempotency key of its own: only the notification store prevents a repeat
    const start = weekdayAt(3, 10);
    const { appointment } = await book(start, { name: 'Di', email, phone, smsConsent: true });
    const input = { appointmentId: appointment.id, version: 1, index: 0 };
    await invoker.invoke('lifecycleReminder', { trigger: input });
    // As if the first run died after ACS accepted and the store recorded it, before the appointment's bookkeeping.
    const found = (await services.lifecycle.appointments.find(appointment.id))!;
    expect(found.value.reminders[0]!.status).toBe('sent');
    const undone = {
      ...found.value,
      reminders: found.value.reminders.map((r, i) =>
        i === 0 ? { ...r, status: 'pending' as const, deliveries: r.deliveries.map((d) => ({ ...d, status: 'pending' as const })) } : r,
      ),
    };
    await services.lifecycle.appointments.commit({
      businessId: 'clinic',
      providerId: 'amy',
      days: [],
      appointment: { value: undone, etag: found.etag, previousStart: undone.start },
      outbox: [],
    });
    await invoker.invoke('lifecycleReminder', { trigger: input });
    expect((await stored(appointment.id)).reminders[0]!.status).toBe('sent');
    await advanceTo(start - DAY); // the orchestration's own run of the same reminder
    expect(summary(await messagesTo(email))).toEqual(['email:confirmation', 'email:reminder']);
    expect(summary(await messagesTo(phone))).toEqual(['sms:confirmation', 'sms:reminder']);
  });

  it('gives every message a working link of its own, also after an idempotent retry re-issued the manage token', async () => {
    const email = uniqueEmail();
    const start = weekdayAt(3, 11);
    const key = `reissue-${email}`;
    const request = () =>
      http(
        'bookAppointment',
        'POST',
        'businesses/clinic/appointments',
        { businessId: 'clinic' },
        { serviceId: 'consult', start: new Date(start).toISOString(), consumer: { name: 'Ed', email } },
        { 'idempotency-key': key },
      );
    const first = await request();
    expect(first.status).toBe(201);
    await settle();
    // As if the process died after the booking committed and before its answer was recorded: the key's
    // record is still pending (its operation named) and its lease has run out.
    const records = TableClient.fromConnectionString(testStorageConnectionString(), `${tablePrefix}idempotency`, {
      allowInsecureConnection: true,
    });
    for await (const row of records.listEntities<Record<string, unknown>>()) {
      if (row.state !== 'done' || typeof row.operationId !== 'string') continue;
      const { response: _answer, etag: _etag, timestamp: _timestamp, ...claim } = row;
      await records.updateEntity(
        { ...claim, partitionKey: row.partitionKey!, rowKey: row.rowKey!, state: 'pending', leaseUntil: 0 },
        'Replace',
      );
    }
    const retried = await request();
    expect(retried.status).toBe(201);
    const id = first.body.appointment.id as string;
    expect(retried.body.appointment.id).toBe(id);
    const asConsumer = (manageToken: string) => authorizeAppointment(services.booking, id, { caller: { kind: 'anonymous' }, manageToken });
    await expect(asConsumer(first.body.manageToken as string)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(asConsumer(retried.body.manageToken as string)).resolves.toMatchObject({ role: 'consumer' });

    await advanceTo(start - DAY);
    const sent = await messagesTo(email);
    expect(summary(sent)).toEqual(['email:confirmation', 'email:reminder']);
    const linkTokens = sent.map((m) => decodeURIComponent(/[?&]token=([^\s&"<]+)/.exec(m.body)![1]!));
    expect(new Set(linkTokens).size).toBe(2);
    for (const token of linkTokens) {
      expect([first.body.manageToken, retried.body.manageToken]).not.toContain(token);
      await expect(asConsumer(token)).resolves.toMatchObject({ role: 'consumer' });
    }
  });

  it('carries on an instance that plan version 1 left waiting: its reminder once, then the current code to the end', async () => {
    const email = uniqueEmail();
    const start = weekdayAt(4, 14);
    const { appointment } = await book(start, { name: 'Vi', email });
    // Replace the instance by what version 1 left after its confirmation: waiting for the first moment.
    const durable = `${backend.rpcBaseUrl}instances/${appointment.id}`;
    expect((await fetch(`${durable}/terminate?reason=test`, { method: 'POST' })).status).toBe(202);
    await settle();
    const current = await stored(appointment.id);
    const moments = planMoments(current, 10, clock.now());
    const v1 = {
      planVersion: 1,
      appointmentId: appointment.id,
      manageToken: 'v1-token',
      stage: 'wait',
      notice: 'confirmation',
      version: current.version,
      moments,
      next: 0,
    };
    const started = await fetch(`${backend.rpcBaseUrl}orchestrators/appointmentLifecycle/${appointment.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(v1),
    });
    expect(started.status).toBe(202);
    await settle();

    await advanceTo(start - DAY);
    expect(summary(await messagesTo(email))).toEqual(['email:confirmation', 'email:reminder']);
    await advanceTo(start + 30 * MIN + 60 * MIN);
    expect(await stored(appointment.id)).toMatchObject({ status: 'completed' });
    expect((await backend.status(appointment.id))!.runtimeStatus).toBe('Completed');
    expect(summary(await messagesTo(email))).toEqual(['email:confirmation', 'email:reminder']);
  });

  it('waits out email throttling on a durable timer at the Retry-After: each message once, none lost, the confirmation before the reminder', async () => {
    const email = uniqueEmail();
    const start = weekdayAt(5, 15);
    // The consumer's confirmation meets a 429 asking for 10 minutes (as the Azure-managed domain answers).
    await admin(emulator.adminUrl, 'POST', '/admin/faults', { path: '^/emails:send$', status: 429, retryAfterSeconds: 600, count: 1 });
    const { appointment } = await book(start, { name: 'Tia', email });
    expect(await messagesTo(email)).toEqual([]);
    const waiting = await backend.pendingWork(appointment.id);
    expect(waiting).toEqual([expect.objectContaining({ kind: 'timer', fireAt: clock.now() + 600_000 })]); // a durable timer, not activity retries

    await advanceTo(clock.now() + 599_000);
    expect(await messagesTo(email)).toEqual([]);
    await advanceTo(clock.now() + 1_000);
    expect(summary(await messagesTo(email))).toEqual(['email:confirmation']);
    await advanceTo(start - DAY);
    expect(summary(await messagesTo(email))).toEqual(['email:confirmation', 'email:reminder']);
    expect(summary(await messagesTo(providerEmail)).filter((m) => m === 'email:confirmation').length).toBeGreaterThan(0);
    expect((await stored(appointment.id)).reminders[0]!.status).toBe('sent');
  });

  it('delivers once through 429 and 500 answers of the ACS services', async () => {
    const email = uniqueEmail();
    const phone = uniquePhone();
    const start = weekdayAt(3, 11);
    const { appointment } = await book(start, { name: 'Ed', email, phone, smsConsent: true });
    await admin(emulator.adminUrl, 'POST', '/admin/faults', { path: '^/emails:send$', status: 500, count: 6 });
    await admin(emulator.adminUrl, 'POST', '/admin/faults', { path: '^/sms$', status: 429, retryAfterSeconds: 0, count: 6 });
    await advanceTo(start - DAY);
    // Each activity retry waits on a durable timer: move time on until both channels got through.
    const done = async () => (await messagesTo(phone)).length === 2 && (await messagesTo(email)).length === 2;
    for (let step = 0; step < 8 && !(await done()); step += 1) await advanceTo(clock.now() + 5 * MIN);
    expect((await admin<{ faults: unknown[] }>(emulator.adminUrl, 'GET', '/admin/faults')).body.faults).toEqual([]); // every fault was hit
    expect(summary(await messagesTo(email))).toEqual(['email:confirmation', 'email:reminder']);
    expect(summary(await messagesTo(phone))).toEqual(['sms:confirmation', 'sms:reminder']);
    expect((await stored(appointment.id)).reminders[0]!.status).toBe('sent');
  });

  it('marks a reminder failed when a channel keeps failing, and still goes on with the plan', async () => {
    const email = uniqueEmail();
    const phone = uniquePhone();
    const start = weekdayAt(3, 13);
    const { appointment } = await book(start, { name: 'Fay', email, phone, smsConsent: true });
    await admin(emulator.adminUrl, 'POST', '/admin/faults', { path: '^/sms$', status: 503, retryAfterSeconds: 0, count: 1000 });
    await advanceTo(start - DAY);
    for (let step = 0; step < 12; step += 1) await advanceTo(clock.now() + 5 * MIN);
    await admin(emulator.adminUrl, 'DELETE', '/admin/faults');
    expect((await stored(appointment.id)).reminders[0]).toMatchObject({
      status: 'failed',
      deliveries: [
        { channel: 'email', status: 'sent' },
        { channel: 'sms', status: 'failed' },
      ],
    });
    expect(summary(await messagesTo(email))).toEqual(['email:confirmation', 'email:reminder']);
    expect((await backend.status(appointment.id))!.runtimeStatus).toBe('Running');
  });
});

describe('phone verification and sending caps (issue 12)', () => {
  const HOUR = 60 * MIN;
  const problemPaths = (body: { errors?: Array<{ path: string }> }) => (body.errors ?? []).map((e) => e.path);

  it('books a consumer with consent but no verified phone with email only; the SMS deliveries say why', async () => {
    const email = uniqueEmail();
    const phone = uniquePhone();
    const start = weekdayAt(4, 9);
    const response = await http(
      'bookAppointment',
      'POST',
      'businesses/clinic/appointments',
      { businessId: 'clinic' },
      { serviceId: 'consult', start: new Date(start).toISOString(), consumer: { name: 'Gil', email, phone, smsConsent: true } },
    );
    expect(response.status).toBe(201);
    expect(response.body.appointment.consumer).toMatchObject({ smsConsent: true, phoneVerified: false });
    await settle();
    expect(summary(await messagesTo(email))).toEqual(['email:confirmation']);
    expect(await allMessagesTo(phone)).toEqual([]);
    await advanceTo(start - DAY);
    const reminders = (await stored(response.body.appointment.id)).reminders;
    expect(reminders[0]).toMatchObject({
      status: 'sent',
      deliveries: [
        { channel: 'email', status: 'sent' },
        { channel: 'sms', status: 'skipped', reason: 'phone-not-verified' },
      ],
    });
    expect(reminders[1]).toMatchObject({
      status: 'skipped',
      deliveries: [{ channel: 'sms', status: 'skipped', reason: 'phone-not-verified' }],
    });
    expect(await allMessagesTo(phone)).toEqual([]);
  });

  it('refuses a wrong, foreign or exhausted code with a 400 naming the field, and books nothing', async () => {
    const email = uniqueEmail();
    const phone = uniquePhone();
    const start = weekdayAt(4, 10);
    const { id, code } = await verifyPhone(phone);
    const attempt = (consumer: Record<string, unknown>) =>
      http(
        'bookAppointment',
        'POST',
        'businesses/clinic/appointments',
        { businessId: 'clinic' },
        { serviceId: 'consult', start: new Date(start).toISOString(), consumer: { name: 'Hal', email, smsConsent: true, ...consumer } },
      );
    const wrongCode = code === '000000' ? '000001' : '000000';
    const foreign = await attempt({ phone: uniquePhone(), phoneVerification: { id, code } });
    expect(foreign.status).toBe(400);
    expect(problemPaths(foreign.body)).toEqual(['consumer.phoneVerification.code']);
    for (let i = 0; i < 5; i += 1) {
      const wrong = await attempt({ phone, phoneVerification: { id, code: wrongCode } });
      expect(wrong.status).toBe(400);
      expect(problemPaths(wrong.body)).toEqual(['consumer.phoneVerification.code']);
    }
    // Five wrong tries kill the verification: even the right code is refused now (no brute force).
    expect((await attempt({ phone, phoneVerification: { id, code } })).status).toBe(400);
    expect(await messagesTo(email)).toEqual([]); // nothing was booked, so nothing was confirmed
    const fresh = await verifyPhone(phone);
    clock.advance(11 * MIN); // codes live 10 minutes
    expect((await attempt({ phone, phoneVerification: fresh })).status).toBe(400);
  });

  it('sends at most PHONE_CODES_PER_NUMBER_PER_DAY codes to one number (429 with Retry-After after that)', async () => {
    const phone = uniquePhone();
    const statuses: number[] = [];
    let retryAfter: unknown;
    for (let i = 0; i < 6; i += 1) {
      const response = await http(
        'requestPhoneVerification',
        'POST',
        'businesses/clinic/phone-verifications',
        { businessId: 'clinic' },
        { phone },
      );
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.body.retryAfterSeconds;
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    expect(retryAfter).toEqual(expect.any(Number));
    expect(await allMessagesTo(phone)).toHaveLength(5);
  });

  it('refuses a code for a number the SMS sender cannot reach, before using any quota or sending', async () => {
    const abroad = `+4915112${String(process.pid % 1000).padStart(3, '0')}999`; // the toll-free sender reaches US, CA, PR only
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const response = await http(
        'requestPhoneVerification',
        'POST',
        'businesses/clinic/phone-verifications',
        { businessId: 'clinic' },
        { phone: abroad },
      );
      statuses.push(response.status);
      if (i === 0)
        expect(response.body.errors).toEqual([{ path: 'phone', message: expect.stringContaining('does not reach this country') }]);
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 400]); // never 429: no quota was spent
    expect(await allMessagesTo(abroad)).toEqual([]);
  });

  it('caps code requests per client address, whatever numbers they name', async () => {
    const { requestPhoneVerification } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the settings, like the functions above
      require('../../../shared/app/phone-verification') as typeof import('../../../shared/app/phone-verification');
    const deps = { ...services.phoneVerification, caps: { perNumberPerDay: 100, perClientPerHour: 2 } };
    const ask = () =>
      requestPhoneVerification(deps, { businessId: 'clinic', phone: uniquePhone(), clientAddress: `203.0.113.${process.pid % 250}` });
    await ask();
    await ask();
    await expect(ask()).rejects.toMatchObject({ code: 'rate-limited' });
  });

  it('skips a reminder channel over a recipient or business cap, recording the reason; a fully capped reminder is not sent', async () => {
    const { quotas } = services.phoneVerification;
    const fill = async (counter: string, limit: number, windowMs: number, at: number) => {
      while (await quotas.take(counter, limit, windowMs, at));
    };
    // One appointment whose phone is at its daily cap when the reminder is due.
    const a = { email: uniqueEmail(), phone: uniquePhone() };
    const startA = weekdayAt(4, 11);
    const bookedA = await book(startA, { name: 'Ida', ...a, smsConsent: true });
    await fill(`sms-recipient|${a.phone}`, 10, DAY, startA - DAY);
    await advanceTo(startA - DAY);
    expect((await stored(bookedA.appointment.id)).reminders[0]).toMatchObject({
      status: 'sent',
      deliveries: [
        { channel: 'email', status: 'sent' },
        { channel: 'sms', status: 'skipped', reason: 'recipient-daily-cap' },
      ],
    });
    expect(summary(await messagesTo(a.phone))).toEqual(['sms:confirmation']);

    // Another whose email address is at its cap and whose business used its hourly SMS.
    const b = { email: uniqueEmail(), phone: uniquePhone() };
    const startB = weekdayAt(4, 14);
    const bookedB = await book(startB, { name: 'Jo', ...b, smsConsent: true });
    await fill(`email-recipient|${b.email.toLowerCase()}`, 20, DAY, startB - DAY);
    await fill('sms-business|clinic', 200, HOUR, startB - DAY);
    await advanceTo(startB - DAY);
    expect((await stored(bookedB.appointment.id)).reminders[0]).toMatchObject({
      status: 'skipped',
      deliveries: [
        { channel: 'email', status: 'skipped', reason: 'recipient-daily-cap' },
        { channel: 'sms', status: 'skipped', reason: 'business-hourly-sms-cap' },
      ],
    });
    expect(summary(await messagesTo(b.email))).toEqual(['email:confirmation']);
    expect(summary(await messagesTo(b.phone))).toEqual(['sms:confirmation']);
    // Announced like a failed reminder, the deliveries saying why (read from the run's broker).
    const accepted = await fetch(`${process.env.TEST_SERVICEBUS_ADMIN_URL}/admin/topics/appointment-events/messages`);
    const events = ((await accepted.json()) as { messages: Array<{ body: string }> }).messages.map(
      (m) => JSON.parse(m.body) as { type: string; subject: string; data: { deliveries?: unknown } },
    );
    expect(
      events.filter((e) => e.subject === `appointments/${bookedB.appointment.id}` && e.type === 'appointment.reminder.failed'),
    ).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({
          deliveries: [
            { channel: 'email', status: 'skipped', reason: 'recipient-daily-cap' },
            { channel: 'sms', status: 'skipped', reason: 'business-hourly-sms-cap' },
          ],
        }),
      }),
    ]);
  });
});
