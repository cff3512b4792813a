import type { AppointmentEvent, EventPublisher } from '../../../shared/app/ports/events';
import { toCloudEvent } from '../../../shared/adapters/servicebus/event-publisher';

/**
 * Keeps what was published. Like the topic's duplicate detection, a second event with an id already
 * published is dropped (the real publisher's contract: a retried publish uses the same id). Pinned to the Service Bus
 * publisher by test/support/contracts/event-publisher.contract.ts.
 */
export class RecordingEventPublisher implements EventPublisher {
  readonly published: AppointmentEvent[] = [];

  async publish(event: AppointmentEvent): Promise<void> {
    // Like the real publisher, an event that does not fit its type's published contract is refused.
    toCloudEvent(event);
    if (!this.published.some((e) => e.id === event.id)) this.published.push(structuredClone(event));
  }
}
