import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import Ajv from 'ajv';
import { effectsOf } from '../../../shared/app/appointments/effects';
import { recordUndelivered } from '../../../shared/app/lifecycle/bookkeeping';
import { sendReminder } from '../../../shared/app/lifecycle/send-reminder';
import { appointmentEvent } from '../../../shared/app/events/appointment-events';
import { AcsError } from '../../../shared/app/ports/acs';
import { APPOINTMENT_EVENT_TYPES, type AppointmentEvent } from '../../../shared/app/ports/events';
import { asyncApiDocument, messageName } from '../../../shared/adapters/servicebus/asyncapi';
import { toCloudEvent } from '../../../shared/adapters/servicebus/event-publisher';
import { HOUR } from '../../support/fakes/builders';
import { lifecycleWorld, NO_PHONE } from '../app/lifecycle/lifecycle-world';
import { TUESDAY_10 } from '../app/world';

// Issue 16: the AsyncAPI document (GET /api/asyncapi.json) is valid for the official parser, names
// every event type the code can publish, and each event the code builds fits its message's schema.

type Doc = {
  components: { messages: Record<string, { name: string; payload: object }> };
  channels: { appointmentEvents: { address: string } };
};
const doc = asyncApiDocument({ topic: 'appointment-events', namespace: 'clinic-events.servicebus.windows.net' }) as unknown as Doc;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the AsyncAPI document', () => {
  it('is a valid AsyncAPI 3 document for @asyncapi/parser: no error and no warning', async () => {
    const parser = new Parser();
    const diagnostics = await parser.validate(JSON.stringify(doc));
    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`)).toEqual([]);
    const { document } = await parser.parse(JSON.stringify(doc));
    expect(document?.version()).toBe('3.1.0');
    expect(
      document
        ?.channels()
        .all()
        .map((c) => c.address()),
    ).toEqual(['appointment-events']);
    expect(
      document
        ?.operations()
        .all()
        .map((o) => o.action()),
    ).toEqual(['send']);
    expect(
      document
        ?.messages()
        .all()
        .map((m) => m.name())
        .sort(),
    ).toEqual([...APPOINTMENT_EVENT_TYPES].sort());
  });

  it('has a message for every event type named anywhere in the code that builds events', () => {
    const named = new Set<string>();
    for (const file of [...sourceFiles('shared'), ...sourceFiles('functions')]) {
      const text = readFileSync(file, 'utf8');
      // Files that build or type events (others name outbox kinds or file names such as appointment.ics).
      if (!/appointmentEvent\(|AppointmentEventType/.test(text)) continue;
      for (const match of text.matchAll(/['`](appointment\.[a-z-]+(?:\.[a-z-]+)*)['`]/g)) named.add(match[1]!);
      // `appointment.reminder.${outcome}`: every outcome the template can produce.
      for (const match of text.matchAll(/`(appointment\.[a-z.-]+)\$\{[^}]+\}`/g))
        for (const outcome of ['sent', 'failed']) named.add(`${match[1]}${outcome}`);
    }
    const documented = new Set(Object.values(doc.components.messages).map((m) => m.name));
    expect([...named].filter((type) => !documented.has(type))).toEqual([]);
    expect(named.has('appointment.reminder.due')).toBe(true);
  });

  it('describes each event the code builds: changes, reminder outcomes, a due reminder and the join window', async () => {
    const ajv = new Ajv({ strict: false, validateFormats: false });
    const events: AppointmentEvent[] = [];
    const w = await lifecycleWorld({
      reminders: [
        { offsetMinutes: 60, channels: ['event', 'email'] },
        { offsetMinutes: 30, channels: ['email'] },
      ],
    });
    const booked = await w.book(TUESDAY_10, { consumer: NO_PHONE });
    const appointment = booked.appointment;
    w.clock.set(TUESDAY_10 - HOUR);
    await sendReminder(w.lifecycle, { appointmentId: booked.id, version: 1, index: 0 });
    w.messaging.failEmail.push(new AcsError('email', 'send', 503, 'ServiceUnavailable', 'down', true));
    await expect(sendReminder(w.lifecycle, { appointmentId: booked.id, version: 1, index: 1 })).rejects.toThrow('down');
    await recordUndelivered(w.lifecycle, { appointmentId: booked.id, version: 1, moment: 'reminder-1' });
    for (const row of await w.appointments.listOutbox('b1', 'p1'))
      if (row.kind === 'event.publish') events.push(row.payload!.event as AppointmentEvent);
    const changed = { ...appointment, version: 2 };
    events.push(
      ...[
        effectsOf(
          {
            kind: 'rescheduled',
            appointment: { ...changed, start: appointment.start + HOUR, end: appointment.end + HOUR, providerId: 'p2' },
            previous: appointment,
          },
          TUESDAY_10,
        ),
        effectsOf({ kind: 'cancelled', appointment: { ...changed, status: 'cancelled' }, previous: appointment }, TUESDAY_10),
        effectsOf({ kind: 'completed', appointment: { ...changed, status: 'completed' }, previous: appointment }, TUESDAY_10),
        effectsOf({ kind: 'no-show', appointment: { ...changed, status: 'no-show' }, previous: appointment }, TUESDAY_10),
      ].flatMap((effects) => effects.filter((e) => e.kind === 'event.publish').map((e) => e.payload!.event as AppointmentEvent)),
      appointmentEvent('appointment.join-window.opened', appointment, TUESDAY_10),
    );
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(APPOINTMENT_EVENT_TYPES));
    for (const event of events) {
      const validate = ajv.compile(doc.components.messages[messageName(event.type)]!.payload);
      const cloudEvent = toCloudEvent(event);
      expect({ type: event.type, valid: validate(cloudEvent), errors: validate.errors ?? null }).toEqual({
        type: event.type,
        valid: true,
        errors: null,
      });
      // The schema is strict: contact data slipped into an event would not fit it.
      expect(validate({ ...cloudEvent, data: { ...(cloudEvent.data as object), email: 'ann@example.com' } })).toBe(false);
    }
  });

  it('refuses to build or publish an event whose data its contract does not name', () => {
    const appointment = { id: 'a1', businessId: 'b1', serviceId: 's1', providerId: 'p1', start: 0, end: 1, status: 'booked' } as Parameters<
      typeof appointmentEvent
    >[1];
    const built = appointmentEvent('appointment.booked', { ...appointment, version: 1 }, 0);
    expect(() => toCloudEvent({ ...built, data: { ...built.data, email: 'ann@example.com' } })).toThrow();
    expect(() => appointmentEvent('appointment.booked', { ...appointment, version: 1 }, 0, { data: { note: 'x' } as never })).toThrow();
  });
});
