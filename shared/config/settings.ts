import { z } from 'zod';

/**
 * Every app setting, validated once. Local values come from local.settings.json (func) or the
 * dev host's environment; in Azure they are app settings written by infra/main.bicep.
 */
const optionalNonEmpty = z.string().trim().min(1).optional();

const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

export const settingsSchema = z.object({
  /** Local stack: a connection string (Azurite). Azure: leave empty and set TABLE_STORAGE_ENDPOINT. */
  TABLE_STORAGE_CONNECTION_STRING: optionalNonEmpty,
  /** Azure: https://<account>.table.core.windows.net, reached with the managed identity. */
  TABLE_STORAGE_ENDPOINT: z.url().optional(),
  /** Prefix for every table name, so several test runs or stages can share one account. */
  TABLE_NAME_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9]{0,20}$/, 'letters and digits only, at most 20')
    .default(''),
  /** Absolute base URL of the HTTP API, used to build links in answers and messages. */
  PUBLIC_BASE_URL: z.url().default('http://localhost:7071/api'),
  /** Browser origins allowed by CORS, comma separated; empty = no browser access. */
  CORS_ALLOWED_ORIGINS: commaList,
  /** Largest accepted request body in bytes (docs/api.md: 64 KiB). */
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  /** Requests per second one client address may make to one instance (token bucket refill rate). */
  RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(200),
  /** Requests one address may make at once before the per-second rate applies. */
  RATE_LIMIT_BURST: z.coerce.number().int().positive().default(400),
  /** How long /health reuses its last dependency check, so probes cannot hammer storage. */
  HEALTH_CACHE_SECONDS: z.coerce.number().int().min(0).max(60).default(5),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Staff sign-in: the token issuer (Entra ID: https://login.microsoftonline.com/<tenant>/v2.0). */
  AUTH_ISSUER: optionalNonEmpty,
  /** The audience staff tokens are issued for (the app registration's Application ID URI or client id). */
  AUTH_AUDIENCE: optionalNonEmpty,
  /** The issuer's signing keys (Entra ID: https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys). */
  AUTH_JWKS_URL: z.url().optional(),
  /** ACS, local stack: `endpoint=https://...;accesskey=...` (the emulator's). Azure: leave empty, set ACS_ENDPOINT. */
  ACS_CONNECTION_STRING: z
    .string()
    .trim()
    .regex(/(^|;)\s*endpoint=https?:\/\/[^;]+/i, 'needs endpoint=https://...')
    .regex(/(^|;)\s*accesskey=[^;]+/i, 'needs accesskey=...')
    .optional(),
  /** ACS in Azure: https://<resource>.communication.azure.com, reached with the managed identity. */
  ACS_ENDPOINT: z.url().optional(),
  /** PEM file trusted for ACS TLS (the local emulator's self-signed certificate); never set in Azure. */
  ACS_CA_CERT_PATH: optionalNonEmpty,
  /** Sender address of every email (a verified domain of the ACS resource). */
  ACS_EMAIL_SENDER: z.email().optional(),
  /** The ACS phone number SMS are sent from, E.164. */
  ACS_SMS_FROM: z
    .string()
    .regex(/^\+[1-9]\d{1,14}$/, 'an E.164 number such as +18005550100')
    .optional(),
  /**
   * Countries (ISO 3166 alpha-2, comma separated) the SMS sender reaches; other consumers get email
   * only. Empty: what ACS_SMS_FROM implies (a toll-free number: US, CA, PR; any other: its country).
   */
  ACS_SMS_COUNTRIES: commaList.pipe(z.array(z.string().regex(/^[A-Za-z]{2}$/, 'two-letter country codes such as US,CA'))),
  /** The app's own ACS identity, member of every chat thread; unset, it is created once and kept in Table Storage. */
  ACS_CHAT_SERVICE_USER_ID: optionalNonEmpty,
  /** SDK pipeline retries for throttling, 5xx and connection errors (see docs/acs-emulator.md). */
  ACS_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  ACS_RETRY_DELAY_MS: z.coerce.number().int().positive().default(800),
  ACS_MAX_RETRY_DELAY_MS: z.coerce.number().int().positive().default(30_000),
  /** How often an email send is polled when the service gives no Retry-After. */
  ACS_EMAIL_POLL_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
  /** Deadline of one outbound try (ACS and Table Storage HTTP requests, a Service Bus publish): no call waits for ever. */
  OUTBOUND_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Deadline of a whole email send, polling included; past it the send is retried later (same operation id). */
  EMAIL_SEND_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(120_000),
  /** Provider partitions the outbox sweep works on at once (a slow one does not hold back the rest). */
  OUTBOX_SWEEP_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** Verification codes one phone number may be sent per day. */
  PHONE_CODES_PER_NUMBER_PER_DAY: z.coerce.number().int().min(1).default(5),
  /** Verification codes one client address may request per hour. */
  PHONE_CODES_PER_CLIENT_PER_HOUR: z.coerce.number().int().min(1).default(10),
  /** Lost-link emails one address may be sent per hour (counted under its hash; over it the lookup still answers 202 and sends nothing). */
  LOOKUPS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(1).default(3),
  /** Lost-link lookups one client address may request per hour (over it: 429). */
  LOOKUPS_PER_CLIENT_PER_HOUR: z.coerce.number().int().min(1).default(10),
  /** Messages (notices and reminders) one email address may be sent per day. */
  EMAIL_PER_RECIPIENT_PER_DAY: z.coerce.number().int().min(1).default(20),
  /** SMS one phone number may be sent per day (verification codes not included: they have their own cap). */
  SMS_PER_RECIPIENT_PER_DAY: z.coerce.number().int().min(1).default(10),
  /** SMS one business may send per hour, all recipients together. */
  SMS_PER_BUSINESS_PER_HOUR: z.coerce.number().int().min(1).default(200),
  /** Days after an appointment's end before the retention timer purges it and all that belongs to it (docs/privacy.md). */
  APPOINTMENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  /**
   * Microsoft Graph (Teams meetings, providers' Outlook calendars), reached with the managed identity:
   * https://graph.microsoft.com/v1.0 in Azure; the local Graph emulator's URL in the local stack.
   */
  GRAPH_BASE_URL: z.url().default('https://graph.microsoft.com/v1.0'),
  /** PEM file trusted for Graph's TLS (the local emulator's self-signed certificate); never set in Azure. */
  GRAPH_CA_CERT_PATH: optionalNonEmpty,
  /** Service Bus, local stack: the broker's `Endpoint=sb://...;UseDevelopmentEmulator=true`. Azure: leave empty, set the namespace. */
  SERVICEBUS_CONNECTION_STRING: z
    .string()
    .trim()
    .regex(/(^|;)\s*Endpoint=sb:\/\/[^;]+/i, 'needs Endpoint=sb://...')
    .optional(),
  /** Service Bus in Azure: <namespace>.servicebus.windows.net, reached with the managed identity. */
  SERVICEBUS_FULLY_QUALIFIED_NAMESPACE: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.-]+$/, 'a host name such as my-ns.servicebus.windows.net')
    .optional(),
  /** The topic appointment events are published to. */
  SERVICEBUS_TOPIC: z.string().trim().min(1).default('appointment-events'),
});

export type Settings = z.infer<typeof settingsSchema>;

/** Every setting's default, from the schema (for adapters whose callers may leave a setting out). */
export const defaultSettings: Settings = settingsSchema.parse({});

export class InvalidSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid app settings: ${problems.join('; ')}`);
    this.name = 'InvalidSettingsError';
  }
}

/** Parses settings from an environment; throws one error naming every bad setting. */
export function parseSettings(env: Record<string, string | undefined>): Settings {
  // Empty strings mean "unset" (app settings cannot be deleted from some portals).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = settingsSchema.safeParse(cleaned);
  const problems = result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  // Checked beside the schema so it is reported together with any other bad setting.
  if (!cleaned.TABLE_STORAGE_CONNECTION_STRING && !cleaned.TABLE_STORAGE_ENDPOINT) {
    problems.push('TABLE_STORAGE_CONNECTION_STRING: set it (local) or TABLE_STORAGE_ENDPOINT (Azure)');
  }
  const authSettings = ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_JWKS_URL'];
  if (authSettings.some((name) => cleaned[name]) && !authSettings.every((name) => cleaned[name])) {
    problems.push(`${authSettings.filter((name) => !cleaned[name]).join(', ')}: staff sign-in needs all of ${authSettings.join(', ')}`);
  }
  if (!result.success || problems.length > 0) throw new InvalidSettingsError(problems);
  return result.data;
}

let cached: Settings | undefined;

/** The process's settings, read and validated on first use. */
export function loadSettings(): Settings {
  cached ??= parseSettings(process.env);
  return cached;
}
