/**
 * Issue 16, the `event` reminder channel over the local stack (virtual clock): a reminder with
 * `channels: ["event", ...]` sends no message for that channel and publishes exactly one
 * `appointment.reminder.due` on the topic, read here with the real Service Bus SDK from a subscription
 * of the local broker, even when the email beside it fails and the activity is retried. Each event
 * received fits its message in the AsyncAPI document the app serves. Own ACS emulator (faults) and
 * broker (a subscription of its own).
 */
import { ServiceBusClient, type ServiceBusReceiver } from '@azure/service-bus';
import Ajv from 'ajv';
import { startAcsEmulator, type RunningAcsEmulator } from '../../dev/acs-emulator/start';
import { startServiceBusBroker, type RunningServiceBusBroker } from '../../dev/servicebus-broker/start';
import { configureClinic, localTime, startAppStack, type AppStack } from '../support/app-stack';
import { appointmentMessages } from '../support/phone-verification';
import { uniqueTablePrefix } from '../support/env';

type Reminder = { dueAt: string; channels: string[]; status: string; deliveries: Array<{ channel: string; status: string }> };
type Booking = { appointment: { id: string; reminders: Reminder[] }; manageToken: string };
type Received = { id: string; type: string; subject: string; data: Record<string, unknown> };

const ZONE = 'Europe/Berlin';
const MIN = 60_000;

describe('the event reminder channel on the local stack', () => {
  let acs: RunningAcsEmulator;
  let broker: RunningServiceBusBroker;
  let stack: AppStack;
  let client: ServiceBusClient;
  let receiver: ServiceBusReceiver;
  const received: Received[] = [];

  beforeAll(async () => {
    [acs, broker] = await Promise.all([
      startAcsEmulator({ resource: { emailProfile: 'raised' } }),
      startServiceBusBroker({ topics: { 'appointment-events': ['scheduler'] } }),
    ]);
    stack = await startAppStack({
      clockMode: 'virtual',
      env: {
        TABLE_NAME_PREFIX: uniqueTablePrefix(),
        ACS_CONNECTION_STRING: acs.connectionString,
        ACS_CA_CERT_PATH: acs.caCertPath,
        ACS_EMULATOR_ADMIN_URL: acs.adminUrl,
        SERVICEBUS_CONNECTION_STRING: broker.connectionString,
        SERVICEBUS_BROKER_ADMIN_URL: broker.adminUrl,
        // One SDK retry with short delays, so the activity's own durable retries are what gets through.
        ACS_MAX_RETRIES: '1',
        ACS_RETRY_DELAY_MS: '10',
        ACS_MAX_RETRY_DELAY_MS: '20',
      },
    });
    client = new ServiceBusClient(broker.connectionString);
    receiver = client.createReceiver('appointment-events', 'scheduler', { receiveMode: 'receiveAndDelete' });
    await configureClinic(stack, {
      businessId: 'eventclinic',
      providers: ['amy'],
      service: {
        minimumNoticeMinutes: 0,
        reminders: [
          { offsetMinutes: 60, channels: ['event', 'email'] },
          { offsetMinutes: 30, channels: ['event'] },
        ],
      },
    });
  });

  afterAll(async () => {
    await receiver?.close();
    await client?.close();
    await stack?.stop();
    await Promise.all([acs?.stop(), broker?.stop()]);
  });

  const admin = async (method: string, path: string, body?: unknown) =>
    fetch(`${acs.adminUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    });
  const emailsTo = async (to: string) =>
    appointmentMessages(
      (
        (await (await fetch(`${acs.adminUrl}/admin/messages?to=${encodeURIComponent(to)}`)).json()) as {
          messages: Array<{ channel: string; kind: string; body: string }>;
        }
      ).messages,
    );
  /** Everything received so far, once `enough` holds (or after 10 s, for the assertion to show what came). */
  const drain = async (enough: (events: Received[]) => boolean): Promise<Received[]> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const batch = await receiver.receiveMessages(50, { maxWaitTimeInMs: 500 });
      received.push(...batch.map((m) => m.body as Received));
      if (batch.length === 0 && (enough(received) || Date.now() > deadline)) return received;
    }
  };
  const read = async (booking: Booking) =>
    (await stack.call<Booking['appointment']>('GET', `/appointments/${booking.appointment.id}`, { manageToken: booking.manageToken })).body;
  const advanceTo = async (instant: number) => {
    const minutes = Math.floor((instant - (await stack.now())) / MIN);
    if (minutes > 0) await stack.advance(minutes);
  };

  it('publishes exactly one appointment.reminder.due per event reminder, across a retried activity, and sends no message for it', async () => {
    const email = `due-${process.pid}@example.com`;
    const result = await stack.call<Booking>('POST', '/businesses/eventclinic/appointments', {
      body: { serviceId: 'consult', start: await localTime(stack, ZONE, 2, '10:00'), consumer: { name: 'Dana', email } },
    });
    expect(result.status).toBe(201);
    const booking = result.body;
    const id = booking.appointment.id;
    const [hourBefore, halfHourBefore] = booking.appointment.reminders.map((r) => Date.parse(r.dueAt));
    expect(booking.appointment.reminders.map((r) => r.channels)).toEqual([['event', 'email'], ['event']]);
    // The confirmation step is done once both its emails went out (the consumer's and Dr amy's).
    for (let i = 0; i < 400 && ((await emailsTo(email)).length < 1 || (await emailsTo('amy@clinic.example')).length < 1); i += 1)
      await new Promise((resolve) => setTimeout(resolve, 50));

    // The reminder's email fails: its activity is retried, the event channel was recorded with the first attempt.
    await admin('POST', '/admin/faults', { path: '^/emails:send$', method: 'POST', status: 500, count: 10_000 });
    await advanceTo(hourBefore! + MIN);
    expect((await read(booking)).reminders[0]).toMatchObject({
      status: 'pending',
      deliveries: [
        { channel: 'event', status: 'sent' },
        { channel: 'email', status: 'pending' },
      ],
    });
    await stack.advance(1); // the outbox sweep publishes the row written with that record
    const due = (events: Received[]) => events.filter((e) => e.type === 'appointment.reminder.due' && e.subject === `appointments/${id}`);
    expect(due(await drain((events) => due(events).length >= 1)).map((e) => e.id)).toEqual([`${id}:1:appointment.reminder.due:reminder-0`]);

    // The email gets through on a later attempt; the due event is not published again.
    await admin('DELETE', '/admin/faults');
    for (let step = 0; step < 10 && (await emailsTo(email)).length < 2; step += 1) await stack.advance(1);
    expect((await emailsTo(email)).map((m: { kind: string }) => m.kind)).toEqual(['confirmation', 'reminder']);
    expect((await read(booking)).reminders[0]).toMatchObject({
      status: 'sent',
      deliveries: [
        { channel: 'event', status: 'sent' },
        { channel: 'email', status: 'sent' },
      ],
    });

    // The event-only reminder: no message at all, one due event; then on past the end.
    await advanceTo(halfHourBefore! + MIN);
    for (let step = 0; step < 3; step += 1) await stack.advance(60);
    expect(await emailsTo(email)).toHaveLength(2);
    const mine = (events: Received[]) => events.filter((e) => e.subject === `appointments/${id}`);
    // Past the end: nothing is still to come, so waiting for all seven also shows any extra one.
    const events = mine(await drain((events) => mine(events).length >= 7));
    expect(due(events).map((e) => e.id)).toEqual([
      `${id}:1:appointment.reminder.due:reminder-0`,
      `${id}:1:appointment.reminder.due:reminder-1`,
    ]);
    expect(due(events)[1]!.data).toMatchObject({
      appointmentId: id,
      reminderIndex: 1,
      dueAt: new Date(halfHourBefore!).toISOString(),
      channels: ['event'],
    });
    // Once each (a reminder's due and sent events share a commit, in no fixed order).
    expect(events.map((e) => e.type).sort()).toEqual([
      'appointment.booked',
      'appointment.completed',
      'appointment.join-window.opened',
      'appointment.reminder.due',
      'appointment.reminder.due',
      'appointment.reminder.sent',
      'appointment.reminder.sent',
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);

    // Each event fits its message in the served AsyncAPI document.
    const document = (
      await stack.call<{ asyncapi: string; components: { messages: Record<string, { name: string; payload: object }> } }>(
        'GET',
        '/asyncapi.json',
      )
    ).body;
    expect(document.asyncapi).toBe('3.1.0');
    const ajv = new Ajv({ strict: false, validateFormats: false });
    for (const event of events) {
      const message = Object.values(document.components.messages).find((m) => m.name === event.type);
      expect(message && ajv.validate(message.payload, event) ? event.type : `${event.type}: ${ajv.errorsText()}`).toBe(event.type);
    }
  });
});
