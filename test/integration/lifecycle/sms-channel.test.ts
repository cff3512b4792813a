/**
 * The SMS channel policy as the notices use it, on Azurite and the run's ACS emulator (which owns only
 * +18005550100, a toll-free number): a sender the resource does not own is one configuration error and
 * email only afterwards; a country the sender does not reach is email only with the reason recorded;
 * no sender is no SMS channel, said once.
 */
import { TableNotificationStore } from '../../../shared/adapters/tables/notification-store';
import { TableClients } from '../../../shared/adapters/tables/table-clients';
import { bookAppointment } from '../../../shared/app/appointments/book-appointment';
import type { LifecycleDeps } from '../../../shared/app/lifecycle/lifecycle-deps';
import { sendNotice } from '../../../shared/app/lifecycle/send-notice';
import { smsChannel } from '../../../shared/app/lifecycle/sms-channel';
import type { Appointment } from '../../../shared/domain/appointments/appointment';
import { parseSettings } from '../../../shared/config/settings';
import { testStorageConnectionString, uniqueTablePrefix } from '../../support/env';
import { adaptersFor, admin, uniqueEmail } from '../acs/acs-test-kit';
import { memoryLogger } from '../durable/harness';
import { freshStart, joinFixture } from '../join/join-fixture';

const f = joinFixture();
const notifications = new TableNotificationStore(
  new TableClients(
    parseSettings({ TABLE_STORAGE_CONNECTION_STRING: testStorageConnectionString(), TABLE_NAME_PREFIX: uniqueTablePrefix() }),
  ),
);

beforeAll(() => f.setUp());

let phones = 0;
const block = 200 + Math.floor(Math.random() * 800);
const usPhone = () => `+1415${block}${String((phones += 1)).padStart(4, '0')}`;

function depsWith(from: string | undefined, countries: string[] = []) {
  const log = memoryLogger();
  const acs = adaptersFor({
    ACS_CONNECTION_STRING: f.emulator.connectionString,
    ACS_CA_CERT_PATH: f.emulator.caCertPath,
    ...(from ? { ACS_SMS_FROM: from } : {}),
  });
  const deps: LifecycleDeps = {
    appointments: f.appointments,
    businesses: f.businesses,
    notifications,
    email: acs.email,
    get sms() {
      return acs.sms;
    },
    smsChannel: smsChannel({ from, countries, log }),
    rooms: f.join,
    clock: f.clock,
    links: {
      consumer: () => ({ join: 'https://app.example/j', manage: 'https://app.example/m' }),
      providerJoin: () => 'https://app.example/p',
    },
    log,
    events: { publish: async () => undefined },
  };
  return { deps, log };
}

async function bookWith(phone: string): Promise<Appointment> {
  const saved = f.clock.current;
  const start = freshStart();
  f.clock.current = start - 7 * 24 * 3_600_000;
  try {
    const result = await bookAppointment(
      f.booking,
      'clinic',
      {
        serviceId: 'consult',
        start,
        providerId: 'amy',
        consumer: { name: 'Sam', email: uniqueEmail(), phone, smsConsent: true, phoneVerified: true },
      }, // verified as the HTTP handler does it (phone-verification.ts)
      (appointment) => appointment,
    );
    return result.body as Appointment;
  } finally {
    f.clock.current = saved;
  }
}

const confirm = (deps: LifecycleDeps, appointment: Appointment) =>
  sendNotice(deps, { appointmentId: appointment.id, version: appointment.version, notice: 'confirmation' });
const smsRecord = (appointment: Appointment) =>
  notifications.get({ appointmentId: appointment.id, version: appointment.version, moment: 'confirmation', channel: 'sms' });
const messagesTo = async (to: string) =>
  (await admin<{ messages: Array<{ channel: string }> }>(f.emulator.adminUrl, 'GET', `/admin/messages?to=${encodeURIComponent(to)}`)).body
    .messages;

describe('SMS channel', () => {
  it('a sender the resource does not own: one clear configuration error, then email only with the reason', async () => {
    const { deps, log } = depsWith('+18005550199');
    const booked = [await bookWith(usPhone()), await bookWith(usPhone()), await bookWith(usPhone())];
    const reports = [];
    for (const appointment of booked) reports.push(await confirm(deps, appointment));
    expect(reports.map((r) => (r.stale ? 'stale' : r.results.sms))).toEqual(['failed', 'skipped', 'skipped']);
    expect(reports.every((r) => !r.stale && r.results.email === 'sent')).toBe(true);
    const errors = log.records.filter((r) => r.event === 'configuration.error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.fields).toMatchObject({
      setting: 'ACS_SMS_FROM',
      problem: expect.stringContaining('not a phone number of this ACS resource'),
    });
    expect(await smsRecord(booked[0]!)).toMatchObject({ state: 'failed' });
    expect(await smsRecord(booked[1]!)).toMatchObject({ state: 'skipped', failure: 'sms-sender-refused' });
  });

  it('a country the toll-free sender does not reach gets email only, recorded with the reason; a US number gets both', async () => {
    const { deps } = depsWith('+18005550100');
    const german = '+4915112345678';
    const abroad = await bookWith(german);
    const report = await confirm(deps, abroad);
    expect(report).toEqual({ stale: false, results: { email: 'sent', sms: 'skipped', 'provider-email': 'sent' } });
    expect(await smsRecord(abroad)).toMatchObject({ state: 'skipped', failure: 'sms-country-not-reached' });
    expect(await messagesTo(german)).toEqual([]);

    const phone = usPhone();
    const home = await bookWith(phone);
    expect(await confirm(deps, home)).toMatchObject({ results: { email: 'sent', sms: 'sent' } });
    expect((await messagesTo(phone)).map((m) => m.channel)).toEqual(['sms']);
  });

  it('ACS_SMS_COUNTRIES overrides what the number implies', async () => {
    const { deps } = depsWith('+18005550100', ['CA']);
    const appointment = await bookWith(usPhone());
    expect(await confirm(deps, appointment)).toMatchObject({ results: { sms: 'skipped' } });
    expect(await smsRecord(appointment)).toMatchObject({ state: 'skipped', failure: 'sms-country-not-reached' });
  });

  it('no sender: no SMS channel, said once in the log, and email still goes', async () => {
    const { deps, log } = depsWith(undefined);
    const first = await bookWith(usPhone());
    const second = await bookWith(usPhone());
    expect(await confirm(deps, first)).toMatchObject({ results: { email: 'sent', sms: 'skipped' } });
    expect(await confirm(deps, second)).toMatchObject({ results: { email: 'sent', sms: 'skipped' } });
    expect(log.records.filter((r) => r.event === 'sms.channel.disabled')).toHaveLength(1);
    expect(await smsRecord(first)).toMatchObject({ state: 'skipped', failure: 'sms-disabled' });
  });
});
