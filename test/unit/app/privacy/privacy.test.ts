import { sendNotice } from '../../../../shared/app/lifecycle/send-notice';
import { sendReminder } from '../../../../shared/app/lifecycle/send-reminder';
import { eraseAppointmentConsumer, erasureHandlers } from '../../../../shared/app/privacy/erase-consumer';
import { withdrawConsent } from '../../../../shared/app/privacy/sms-consent';
import { cancelAppointment } from '../../../../shared/app/appointments/cancel-appointment';
import { AcsError, type ChatPort, type IdentityPort } from '../../../../shared/app/ports/acs';
import type { PersonalDataStore } from '../../../../shared/app/ports/privacy';
import { InMemorySmsOptOutStore } from '../../../support/fakes/sms-opt-out-store';
import { HOUR } from '../../../support/fakes/builders';
import { ANONYMOUS, MANAGER, outcome, STAFF_P1, TUESDAY_10 } from '../world';
import { lifecycleWorld, TEXTABLE } from '../lifecycle/lifecycle-world';

type World = Awaited<ReturnType<typeof lifecycleWorld>>;

/**
 * ACS's opt-out list as the lifecycle asks it: numbers on it, how often it was asked, an error to answer
 * with, or no list at all (as the adapter answers after the resource refused the API).
 */
function optOutList(listed: string[] = []) {
  const list = {
    listed,
    asked: 0,
    failWith: undefined as Error | undefined,
    offered: true,
    isOptedOut: async (phone: string) => {
      list.asked += 1;
      if (list.failWith) throw list.failWith;
      return list.offered ? list.listed.includes(phone) : undefined;
    },
  };
  return list;
}

/** The storage side of erasure, recording what it was asked to forget (its table adapter is covered over the wire by test/e2e/privacy.test.ts). */
function recordingPersonalData() {
  const calls: string[] = [];
  const store: PersonalDataStore = {
    forgetIdempotentAnswers: async (b, a, replacement) => (
      calls.push(`answers ${b} ${a}${replacement ? ` -> ${JSON.stringify(replacement)}` : ''}`),
      0
    ),
    forgetPhoneVerifications: async (b, p) => (calls.push(`verifications ${b} ${p}`), 0),
    forgetCounters: async (counters) => void calls.push(`counters ${counters.join(' ')}`),
    eraseTombstones: async (locations) => void calls.push(`tombstones ${locations.map((l) => l.providerId).join(' ')}`),
    listEndedBefore: async () => [],
    deleteNotifications: async () => undefined,
    deleteOutboxRows: async () => undefined,
    deleteAppointmentRows: async () => undefined,
  };
  return { store, calls };
}

const deliveriesOf = async (w: World, id: string) => (await w.appointments.find(id))!.value.reminders.map((r) => [r.status, r.deliveries]);
const reminderEvents = async (w: World) =>
  (await w.appointments.listOutbox('b1', 'p1'))
    .map((m) => (m.payload?.event as { type?: string } | undefined)?.type)
    .filter((t) => t?.startsWith('appointment.reminder'));

describe('withdrawing SMS consent', () => {
  it('lets the consumer (or a manager) withdraw it, not the provider; same version; the pending SMS deliveries say why at once', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10, { consumer: TEXTABLE });
    expect(await outcome(withdrawConsent(w.deps, booked.id, { caller: STAFF_P1 }))).toBe('forbidden');
    const withdrawn = await withdrawConsent(w.deps, booked.id, { caller: ANONYMOUS, manageToken: booked.manageToken });
    expect(withdrawn).toMatchObject({ version: 1, consumer: { smsConsent: false, phone: TEXTABLE.phone, phoneVerified: true } });
    expect(withdrawn.reminders[0]).toMatchObject({
      status: 'pending',
      deliveries: [
        { channel: 'email', status: 'pending' },
        { channel: 'sms', status: 'skipped', reason: 'sms-consent-withdrawn' },
      ],
    });
    // Again, by a manager: nothing left to change.
    expect(await withdrawConsent(w.deps, booked.id, { caller: MANAGER })).toEqual(withdrawn);
  });

  it('sends the reminder by email only and keeps the reason on the SMS delivery; no notice, no reminder-failed event', async () => {
    const w = await lifecycleWorld();
    const booked = await w.book(TUESDAY_10, { consumer: TEXTABLE });
    await withdrawConsent(w.deps, booked.id, { caller: ANONYMOUS, manageToken: booked.manageToken });
    w.clock.set(TUESDAY_10 - 24 * HOUR);
    expect(await sendReminder(w.lifecycle, { appointmentId: booked.id, version: 1, index: 0 })).toEqual({
      stale: false,
      results: { email: 'sent', sms: 'skipped' },
    });
    expect(w.messaging.delivered.map((m) => m.channel)).toEqual(['email']);
    expect(await deliveriesOf(w, booked.id)).toEqual([
      [
        'sent',
        [
          { channel: 'email', status: 'sent' },
          { channel: 'sms', status: 'skipped', reason: 'sms-consent-withdrawn' },
        ],
      ],
    ]);
    expect(await reminderEvents(w)).toEqual(['appointment.reminder.sent']);
  });
});

describe('numbers that opted out (STOP)', () => {
  it('asks ACS before each SMS, records the opt-out for the business, and skips SMS with the reason while it lasts', async () => {
    const w = await lifecycleWorld();
    const acs = optOutList([TEXTABLE.phone]);
    const store = new InMemorySmsOptOutStore();
    w.lifecycle.optOuts = { store, acs };
    const booked = await w.book(TUESDAY_10, { consumer: TEXTABLE });
    expect(await sendNotice(w.lifecycle, { appointmentId: booked.id, version: 1, notice: 'confirmation' })).toMatchObject({
      results: { email: 'sent', sms: 'skipped', 'provider-email': 'sent' },
    });
    expect(await store.isOptedOut('b1', TEXTABLE.phone)).toBe(true);
    expect(await store.isOptedOut('b2', TEXTABLE.phone)).toBe(false);
    w.clock.set(TUESDAY_10 - 24 * HOUR);
    expect(await sendReminder(w.lifecycle, { appointmentId: booked.id, version: 1, index: 0 })).toEqual({
      stale: false,
      results: { email: 'sent', sms: 'skipped' },
    });
    expect(w.messaging.delivered.filter((m) => m.channel === 'sms')).toEqual([]);
    expect(acs.asked).toBe(2);
    expect(await deliveriesOf(w, booked.id)).toEqual([
      [
        'sent',
        [
          { channel: 'email', status: 'sent' },
          { channel: 'sms', status: 'skipped', reason: 'sms-opted-out' },
        ],
      ],
    ]);
    expect(w.logged.some((l) => l.event === 'sms.optout.recorded' && !JSON.stringify(l.fields).includes(TEXTABLE.phone))).toBe(true);
    expect(w.logged.filter((l) => l.event === 'sms.optout.recorded')).toHaveLength(1);
  });

  it('texts again after a START took the number off ACS list, and forgets the record', async () => {
    const w = await lifecycleWorld();
    const acs = optOutList([TEXTABLE.phone]);
    const store = new InMemorySmsOptOutStore();
    w.lifecycle.optOuts = { store, acs };
    const booked = await w.book(TUESDAY_10, { consumer: TEXTABLE });
    expect(await sendNotice(w.lifecycle, { appointmentId: booked.id, version: 1, notice: 'confirmation' })).toMatchObject({
      results: { sms: 'skipped' },
    });
    acs.listed = []; // the consumer texted START
    w.clock.set(TUESDAY_10 - 24 * HOUR);
    expect(await sendReminder(w.lifecycle, { appointmentId: booked.id, version: 1, index: 0 })).toEqual({
      stale: false,
      results: { email: 'sent', sms: 'sent' },
    });
    expect(await store.isOptedOut('b1', TEXTABLE.phone)).toBe(false);
    expect(w.logged.some((l) => l.event === 'sms.optout.cleared' && !JSON.stringify(l.fields).includes(TEXTABLE.phone))).toBe(true);
  });

  it('without an opt-out list to ask, the record decides: a number recorded as opted out is not texted again on a guess', async () => {
    const w = await lifecycleWorld();
    const acs = optOutList([]);
    acs.offered = false;
    const store = new InMemorySmsOptOutStore();
    await store.record('b1', TEXTABLE.phone);
    w.lifecycle.optOuts = { store, acs };
    const booked = await w.book(TUESDAY_10, { consumer: TEXTABLE });
    expect(await sendNotice(w.lifecycle, { appointmentId: booked.id, version: 1, notice: 'confirmation' })).toMatchObject({
      results: { sms: 'skipped' },
    });
    expect(await store.isOptedOut('b1', TEXTABLE.phone)).toBe(true);
    expect(w.messaging.delivered.filter((m) => m.channel === 'sms')).toEqual([]);
  });

  it('texts a number not on the list; sends anyway (and says so) when the resource offers no opt-out API; retries a transient failure', async () => {
    const w = await lifecycleWorld();
    const acs = optOutList([]);
    w.lifecycle.optOuts = { store: new InMemorySmsOptOutStore(), acs };
    const booked = await w.book(TUESDAY_10, { consumer: TEXTABLE });
    acs.failWith = new AcsError('sms', 'checkOptOut', 503, 'ServiceUnavailable', 'down', true);
    await expect(sendNotice(w.lifecycle, { appointmentId: booked.id, version: 1, notice: 'confirmation' })).rejects.toThrow('down');
    expect(w.messaging.delivered.filter((m) => m.channel === 'sms')).toEqual([]);
    acs.failWith = new AcsError('sms', 'checkOptOut', 404, 'NotFound', 'no opt-out management here', false);
    expect(await sendNotice(w.lifecycle, { appointmentId: booked.id, version: 1, notice: 'confirmation' })).toMatchObject({
      results: { sms: 'sent' },
    });
    expect(w.logged.some((l) => l.level === 'warn' && l.event === 'sms.optout.check.unavailable')).toBe(true);
    acs.failWith = undefined;
    w.clock.set(TUESDAY_10 - 24 * HOUR);
    expect(await sendReminder(w.lifecycle, { appointmentId: booked.id, version: 1, index: 0 })).toEqual({
      stale: false,
      results: { email: 'sent', sms: 'sent' },
    });
  });
});

describe('erasing a consumer', () => {
  it("is the managers' call: the consumer and the provider get 403; the fields go, history stays, the links die; twice answers the same", async () => {
    const w = await lifecycleWorld();
    const { store, calls } = recordingPersonalData();
    const deps = { ...w.deps, personalData: store };
    const booked = await w.book(TUESDAY_10, { consumer: TEXTABLE, notes: 'call +12025550100' });
    expect(await outcome(eraseAppointmentConsumer(deps, booked.id, { caller: ANONYMOUS, manageToken: booked.manageToken }))).toBe(
      'forbidden',
    );
    expect(await outcome(eraseAppointmentConsumer(deps, booked.id, { caller: STAFF_P1 }))).toBe('forbidden');
    expect(calls).toEqual([]);
    w.clock.set(TUESDAY_10 - 48 * HOUR);
    const erased = await eraseAppointmentConsumer(deps, booked.id, { caller: MANAGER });
    expect(erased).toMatchObject({
      status: 'booked',
      version: 1,
      start: TUESDAY_10,
      notes: '[erased]',
      erasedAt: TUESDAY_10 - 48 * HOUR,
      manageTokenHash: '',
    });
    expect(erased.consumer).toEqual({ name: '[erased]', email: '[erased]', smsConsent: false });
    expect(erased.reminders[0]).toMatchObject({
      status: 'skipped',
      deliveries: [
        { channel: 'email', status: 'skipped', reason: 'consumer-erased' },
        { channel: 'sms', status: 'skipped', reason: 'consumer-erased' },
      ],
    });
    expect(calls).toEqual([
      `answers b1 ${booked.id} -> {"status":409,"body":{"erased":true}}`,
      `verifications b1 ${TEXTABLE.phone}`,
      `counters email-recipient|${TEXTABLE.email} sms-recipient|${TEXTABLE.phone} code-phone|${TEXTABLE.phone}`,
      'tombstones p2',
    ]);
    expect(await outcome(eraseAppointmentConsumer(deps, booked.id, { caller: ANONYMOUS, manageToken: booked.manageToken }))).toBe(
      'unauthorized',
    );
    expect(await eraseAppointmentConsumer(deps, booked.id, { caller: MANAGER })).toEqual(erased);
    // Nothing more for the consumer: the reminder step is stale.
    expect(await sendReminder(w.lifecycle, { appointmentId: booked.id, version: 1, index: 0 })).toEqual({ stale: true });
  });

  it('drops a notice queued before the erasure for the consumer (recorded with the reason) and still tells the provider', async () => {
    const w = await lifecycleWorld();
    const deps = { ...w.deps, personalData: recordingPersonalData().store };
    const booked = await w.book(TUESDAY_10, { consumer: TEXTABLE });
    const cancelled = await cancelAppointment(w.deps, booked.id, { caller: MANAGER }, {});
    await eraseAppointmentConsumer(deps, booked.id, { caller: MANAGER });
    const report = await sendNotice(w.lifecycle, { appointmentId: booked.id, version: cancelled.version, notice: 'cancellation' });
    expect(report).toMatchObject({ stale: false, results: { 'provider-email': 'sent' } });
    expect(w.messaging.delivered.map((m) => m.to)).toEqual([expect.stringMatching(/@/)]);
    expect(w.messaging.sentTo(TEXTABLE.email)).toEqual([]);
    expect(
      await w.notifications.get({ appointmentId: booked.id, version: cancelled.version, moment: 'cancellation', channel: 'email' }),
    ).toMatchObject({ state: 'skipped', failure: 'consumer-erased' });
  });

  it('deletes the chat thread and the ACS identity through the outbox, idempotently', async () => {
    const deleted: string[] = [];
    const chat = { deleteThread: async (id: string) => void deleted.push(`thread ${id}`) } as unknown as ChatPort;
    let gone = false;
    const identity = {
      deleteUser: async (id: string) => {
        if (gone) throw new AcsError('identity', 'deleteUser', 401, 'Unauthorized', 'unknown id', false);
        gone = true;
        deleted.push(`user ${id}`);
      },
    } as unknown as IdentityPort;
    const handler = erasureHandlers({ chat, identity })['consumer.erase'];
    const message = {
      id: 'a|1|consumer.erase',
      kind: 'consumer.erase' as const,
      appointmentId: 'a',
      businessId: 'b1',
      providerId: 'p1',
      version: 1,
      createdAt: 0,
      payload: { chatThreadId: 't1', userId: '8:acs:u1' },
    };
    await handler(message);
    await handler(message);
    expect(deleted).toEqual(['thread t1', 'user 8:acs:u1', 'thread t1']);
  });
});
