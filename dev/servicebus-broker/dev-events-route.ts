import { AppError } from '../../shared/app/errors';
import type { DevRoute } from '../host/types';
import type { AcceptedMessage } from './entities';

/**
 * `GET /api/dev/events` (docs/api.md, local stack only): the CloudEvents the topic accepted, oldest first,
 * read from the broker's inspection API so they survive app restarts.
 */
export function devEventsRoute(adminUrl: string, topic: string): DevRoute {
  return {
    method: 'GET',
    path: 'dev/events',
    handle: async () => {
      let response: Response;
      try {
        response = await fetch(`${adminUrl}/admin/topics/${encodeURIComponent(topic)}/messages`);
      } catch {
        throw new AppError('unavailable', 'The Service Bus broker is not reachable.');
      }
      if (!response.ok) throw new AppError('unavailable', `The Service Bus broker answered ${response.status}.`);
      const { messages } = (await response.json()) as { messages: AcceptedMessage[] };
      return { status: 200, body: { events: messages.flatMap((message) => jsonObject(message.body)) } };
    },
  };
}

/** Other clients may put anything on the topic; only JSON objects can be CloudEvents. */
function jsonObject(text: string): object[] {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? [value] : [];
  } catch {
    return [];
  }
}
