import fs from 'node:fs';
import type { TokenCredential } from '@azure/identity';
import { AuthenticationHandler, Client, GraphError, HTTPMessageHandler, TelemetryHandler } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { Agent } from 'undici';
import { StaffCalendarError, type StaffCalendarEventInput, type StaffCalendarPort } from '../../app/ports/staff-calendar';

export interface GraphCalendarSettings {
  /** https://graph.microsoft.com/v1.0 in Azure; the local emulator's https://127.0.0.1:<port>/v1.0. */
  GRAPH_BASE_URL: string;
  /** PEM trusted for Graph's TLS (the local emulator's self-signed certificate); never set in Azure. */
  GRAPH_CA_CERT_PATH?: string;
  OUTBOUND_TIMEOUT_MS: number;
}

const PUBLIC_GRAPH_HOST = 'graph.microsoft.com';
/** Graph's hosts in Azure's clouds: a token is asked for the cloud's own Graph; any other host (the emulator) stands for the public one. */
const CLOUD_GRAPH_HOSTS = new Set([PUBLIC_GRAPH_HOST, 'graph.microsoft.us', 'dod-graph.microsoft.us', 'microsoftgraph.chinacloudapi.cn']);

function graphScope(url: URL): string {
  return `${CLOUD_GRAPH_HOSTS.has(url.hostname) ? url.origin : `https://${PUBLIC_GRAPH_HOST}`}/.default`;
}

/**
 * The Graph client with no retry middleware of its own: a throttled or failing call fails at once and
 * the outbox retries it later with backoff (and no sooner than Retry-After), so no request sleeps.
 * A base URL on another host (the emulator) is a custom host, so the client still sends the token.
 */
export function createGraphClient(settings: GraphCalendarSettings, credential: TokenCredential): Client {
  const url = new URL(settings.GRAPH_BASE_URL);
  const version = url.pathname.replace(/^\/+|\/+$/g, '') || 'v1.0';
  const auth = new AuthenticationHandler(new TokenCredentialAuthenticationProvider(credential, { scopes: [graphScope(url)] }));
  const telemetry = new TelemetryHandler();
  auth.setNext(telemetry);
  telemetry.setNext(new HTTPMessageHandler());
  return Client.initWithMiddleware({
    middleware: auth,
    baseUrl: `${url.origin}/`,
    defaultVersion: version,
    ...(url.hostname !== PUBLIC_GRAPH_HOST ? { customHosts: new Set([url.hostname]) } : {}),
    // Replaces the public CA list for this client only: the local emulator's certificate, never in Azure.
    ...(settings.GRAPH_CA_CERT_PATH
      ? { fetchOptions: { dispatcher: new Agent({ connect: { ca: fs.readFileSync(settings.GRAPH_CA_CERT_PATH) } }) } as object }
      : {}),
  });
}

interface GraphEventAnswer {
  id: string;
  onlineMeeting?: { joinUrl?: string } | null;
}

const utc = (instant: number) => ({ dateTime: new Date(instant).toISOString().replace(/Z$/, ''), timeZone: 'UTC' });

/** Events in the providers' Outlook calendars through Microsoft Graph (`/users/{oid}/events`). */
export function graphStaffCalendar(client: Client, settings: Pick<GraphCalendarSettings, 'OUTBOUND_TIMEOUT_MS'>): StaffCalendarPort {
  const request = (path: string) => client.api(path).option('signal', AbortSignal.timeout(settings.OUTBOUND_TIMEOUT_MS));
  const eventPath = (mailbox: string, eventId: string) => `/users/${encodeURIComponent(mailbox)}/events/${encodeURIComponent(eventId)}`;
  return {
    async createEvent(mailbox: string, event: StaffCalendarEventInput) {
      const answer = (await call('createEvent', () =>
        request(`/users/${encodeURIComponent(mailbox)}/events`).post({
          subject: event.subject,
          body: { contentType: 'text', content: event.bodyText },
          start: utc(event.start),
          end: utc(event.end),
          ...(event.location ? { location: { displayName: event.location } } : {}),
          ...(event.teamsMeeting ? { isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' } : {}),
          transactionId: event.transactionId,
        }),
      )) as GraphEventAnswer;
      const joinUrl = answer.onlineMeeting?.joinUrl;
      return { id: answer.id, ...(joinUrl ? { joinUrl } : {}) };
    },
    async updateEvent(mailbox, eventId, changes) {
      try {
        await call('updateEvent', () =>
          request(eventPath(mailbox, eventId)).patch({
            subject: changes.subject,
            body: { contentType: 'text', content: changes.bodyText },
            start: utc(changes.start),
            end: utc(changes.end),
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof StaffCalendarError && error.status === 404) return false;
        throw error;
      }
    },
    async cancelEvent(mailbox, eventId, comment) {
      try {
        await call('cancelEvent', () => request(`${eventPath(mailbox, eventId)}/cancel`).post({ Comment: comment }));
      } catch (error) {
        if (!(error instanceof StaffCalendarError && error.status === 404)) throw error;
      }
    },
  };
}

/** Graph's failures as StaffCalendarError, with Retry-After (seconds) when the answer had one. */
async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof GraphError) {
      const status = error.statusCode > 0 ? error.statusCode : undefined;
      const retryAfter = Number(error.headers?.get('retry-after'));
      const retryAfterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined;
      throw new StaffCalendarError(
        operation,
        status,
        error.code ?? 'Unknown',
        `Graph ${operation} failed: ${status ?? 'no answer'} ${error.code ?? ''}`.trim(),
        retryAfterMs,
      );
    }
    const name = error instanceof Error ? error.name : 'Error';
    throw new StaffCalendarError(operation, undefined, name, `Graph ${operation} failed without an answer: ${name}`);
  }
}
