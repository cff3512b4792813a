import { randomUUID } from 'node:crypto';
import { DefaultAzureCredential } from '@azure/identity';
import { startGraphEmulator, type RunningGraphEmulatorProcess } from '../../../dev/graph-emulator/start';
import { createGraphClient, graphStaffCalendar } from '../../../shared/adapters/graph/graph-calendar';
import type { StaffCalendarPort } from '../../../shared/app/ports/staff-calendar';
import { emulatorAdmin } from '../../support/emulator-admin';

/** The emulator global-setup started for this jest run. */
export function globalGraphEmulator(): {
  baseUrl: string;
  adminUrl: string;
  caCertPath: string;
  identityEndpoint: string;
  identityHeader: string;
} {
  const { TEST_GRAPH_BASE_URL, TEST_GRAPH_ADMIN_URL, TEST_GRAPH_CA_CERT_PATH, TEST_GRAPH_IDENTITY_ENDPOINT, TEST_GRAPH_IDENTITY_HEADER } =
    process.env;
  if (
    !TEST_GRAPH_BASE_URL ||
    !TEST_GRAPH_ADMIN_URL ||
    !TEST_GRAPH_CA_CERT_PATH ||
    !TEST_GRAPH_IDENTITY_ENDPOINT ||
    !TEST_GRAPH_IDENTITY_HEADER
  ) {
    throw new Error('TEST_GRAPH_* are not set: run tests through jest (global-setup starts the Graph emulator)');
  }
  return {
    baseUrl: TEST_GRAPH_BASE_URL,
    adminUrl: TEST_GRAPH_ADMIN_URL,
    caCertPath: TEST_GRAPH_CA_CERT_PATH,
    identityEndpoint: TEST_GRAPH_IDENTITY_ENDPOINT,
    identityHeader: TEST_GRAPH_IDENTITY_HEADER,
  };
}

/**
 * The adapter as the composition root builds it: the real Graph client, DefaultAzureCredential reaching
 * the managed identity's App Service source, pointed at the emulator's identity endpoint (IDENTITY_ENDPOINT).
 */
export function calendarFor(
  emulator: { baseUrl: string; caCertPath: string; identityEndpoint: string; identityHeader: string },
  timeoutMs = 5000,
): StaffCalendarPort {
  process.env.IDENTITY_ENDPOINT = emulator.identityEndpoint;
  process.env.IDENTITY_HEADER = emulator.identityHeader;
  const settings = { GRAPH_BASE_URL: emulator.baseUrl, GRAPH_CA_CERT_PATH: emulator.caCertPath, OUTBOUND_TIMEOUT_MS: timeoutMs };
  return graphStaffCalendar(createGraphClient(settings, new DefaultAzureCredential()), settings);
}

export const graphAdmin = emulatorAdmin;

/** A mailbox of its own (the emulator is shared by the run's test files), inside the access policy. */
export async function newMailbox(adminUrl: string, inAccessPolicy = true): Promise<string> {
  const oid = randomUUID();
  await graphAdmin(adminUrl, 'PUT', `/admin/mailboxes/${oid}`, { inAccessPolicy });
  return oid;
}

export interface CalendarView {
  mailbox: string;
  events: Array<{
    id: string;
    subject: string;
    body: string;
    start: string;
    end: string;
    location: string | null;
    isOnlineMeeting: boolean;
    joinUrl: string | null;
    transactionId: string | null;
    state: 'active' | 'cancelled' | 'deleted';
    cancelComment: string | null;
  }>;
}

export async function calendarOf(adminUrl: string, oid: string): Promise<CalendarView> {
  return (await graphAdmin<CalendarView>(adminUrl, 'GET', `/admin/calendars/${oid}`)).body;
}

export type { RunningGraphEmulatorProcess };
export { startGraphEmulator };
