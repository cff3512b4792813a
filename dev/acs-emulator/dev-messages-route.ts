import { AppError } from '../../shared/app/errors';
import type { DevRoute } from '../host/types';
import type { SentMessage } from './inspection';

/**
 * `GET /api/dev/messages?to=<email or phone>` (docs/api.md, local stack only): what the ACS emulator was
 * asked to send to that recipient, read from the emulator's admin API so it survives app restarts.
 */
export function devMessagesRoute(adminUrl: string): DevRoute {
  return {
    method: 'GET',
    path: 'dev/messages',
    handle: async ({ query }) => {
      const to = query.get('to')?.trim();
      if (!to) throw AppError.validation([{ path: 'to', message: 'an email address or phone number' }]);
      let response: Response;
      try {
        response = await fetch(`${adminUrl}/admin/messages?to=${encodeURIComponent(to)}`);
      } catch {
        throw new AppError('unavailable', 'The ACS emulator is not reachable.');
      }
      if (!response.ok) throw new AppError('unavailable', `The ACS emulator answered ${response.status}.`);
      const { messages } = (await response.json()) as { messages: SentMessage[] };
      return { status: 200, body: { messages } };
    },
  };
}
