import type { AppointmentEvent, EventPublisher } from '../../../shared/app/ports/events';

/** The publisher and what a subscriber received: id, type and appointment of each event, in order. */
export interface EventPublisherSubject {
  publisher: EventPublisher;
  received(): Promise<Array<Pick<AppointmentEvent, 'id' | 'type' | 'appointmentId'>>>;
  close(): Promise<void>;
}

/** The data every event carries (issue 16: events are checked against their published contract). */
const data = {
  appointmentId: 'a1',
  businessId: 'b1',
  providerId: 'p1',
  serviceId: 's1',
  status: 'booked',
  version: 1,
  start: '2030-01-08T10:00:00.000Z',
  end: '2030-01-08T10:30:00.000Z',
};
const event = (id: string, type: AppointmentEvent['type']): AppointmentEvent => ({
  id,
  type,
  businessId: 'b1',
  appointmentId: 'a1',
  time: Date.UTC(2030, 0, 8, 9),
  data,
});

/** What every EventPublisher does; runs against RecordingEventPublisher and the Service Bus publisher on the local broker. */
export function eventPublisherContract(make: () => Promise<EventPublisherSubject>): void {
  it('delivers each event once in order: a retried publish under the same id is dropped', async () => {
    const subject = await make();
    try {
      await subject.publisher.publish(event('a1:1:booked', 'appointment.booked'));
      await subject.publisher.publish(event('a1:1:booked', 'appointment.booked'));
      await subject.publisher.publish(event('a1:2:cancelled', 'appointment.cancelled'));
      expect(await subject.received()).toEqual([
        { id: 'a1:1:booked', type: 'appointment.booked', appointmentId: 'a1' },
        { id: 'a1:2:cancelled', type: 'appointment.cancelled', appointmentId: 'a1' },
      ]);
    } finally {
      await subject.close();
    }
  });

  it("refuses an event whose data its type's contract does not name (nothing is delivered)", async () => {
    const subject = await make();
    try {
      await expect(
        subject.publisher.publish({ ...event('a1:1:booked', 'appointment.booked'), data: { ...data, email: 'ann@example.com' } }),
      ).rejects.toThrow();
      await expect(subject.publisher.publish({ ...event('a1:1:due', 'appointment.reminder.due'), data })).rejects.toThrow();
      expect(await subject.received()).toEqual([]);
    } finally {
      await subject.close();
    }
  });
}
