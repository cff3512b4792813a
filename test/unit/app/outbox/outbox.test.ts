import { appointmentEvent, eventHandlers } from '../../../../shared/app/events/appointment-events';
import { lifecycleHandlers } from '../../../../shared/app/lifecycle/lifecycle-outbox';
import { MessageCapped, messageCaps } from '../../../../shared/app/lifecycle/message-caps';
import { dispatchPartition, outboxRetryDelay, sweepOutbox, type OutboxDeps } from '../../../../shared/app/outbox/dispatch-outbox';
import { AcsThrottledError } from '../../../../shared/app/ports/acs';
import type { OutboxKind, OutboxMessage } from '../../../../shared/app/ports/appointment-store';
import type { LifecycleEvent } from '../../../../shared/app/ports/lifecycle';
import { InMemoryAppointmentStore } from '../../../support/fakes/appointment-store';
import { appointment, HOUR, MINUTE, MONDAY } from '../../../support/fakes/builders';
import { FakeClock } from '../../../support/fakes/clock';
import { RecordingEventPublisher } from '../../../support/fakes/event-publisher';
import { InMemoryQuotaStore } from '../../../support/fakes/quota-store';

const DAY = 24 * HOUR;

describe('appointment events', () => {
  it('carry ids, status and times only, with an id per version, type and detail', () => {
    const a = appointment('a1', MONDAY, {
      version: 3,
      consumer: { name: 'Ann', email: 'ann@example.com', phone: '+12065550100', smsConsent: true },
    });
    const event = appointmentEvent('appointment.reminder.sent', a, 5, {
      detail: 'reminder-0',
      data: { reminderIndex: 0, dueAt: '2026-03-01T00:00:00.000Z', deliveries: [{ channel: 'email', status: 'sent' }] },
    });
    expect(event).toEqual({
      id: 'a1:3:appointment.reminder.sent:reminder-0',
      type: 'appointment.reminder.sent',
      businessId: 'b1',
      appointmentId: 'a1',
      time: 5,
      data: {
        appointmentId: 'a1',
        businessId: 'b1',
        providerId: 'p1',
        serviceId: 's1',
        status: 'booked',
        version: 3,
        start: '2026-03-02T00:00:00.000Z',
        end: '2026-03-02T00:30:00.000Z',
        reminderIndex: 0,
        dueAt: '2026-03-01T00:00:00.000Z',
        deliveries: [{ channel: 'email', status: 'sent' }],
      },
    });
    expect(JSON.stringify(event)).not.toMatch(/Ann|ann@|\+1206/);
    expect(appointmentEvent('appointment.booked', a, 5).id).toBe('a1:3:appointment.booked');
  });

  it('event.publish publishes the event the row carries, and refuses a row without one', async () => {
    const publisher = new RecordingEventPublisher();
    const handle = eventHandlers(publisher)['event.publish']!;
    const event = appointmentEvent('appointment.booked', appointment('a1', MONDAY), 1);
    await handle(row('event.publish', { event }));
    expect(publisher.published.map((e) => e.id)).toEqual([event.id]);
    await expect(handle(row('event.publish'))).rejects.toThrow('carries no event');
    await expect(handle(row('event.publish', { event: { ...event, id: '' } }))).rejects.toThrow('carries no event');
    await expect(handle(row('event.publish', { event: { ...event, type: undefined } }))).rejects.toThrow('carries no event');
  });
});

describe('lifecycle outbox rows', () => {
  it('start the orchestration, and raise rescheduled or cancelled with the version; anything else is refused', async () => {
    const calls: string[] = [];
    const handlers = lifecycleHandlers({
      start: async (id: string) => void calls.push(`start ${id}`),
      raise: async (id: string, event: LifecycleEvent, data: { version: number }) =>
        void calls.push(`raise ${id} ${event} v${data.version}`),
    } as never);
    await handlers['lifecycle.start']!(row('lifecycle.start'));
    await handlers['lifecycle.event']!({ ...row('lifecycle.event', { event: 'rescheduled' }), version: 4 });
    await handlers['lifecycle.event']!(row('lifecycle.event', { event: 'cancelled' }));
    expect(calls).toEqual(['start a1', 'raise a1 rescheduled v4', 'raise a1 cancelled v1']);
    await expect(handlers['lifecycle.event']!(row('lifecycle.event', { event: 'booked' }))).rejects.toThrow('names no lifecycle event');
    await expect(handlers['lifecycle.event']!(row('lifecycle.event'))).rejects.toThrow('names no lifecycle event');
  });
});

describe('message caps', () => {
  const caps = { emailPerRecipientPerDay: 2, smsPerRecipientPerDay: 1, smsPerBusinessPerHour: 2 };

  it('caps each recipient per day, case-insensitively for email, counting nothing of the business for a capped recipient', async () => {
    const quotas = new InMemoryQuotaStore();
    const admit = messageCaps(quotas, caps);
    const email = (recipient: string, now = MONDAY) => admit.admit({ channel: 'email', recipient, businessId: 'b1', now });
    expect(await email('Ann@example.com')).toBeUndefined();
    expect(await email('ann@EXAMPLE.com')).toBeUndefined();
    expect(await email('ann@example.com', MONDAY + DAY - 1)).toBe('recipient-daily-cap');
    expect(await email('ann@example.com', MONDAY + DAY)).toBeUndefined();
    const sms = (recipient: string, now = MONDAY) => admit.admit({ channel: 'sms', recipient, businessId: 'b1', now });
    expect(await sms('+12065550100')).toBeUndefined();
    expect(await sms('+12065550100')).toBe('recipient-daily-cap');
    expect(quotas.taken.filter((t) => t.counter.startsWith('sms-business|'))).toHaveLength(1);
    expect(quotas.taken.filter((t) => t.counter.startsWith('email-'))).toHaveLength(4);
  });

  it('caps SMS per business per hour; email never counts against it', async () => {
    const admit = messageCaps(new InMemoryQuotaStore(), caps);
    const sms = (recipient: string, now = MONDAY) => admit.admit({ channel: 'sms', recipient, businessId: 'b1', now });
    for (let i = 0; i < 3; i += 1)
      expect(await admit.admit({ channel: 'email', recipient: `c${i}@example.com`, businessId: 'b1', now: MONDAY })).toBeUndefined();
    expect(await sms('+12065550101')).toBeUndefined();
    expect(await sms('+12065550102')).toBeUndefined();
    expect(await sms('+12065550103')).toBe('business-hourly-sms-cap');
    expect(await admit.admit({ channel: 'sms', recipient: '+12065550104', businessId: 'b2', now: MONDAY })).toBeUndefined();
    expect(await sms('+12065550105', MONDAY + HOUR)).toBeUndefined();
    const capped = new MessageCapped('recipient-daily-cap');
    expect([capped.name, capped.message, capped.reason]).toEqual([
      'MessageCapped',
      'message not sent: recipient-daily-cap',
      'recipient-daily-cap',
    ]);
  });
});

function row(kind: OutboxKind, payload?: Record<string, unknown>, extra: Partial<OutboxMessage> = {}): OutboxMessage {
  return {
    id: `a1|1|${kind}${extra.appointmentId ?? ''}`,
    kind,
    appointmentId: 'a1',
    businessId: 'b1',
    providerId: 'p1',
    version: 1,
    createdAt: 0,
    ...(payload ? { payload } : {}),
    ...extra,
  };
}

describe('the outbox', () => {
  async function outboxWorld(handlers: OutboxDeps['handlers']) {
    const store = new InMemoryAppointmentStore();
    const clock = new FakeClock(MONDAY);
    const errors: Array<{ id: string; attempts?: number }> = [];
    const deps: OutboxDeps = { appointments: store, clock, handlers, onError: (m) => void errors.push({ id: m.id, attempts: m.attempts }) };
    /** Commits an appointment with outbox rows, as a use case does (marking the partition). */
    const write = async (id: string, rows: OutboxMessage[], providerId = 'p1') =>
      store.commit({
        businessId: 'b1',
        providerId,
        days: [],
        appointment: { value: appointment(id, MONDAY, { providerId }) },
        outbox: rows.map((r) => ({ ...r, appointmentId: id, providerId })),
      });
    return { store, clock, errors, deps, write };
  }

  it('waits 15 s after a first failure, doubling up to 15 minutes', () => {
    expect([0, 1, 2, 3, 6, 7, 20].map(outboxRetryDelay)).toEqual([15_000, 15_000, 30_000, 60_000, 480_000, 900_000, 900_000]);
  });

  it('runs rows oldest first, deletes each after its effect, keeps and defers a failing one, and leaves unknown kinds', async () => {
    const ran: string[] = [];
    let failNext = true;
    const w = await outboxWorld({
      'event.publish': async (m) => void ran.push(m.id),
      'room.ensure': async (m) => {
        if (failNext) {
          failNext = false;
          throw new Error('ACS down');
        }
        ran.push(m.id);
      },
    });
    await w.write('a1', [
      row('room.ensure', undefined, { id: 'r1', createdAt: 2 }),
      row('event.publish', undefined, { id: 'e1', createdAt: 1 }),
      row('chat.notice', undefined, { id: 'c1', createdAt: 3 }),
    ]);
    expect(await dispatchPartition(w.deps, { businessId: 'b1', providerId: 'p1' })).toEqual({ done: 1, failed: 2 });
    expect(ran).toEqual(['e1']);
    expect(w.errors).toEqual([{ id: 'r1', attempts: 1 }]);
    const left = await w.store.listOutbox('b1', 'p1');
    expect(left.map((m) => [m.id, m.attempts, m.retryAt])).toEqual([
      ['r1', 1, MONDAY + 15_000],
      ['c1', undefined, undefined],
    ]);
    // not before its time
    w.clock.set(MONDAY + 15_000 - 1);
    expect(await dispatchPartition(w.deps, { businessId: 'b1', providerId: 'p1' })).toEqual({ done: 0, failed: 2 });
    w.clock.set(MONDAY + 15_000);
    expect(await dispatchPartition(w.deps, { businessId: 'b1', providerId: 'p1' })).toEqual({ done: 1, failed: 1 });
    expect(ran).toEqual(['e1', 'r1']);
  });

  it('waits as long as a throttled service asked when that is longer than its own delay', async () => {
    const w = await outboxWorld({ 'chat.ensure': async () => Promise.reject(new AcsThrottledError('chat', 'createThread', 40 * MINUTE)) });
    await w.write('a1', [row('chat.ensure', undefined, { id: 'c1' })]);
    await dispatchPartition(w.deps, { businessId: 'b1', providerId: 'p1' });
    expect((await w.store.listOutbox('b1', 'p1'))[0]!.retryAt).toBe(MONDAY + 40 * MINUTE);
    const short = await outboxWorld({ 'chat.ensure': async () => Promise.reject(new AcsThrottledError('chat', 'createThread', 1_000)) });
    await short.write('a1', [row('chat.ensure', undefined, { id: 'c1', attempts: 2 })]);
    await dispatchPartition(short.deps, { businessId: 'b1', providerId: 'p1' });
    expect((await short.store.listOutbox('b1', 'p1'))[0]).toMatchObject({ attempts: 3, retryAt: MONDAY + 60_000 });
  });

  it('sweeps every marked partition, clears the marks of emptied ones only, and reports the totals', async () => {
    const w = await outboxWorld({ 'event.publish': async () => undefined, 'room.ensure': async () => Promise.reject(new Error('down')) });
    await w.write('a1', [row('event.publish', undefined, { id: 'e1' })], 'p1');
    await w.write('a2', [row('event.publish', undefined, { id: 'e2' }), row('room.ensure', undefined, { id: 'r2' })], 'p2');
    expect(await sweepOutbox(w.deps)).toEqual({ partitions: 2, done: 2, failed: 1 });
    expect((await w.store.listDirtyPartitions()).map((p) => p.providerId)).toEqual(['p2']);
    expect(await sweepOutbox({ ...w.deps, sweepConcurrency: 1 })).toEqual({ partitions: 1, done: 0, failed: 1 });
  });

  it('lets the other partitions finish when storage fails for one, then reports the failure', async () => {
    const w = await outboxWorld({ 'event.publish': async () => undefined });
    await w.write('a1', [row('event.publish', undefined, { id: 'e1' })], 'p1');
    await w.write('a2', [row('event.publish', undefined, { id: 'e2' })], 'p2');
    const listOutbox = w.store.listOutbox.bind(w.store);
    w.deps.appointments = Object.assign(Object.create(w.store) as InMemoryAppointmentStore, {
      listOutbox: async (b: string, p: string) => (p === 'p1' ? Promise.reject(new Error('storage down')) : listOutbox(b, p)),
    });
    await expect(sweepOutbox(w.deps)).rejects.toThrow('storage down');
    expect(await w.store.listOutbox('b1', 'p2')).toEqual([]);
    expect((await w.store.listDirtyPartitions()).map((p) => p.providerId)).toEqual(['p1']);
  });
});
