import type { AppointmentEvent, EventPublisher } from '../../../shared/app/ports/events';

/**
 * Keeps what was published. Like the topic's duplicate detection, a second event with an id already
 * published is dropped (the real publisher's contract: a retried publish uses the same id).
 */
export class RecordingEventPublisher implements EventPublisher {
  readonly published: AppointmentEvent[] = [];
  /** Set to make the next publish throw (a broker that is down). */
  failNext?: Error;

  async publish(event: AppointmentEvent): Promise<void> {
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    if (!this.published.some((e) => e.id === event.id)) this.published.push(structuredClone(event));
  }
}
