import type { Clock } from './app/ports/clock';
import type { DependencyProbe } from './app/health';
import { createAcsAdapters, type AcsAdapters } from './adapters/acs/acs-adapters';
import { processClock } from './adapters/clock/process-clock';
import { TableClients } from './adapters/tables/table-clients';
import { loadSettings, type Settings } from './config/settings';
import type { StaffAuthenticator } from './app/auth';
import type { ConfigurationDeps } from './app/configuration';
import {
  createJwtStaffAuthenticator,
  remoteKeys,
  unconfiguredStaffAuthenticator,
} from './adapters/auth/jwt-staff-authenticator';
import { TableBusinessRepository } from './adapters/tables/business-repository';
import { TableProviderCalendarRepository } from './adapters/tables/provider-calendar-repository';

/** Everything the handlers need, built once from validated settings. */
export interface AppServices {
  settings: Settings;
  clock: Clock;
  tables: TableClients;
  /** ACS identity, rooms, SMS, email, chat: each client is built on first use. */
  acs: AcsAdapters;
  healthProbes: Record<string, DependencyProbe>;
  staffAuth: StaffAuthenticator;
  /** Repositories and clock of the office-manager configuration and slot search. */
  configuration: ConfigurationDeps;
}

let services: AppServices | undefined;

export function getServices(): AppServices {
  services ??= buildServices(loadSettings());
  return services;
}

function buildServices(settings: Settings): AppServices {
  const tables = new TableClients(settings);
  const clock = processClock();
  return {
    settings,
    clock,
    tables,
    acs: createAcsAdapters(settings),
    staffAuth: staffAuthenticator(settings, clock),
    configuration: {
      businesses: new TableBusinessRepository(tables),
      calendars: new TableProviderCalendarRepository(tables),
      clock,
    },
    healthProbes: {
      storage: async () => {
        await tables.service().getProperties();
      },
    },
  };
}

function staffAuthenticator(settings: Settings, clock: Clock): StaffAuthenticator {
  const { AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience, AUTH_JWKS_URL: jwksUrl } = settings;
  if (!issuer || !audience || !jwksUrl) return unconfiguredStaffAuthenticator();
  return createJwtStaffAuthenticator({ issuer, audience, keys: remoteKeys(jwksUrl), clock });
}
