import { AppError } from '../../shared/app/errors';
import type { DevRoute } from '../host/types';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `GET /api/dev/calendars/{oid}` (docs/api.md, local stack only): the events the Graph emulator holds in
 * that provider's Outlook calendar, cancelled ones included, read from its inspection API so they
 * survive app restarts.
 */
export function devCalendarsRoute(adminUrl: string): DevRoute {
  return {
    method: 'GET',
    path: 'dev/calendars/{oid}',
    handle: async ({ params }) => {
      const oid = params?.oid ?? '';
      if (!GUID.test(oid)) throw AppError.validation([{ path: 'oid', message: 'an Entra object id (a GUID)' }]);
      let response: Response;
      try {
        response = await fetch(`${adminUrl}/admin/calendars/${encodeURIComponent(oid)}`);
      } catch {
        throw new AppError('unavailable', 'The Graph emulator is not reachable.');
      }
      if (!response.ok) throw new AppError('unavailable', `The Graph emulator answered ${response.status}.`);
      return { status: 200, body: await response.json() };
    },
  };
}
