/**
 * Issue 16, languages over HTTP on the local host (virtual clock): a consumer who named no locale gets
 * the business's default language in the confirmation email, the SMS, the reminder and the calendar
 * file; one who named a locale gets theirs; the provider gets their own language. Messages are read
 * from the run's ACS emulator through /api/dev/messages.
 */
import ical from 'node-ical';
import { configureClinic, localTime, startAppStack, verifyPhone, type AppStack } from '../support/app-stack';
import { appointmentMessages } from '../support/phone-verification';
import { uniqueTablePrefix } from '../support/env';

type Booking = { appointment: { id: string; reminders: Array<{ dueAt: string }> }; manageToken: string };

const ZONE = 'Europe/Berlin';
const MIN = 60_000;
let counter = 0;
const unique = () => (counter += 1);
const email = () => `lang-${process.pid}-${unique()}@example.com`;
const phone = () => `+1312${300 + (process.pid % 600)}${String(unique()).padStart(4, '0')}`;

describe('languages over HTTP', () => {
  let stack: AppStack;
  let managerToken: string;

  beforeAll(async () => {
    stack = await startAppStack({ clockMode: 'virtual', env: { TABLE_NAME_PREFIX: uniqueTablePrefix() } });
    ({ managerToken } = await configureClinic(stack, {
      businessId: 'langclinic',
      providers: ['amy'],
      service: { minimumNoticeMinutes: 0, reminders: [{ offsetMinutes: 60, channels: ['email', 'sms'] }] },
    }));
    // The business writes German to consumers who name no language; Dr amy reads French.
    const business = await stack.call('PUT', '/businesses/langclinic', {
      token: managerToken,
      body: { name: 'Praxis Lang', timeZone: ZONE, managers: ['manager-langclinic'], defaultLocale: 'de' },
    });
    expect(business.status).toBe(200);
    expect(business.body).toMatchObject({ defaultLocale: 'de' });
    const provider = await stack.call('PUT', '/businesses/langclinic/providers/amy', {
      token: managerToken,
      body: { displayName: 'Dr amy', email: 'amy@langclinic.example', timeZone: ZONE, staffObjectId: 'oid-langclinic-amy', locale: 'fr' },
    });
    expect(provider.status).toBe(200);
    expect(provider.body).toMatchObject({ locale: 'fr' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const messagesTo = async (to: string, count: number) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const messages = appointmentMessages(await stack.messages(to));
      if (messages.length >= count || Date.now() > deadline) return messages;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const book = async (start: string, consumer: Record<string, unknown>): Promise<Booking> => {
    const phoneVerification = typeof consumer.phone === 'string' ? await verifyPhone(stack, 'langclinic', consumer.phone) : undefined;
    const result = await stack.call<Booking>('POST', '/businesses/langclinic/appointments', {
      body: {
        serviceId: 'consult',
        start,
        consumer: { name: 'Jana', smsConsent: true, ...consumer, ...(phoneVerification ? { phoneVerification } : {}) },
      },
    });
    if (result.status !== 201) throw new Error(`booking failed: ${result.status} ${result.text}`);
    return result.body;
  };
  const calendarOf = async (booking: Booking) => {
    const answer = await stack.call('GET', `/appointments/${booking.appointment.id}/calendar.ics`, { manageToken: booking.manageToken });
    expect(answer.status).toBe(200);
    return Object.values(ical.sync.parseICS(answer.text)).find((c) => c?.type === 'VEVENT') as unknown as {
      summary: string;
      description: string;
    };
  };

  it("writes to a consumer without a locale in the business's default language: email, SMS, reminder and calendar file", async () => {
    const who = { email: email(), phone: phone() };
    const start = await localTime(stack, ZONE, 2, '14:30');
    const booking = await book(start, who);
    const [mail] = await messagesTo(who.email, 1);
    expect(mail).toMatchObject({ kind: 'confirmation', subject: 'Bestätigt: Consultation bei Dr amy' });
    expect(mail!.body).toMatch(/^Hallo Jana,/);
    // The German date format, in the business's zone (the consumer named none).
    expect(mail!.body).toMatch(/ist gebucht für \S+, \d{1,2}\. \S+ \d{4}, 14:30-15:00 \(Europe\/Berlin\)\./u);
    expect(mail!.body).toContain('Zur Videosprechstunde: ');
    const [sms] = await messagesTo(who.phone, 1);
    expect(sms!.body).toMatch(/^Gebucht: Consultation bei Dr amy, \S+, \d{1,2}\. \S+ \d{4}, 14:30-15:00 \(Europe\/Berlin\)\./u);

    const calendar = await calendarOf(booking);
    expect(calendar.summary).toBe('Consultation bei Dr amy');
    expect(calendar.description).toMatch(/^\S+, \d{1,2}\. \S+ \d{4}, 14:30-15:00 \(Europe\/Berlin\)\nTeilnehmen: http/u);

    // The reminder, on the virtual clock: German too.
    const dueAt = Date.parse(booking.appointment.reminders[0]!.dueAt);
    await stack.advance(Math.floor((dueAt - (await stack.now())) / MIN) + 1);
    const [, reminder] = await messagesTo(who.email, 2);
    expect(reminder).toMatchObject({ kind: 'reminder', subject: 'Erinnerung: Consultation bei Dr amy' });
    const [, smsReminder] = await messagesTo(who.phone, 2);
    expect(smsReminder!.body).toMatch(/^Erinnerung: Consultation bei Dr amy/);
  });

  it("writes in the consumer's own language when they named one, and to the provider in the provider's", async () => {
    const who = { email: email(), locale: 'es-MX', timeZone: 'America/Mexico_City' };
    const booking = await book(await localTime(stack, ZONE, 3, '16:00'), who);
    const [mail] = await messagesTo(who.email, 1);
    expect(mail).toMatchObject({ kind: 'confirmation', subject: 'Confirmada: Consultation con Dr amy' });
    // In the consumer's zone (16:00 in Berlin is 09:00 in Mexico City, no DST there) and es-MX's 12-hour clock.
    expect(mail!.body).toMatch(/^Hola, Jana:/);
    expect(mail!.body).toMatch(
      /está reservada para el \S+, \d{1,2} de \S+ de \d{4}, 9:00\sa\.\s?m\.-9:30\sa\.\s?m\. \(America\/Mexico_City\)\./u,
    );
    expect((await calendarOf(booking)).summary).toBe('Consultation con Dr amy');

    const providerMail = (await messagesTo('amy@langclinic.example', 2)).filter((m) => m.appointmentId === booking.appointment.id);
    expect(providerMail).toHaveLength(1);
    expect(providerMail[0]!.subject).toMatch(/^Nouveau rendez-vous: Consultation, \S+ \d{1,2} \S+ \d{4}, 16:00-16:30 \(Europe\/Berlin\)$/u);
    expect(providerMail[0]!.body).toMatch(/^Bonjour Dr amy,\n\nNouveau rendez-vous: Consultation avec Jana, /u);
  });

  it('refuses a defaultLocale or provider locale the app does not speak, changing nothing', async () => {
    // A token valid at the host's virtual now (earlier tests moved the clock on).
    managerToken = await stack.staffToken('manager-langclinic');
    const refused = await stack.call('PUT', '/businesses/langclinic', {
      token: managerToken,
      body: { name: 'Praxis Lang', timeZone: ZONE, managers: ['manager-langclinic'], defaultLocale: 'it' },
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
    const provider = await stack.call('PUT', '/businesses/langclinic/providers/amy', {
      token: managerToken,
      body: {
        displayName: 'Dr amy',
        email: 'amy@langclinic.example',
        timeZone: ZONE,
        staffObjectId: 'oid-langclinic-amy',
        locale: 'de-DE',
      },
    });
    expect(provider.status).toBe(400);
    expect((await stack.call('GET', '/businesses/langclinic', { token: managerToken })).body).toMatchObject({ defaultLocale: 'de' });
  });
});
