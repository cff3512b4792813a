/**
 * TablePersonalDataStore on Azurite: what erasure and the retention purge find and delete in the other
 * stores' tables, in batches, and that every step can run twice (docs/privacy.md).
 */
import { TableAppointmentStore } from '../../../shared/adapters/tables/appointment-store';
import { TableBusinessRepository } from '../../../shared/adapters/tables/business-repository';
import { TableIdempotencyStore } from '../../../shared/adapters/tables/idempotency-store';
import { TableNotificationStore } from '../../../shared/adapters/tables/notification-store';
import { TablePersonalDataStore } from '../../../shared/adapters/tables/personal-data-store';
import { TablePhoneVerificationStore } from '../../../shared/adapters/tables/phone-verification-store';
import { TableQuotaStore } from '../../../shared/adapters/tables/quota-store';
import { TableClients } from '../../../shared/adapters/tables/table-clients';
import { parseSettings } from '../../../shared/config/settings';
import type { Appointment } from '../../../shared/domain/appointments/appointment';
import { appointment, business, DAY, HOUR, MONDAY, provider } from '../../support/fakes/builders';
import { testStorageConnectionString, uniqueTablePrefix } from '../../support/env';
import { createHash } from 'node:crypto';

const freshTables = () =>
  new TableClients(
    parseSettings({ TABLE_STORAGE_CONNECTION_STRING: testStorageConnectionString(), TABLE_NAME_PREFIX: uniqueTablePrefix() }),
  );
const busy = (a: Appointment) => ({
  appointmentId: a.id,
  serviceId: a.serviceId,
  start: a.start,
  end: a.end,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
});
const dateOf = (at: number) => new Date(at).toISOString().slice(0, 10);

describe('TablePersonalDataStore (Azurite)', () => {
  let tables: TableClients;
  let store: TablePersonalDataStore;
  let appointments: TableAppointmentStore;

  beforeEach(() => {
    tables = freshTables();
    store = new TablePersonalDataStore(tables);
    appointments = new TableAppointmentStore(tables);
  });

  /** Books `a` in p1 sharing one day row with whatever is already there. */
  const save = async (a: Appointment, alongside: Appointment[] = []) => {
    const state = await appointments.readBookingState('b1', a.providerId, {
      localDates: { from: '2026-01-01', to: '2026-12-31' },
      utcDates: { from: dateOf(a.start), to: dateOf(a.start + DAY) },
    });
    const day = state.days[0];
    await appointments.savePointer(a.id, { businessId: 'b1', providerId: a.providerId });
    await appointments.commit({
      businessId: 'b1',
      providerId: a.providerId,
      days: [{ date: dateOf(a.start), busy: [...alongside.map(busy), busy(a)], ...(day?.etag ? { etag: day.etag } : {}) }],
      appointment: { value: a },
      outbox: [
        {
          id: `${a.id}|1|lifecycle.start`,
          kind: 'lifecycle.start',
          appointmentId: a.id,
          businessId: 'b1',
          providerId: a.providerId,
          version: 1,
          createdAt: a.createdAt,
        },
      ],
    });
  };

  it('lists ended appointments oldest first, at most `limit`, with the tombstones a move left; each purge step runs twice without harm', async () => {
    const first = appointment('a-first', MONDAY + 9 * HOUR);
    const second = appointment('a-second', MONDAY + 10 * HOUR);
    const later = appointment('a-later', MONDAY + 5 * DAY);
    await save(first);
    await save(second, [first]);
    await save(later);
    const location = { businessId: 'b1', providerId: 'p1' };
    const cutoff = MONDAY + 2 * DAY;

    expect((await store.listEndedBefore(location, cutoff, 1)).map((f) => f.appointment.id)).toEqual(['a-first']);
    const ended = await store.listEndedBefore(location, cutoff, 10);
    expect(ended.map((f) => [f.appointment.id, f.tombstone])).toEqual([
      ['a-first', false],
      ['a-second', false],
    ]);

    await store.deleteOutboxRows(location, 'a-first');
    await store.deleteAppointmentRows(ended[0]!);
    await store.deleteAppointmentRows(ended[0]!);
    await store.deleteOutboxRows(location, 'a-first');
    expect(await appointments.find('a-first')).toBeUndefined();
    expect((await appointments.listOutbox('b1', 'p1')).map((m) => m.appointmentId).sort()).toEqual(['a-later', 'a-second']);
    // The busy time of the purged one is gone, the other's stays.
    const day = (
      await appointments.readBookingState('b1', 'p1', {
        localDates: { from: '2026-01-01', to: '2026-01-02' },
        utcDates: { from: dateOf(MONDAY), to: dateOf(MONDAY + DAY) },
      })
    ).days;
    expect(day.flatMap((d) => d.busy.map((b) => b.appointmentId))).toEqual(['a-second']);
    expect((await store.listEndedBefore(location, cutoff, 10)).map((f) => f.appointment.id)).toEqual(['a-second']);
  });

  it('finds every provider of every business, and the tombstone of a move, which it overwrites on erasure', async () => {
    const businesses = new TableBusinessRepository(tables);
    await businesses.saveBusiness(business(), undefined);
    await businesses.saveBusiness(business({ id: 'b2' }), undefined);
    for (const [b, p] of [
      ['b1', 'p1'],
      ['b1', 'p2'],
      ['b2', 'p9'],
    ] as const)
      await businesses.saveProvider(provider(p, { businessId: b }), undefined);
    expect((await store.listProviderLocations()).map((l) => `${l.businessId}/${l.providerId}`).sort()).toEqual(['b1/p1', 'b1/p2', 'b2/p9']);

    const moved = appointment('a-moved', MONDAY + 9 * HOUR);
    await save(moved);
    const found = (await appointments.findAt({ businessId: 'b1', providerId: 'p1' }, 'a-moved'))!;
    await appointments.retireMovedAppointment({
      businessId: 'b1',
      providerId: 'p1',
      days: [],
      appointment: found,
      movedToProviderId: 'p2',
      outbox: [],
    });
    const tombstones = await store.listEndedBefore({ businessId: 'b1', providerId: 'p1' }, MONDAY + 2 * DAY, 10);
    expect(tombstones.map((f) => [f.appointment.id, f.tombstone, f.appointment.consumer.email])).toEqual([
      ['a-moved', true, 'ann@example.com'],
    ]);

    await store.eraseTombstones([{ businessId: 'b1', providerId: 'p1' }], {
      ...moved,
      consumer: { name: '[erased]', email: '[erased]', smsConsent: false },
    });
    expect((await store.listEndedBefore({ businessId: 'b1', providerId: 'p1' }, MONDAY + 2 * DAY, 10))[0]!.appointment.consumer.email).toBe(
      '[erased]',
    );
    await store.deleteAppointmentRows(tombstones[0]!);
    expect(await store.listEndedBefore({ businessId: 'b1', providerId: 'p1' }, MONDAY + 2 * DAY, 10)).toEqual([]);
  });

  it("forgets the business's remembered answers that mention the appointment, the phone's verifications, the counters and the notification records", async () => {
    const idempotency = new TableIdempotencyStore(tables);
    for (const [key, id] of [
      ['k1', 'a-1'],
      ['k2', 'a-2'],
    ]) {
      const claim = { scope: 'b1', key: key!, requestHash: `h-${key}` };
      const claimed = await idempotency.claim(claim, 0, 1000, DAY);
      if (claimed.kind !== 'claimed') throw new Error('not claimed');
      await idempotency.complete(
        claim,
        claimed.claimId,
        { status: 201, body: { appointment: { id, consumer: { email: 'ann@example.com' } } } },
        0,
        DAY,
      );
    }
    // Erasure keeps the key with another answer; retention deletes it.
    const erasedAnswer = { status: 409, body: { erased: true } };
    expect(await store.forgetIdempotentAnswers('b1', 'a-2', erasedAnswer)).toBe(1);
    expect(await idempotency.claim({ scope: 'b1', key: 'k2', requestHash: 'h-k2' }, 1, 1000, DAY)).toEqual({
      kind: 'replay',
      response: erasedAnswer,
    });
    expect(await store.forgetIdempotentAnswers('b1', 'a-1')).toBe(1);
    expect(await store.forgetIdempotentAnswers('b1', 'a-1')).toBe(0);
    expect(await idempotency.claim({ scope: 'b1', key: 'k1', requestHash: 'h-k1' }, 1, 1000, DAY)).toMatchObject({ kind: 'claimed' });

    const verifications = new TablePhoneVerificationStore(tables);
    const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
    await verifications.create({
      id: 'v1',
      businessId: 'b1',
      phoneHash: sha('+13125550100'),
      codeHash: 'c',
      createdAt: 0,
      expiresAt: DAY,
      failedAttempts: 0,
    });
    await verifications.create({
      id: 'v2',
      businessId: 'b1',
      phoneHash: sha('+13125550199'),
      codeHash: 'c',
      createdAt: 0,
      expiresAt: DAY,
      failedAttempts: 0,
    });
    expect(await store.forgetPhoneVerifications('b1', '+13125550100')).toBe(1);
    expect(await verifications.find('b1', 'v1')).toBeUndefined();
    expect(await verifications.find('b1', 'v2')).toBeDefined();

    const quotas = new TableQuotaStore(tables);
    await quotas.take('sms-recipient|+13125550100', 1, DAY, 0);
    await quotas.take('sms-recipient|+13125550199', 1, DAY, 0);
    await store.forgetCounters(['sms-recipient|+13125550100']);
    expect(await quotas.take('sms-recipient|+13125550100', 1, DAY, 1)).toBe(true); // counted afresh
    expect(await quotas.take('sms-recipient|+13125550199', 1, DAY, 1)).toBe(false);

    const notifications = new TableNotificationStore(tables);
    await notifications.finish({ appointmentId: 'a-1', version: 1, moment: 'confirmation', channel: 'email' }, { state: 'sent' }, 0);
    await notifications.finish({ appointmentId: 'a-2', version: 1, moment: 'confirmation', channel: 'email' }, { state: 'sent' }, 0);
    await store.deleteNotifications('a-1');
    await store.deleteNotifications('a-1');
    expect(await notifications.get({ appointmentId: 'a-1', version: 1, moment: 'confirmation', channel: 'email' })).toBeUndefined();
    expect(await notifications.get({ appointmentId: 'a-2', version: 1, moment: 'confirmation', channel: 'email' })).toBeDefined();
  });
});
