/**
 * The lifecycle under faults (sends are at-least-once by design, and these kills fall outside the one
 * window that can repeat a message, so each reminder must arrive once), over HTTP on the local host with the virtual clock:
 * the host process is killed (SIGKILL) with reminders coming and with a reminder waiting for its retry,
 * and the ACS services answer 429 and 500 for a while. Uses its own ACS emulator, whose admin API is
 * the exact record of what was accepted.
 */
import { startAcsEmulator, type RunningAcsEmulator } from '../../dev/acs-emulator/start';
import { configureClinic, localTime, startAppStack, verifyPhone, type AppStack, type SentMessage } from '../support/app-stack';
import { appointmentMessages } from '../support/phone-verification';
import { uniqueTablePrefix } from '../support/env';

type Reminder = { dueAt: string; status: string; deliveries: Array<{ channel: string; status: string }> };
type Appointment = { id: string; start: string; end: string; status: string; reminders: Reminder[] };
type Booking = { appointment: Appointment; manageToken: string };

const ZONE = 'Europe/Berlin';
const MIN = 60_000;
const REMINDERS = [
  { offsetMinutes: 1440, channels: ['email', 'sms'] },
  { offsetMinutes: 60, channels: ['email', 'sms'] },
];
const contact = (n: number) => ({
  name: 'Kim',
  email: `kim-${n}@example.com`,
  phone: `+1206200${String(n).padStart(4, '0')}`,
  smsConsent: true,
});
const summary = (messages: SentMessage[]) => messages.map((m) => `${m.channel}:${m.kind}`);

describe('appointment lifecycle under faults', () => {
  let acs: RunningAcsEmulator;
  const stacks: AppStack[] = [];

  beforeAll(async () => {
    acs = await startAcsEmulator({ resource: { emailProfile: 'raised' } }); // many sends within a real minute; quotas are pinned in strict-emulator.test.ts
  });

  afterAll(async () => {
    for (const stack of stacks) await stack.stop();
    await acs?.stop();
  });

  const start = (tablePrefix: string) =>
    startAppStack({
      clockMode: 'virtual',
      env: {
        TABLE_NAME_PREFIX: tablePrefix,
        ACS_CONNECTION_STRING: acs.connectionString,
        ACS_CA_CERT_PATH: acs.caCertPath,
        ACS_EMULATOR_ADMIN_URL: acs.adminUrl,
        // One SDK retry with short delays, so the activity's own durable retries are what gets through.
        ACS_MAX_RETRIES: '1',
        ACS_RETRY_DELAY_MS: '10',
        ACS_MAX_RETRY_DELAY_MS: '20',
      },
    }).then((stack) => (stacks.push(stack), stack));
  const kill = async (stack: AppStack) => {
    await stack.host.kill();
    stacks.splice(stacks.indexOf(stack), 1);
  };

  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${acs.adminUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return (response.status === 204 ? undefined : await response.json()) as T;
  };
  /** What the emulator accepted for one recipient, from its admin API. */
  const acceptedAll = async (to: string) =>
    (await admin<{ messages: SentMessage[] }>('GET', `/admin/messages?to=${encodeURIComponent(to)}`)).messages;
  /** Appointment messages only (the phone's verification code left out). */
  const accepted = async (to: string) => appointmentMessages(await acceptedAll(to));
  const waitFor = async (to: string, count: number) => {
    const deadline = Date.now() + 5000;
    while ((await accepted(to)).length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  };
  const advanceTo = async (stack: AppStack, instant: number) => {
    const minutes = Math.floor((instant - (await stack.now())) / MIN);
    if (minutes > 0) await stack.advance(minutes);
  };
  const book = async (stack: AppStack, consumer: ReturnType<typeof contact>): Promise<Booking> => {
    const phoneVerification = await verifyPhone(stack, 'faultclinic', consumer.phone, acceptedAll);
    const result = await stack.call<Booking>('POST', '/businesses/faultclinic/appointments', {
      body: { serviceId: 'consult', start: await localTime(stack, ZONE, 2, '10:00'), consumer: { ...consumer, phoneVerification } },
    });
    if (result.status !== 201) throw new Error(`booking failed: ${result.status} ${result.text}`);
    await Promise.all([waitFor(consumer.email, 1), waitFor(consumer.phone, 1)]);
    return result.body;
  };
  const read = async (stack: AppStack, booking: Booking) =>
    (await stack.call<Appointment>('GET', `/appointments/${booking.appointment.id}`, { manageToken: booking.manageToken })).body;
  const clinic = (stack: AppStack) =>
    configureClinic(stack, { businessId: 'faultclinic', providers: ['amy'], service: { minimumNoticeMinutes: 0, reminders: REMINDERS } });

  it('sends every reminder exactly once across SIGKILLs of the host, on a virtual clock that survives restarts', async () => {
    const prefix = uniqueTablePrefix();
    const kim = contact(1);
    const first = await start(prefix);
    await clinic(first);
    const booking = await book(first, kim);
    const [dayBefore, hourBefore] = booking.appointment.reminders.map((r) => Date.parse(r.dueAt));

    // Killed a minute before the first reminder: the new process goes on from the same virtual instant.
    await advanceTo(first, dayBefore! - MIN);
    const beforeKill = await first.now();
    await kill(first);
    const second = await start(prefix);
    expect(await second.now()).toBe(beforeKill);
    expect(summary(await accepted(kim.email))).toEqual(['email:confirmation']);
    await second.advance(2);
    expect(summary(await accepted(kim.email))).toEqual(['email:confirmation', 'email:reminder']);
    expect(summary(await accepted(kim.phone))).toEqual(['sms:confirmation', 'sms:reminder']);

    // The second reminder comes due while ACS fails: it waits for its durable retry when the host dies.
    await admin('POST', '/admin/faults', { path: '^/(emails:send|sms)$', method: 'POST', status: 500, count: 10_000 });
    await advanceTo(second, hourBefore! + MIN);
    expect((await read(second, booking)).reminders.map((r) => r.status)).toEqual(['sent', 'pending']);
    const beforeSecondKill = await second.now();
    await kill(second);
    await admin('DELETE', '/admin/faults');
    expect(await accepted(kim.email)).toHaveLength(2);

    const third = await start(prefix);
    expect(await third.now()).toBe(beforeSecondKill);
    await third.advance(1); // the retry's timer fires
    expect(summary(await accepted(kim.email))).toEqual(['email:confirmation', 'email:reminder', 'email:reminder']);
    expect(summary(await accepted(kim.phone))).toEqual(['sms:confirmation', 'sms:reminder', 'sms:reminder']);
    // Through the end and the completion: nothing more.
    for (let step = 0; step < 3; step += 1) await third.advance(60);
    expect(await accepted(kim.email)).toHaveLength(3);
    expect(await accepted(kim.phone)).toHaveLength(3);
    expect(await read(third, booking)).toMatchObject({ status: 'completed', reminders: [{ status: 'sent' }, { status: 'sent' }] });
  });

  it('delivers each reminder once while ACS answers 429 with Retry-After and 500 for a while', async () => {
    const stack = await start(uniqueTablePrefix());
    await clinic(stack);
    const kim = contact(2);
    const booking = await book(stack, kim);
    const [dayBefore] = booking.appointment.reminders.map((r) => Date.parse(r.dueAt));
    // Email gets through on the second attempt's SDK retry, SMS only on the third attempt: the attempt
    // that fails on SMS must not send the email again.
    await admin('POST', '/admin/faults', { path: '^/emails:send$', method: 'POST', status: 500, count: 3 });
    await admin('POST', '/admin/faults', { path: '^/sms$', method: 'POST', status: 429, retryAfterSeconds: 1, count: 4 });

    await advanceTo(stack, dayBefore! + MIN);
    const delivered = async () => (await accepted(kim.email)).length === 2 && (await accepted(kim.phone)).length === 2;
    // Each activity retry waits on a durable timer (5 s, 10 s, ...): move time on until both got through.
    for (let step = 0; step < 10 && !(await delivered()); step += 1) await stack.advance(1);
    expect(await admin<{ faults: unknown[] }>('GET', '/admin/faults')).toEqual({ faults: [] }); // every fault was met
    expect(summary(await accepted(kim.email))).toEqual(['email:confirmation', 'email:reminder']);
    expect(summary(await accepted(kim.phone))).toEqual(['sms:confirmation', 'sms:reminder']);
    expect((await read(stack, booking)).reminders[0]).toMatchObject({
      status: 'sent',
      deliveries: [
        { channel: 'email', status: 'sent' },
        { channel: 'sms', status: 'sent' },
      ],
    });

    for (let step = 0; step < 3; step += 1) await stack.advance(30);
    expect(await accepted(kim.email)).toHaveLength(2);
    expect(await accepted(kim.phone)).toHaveLength(2);
  });
});
