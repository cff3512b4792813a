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

export const settingsSchema = z
  .object({
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
    /** Largest accepted request body in bytes (API.md: 64 KiB). */
    MAX_BODY_BYTES: z.coerce.number().int().positive().default(64 * 1024),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    /** Staff sign-in: the token issuer (Entra ID: https://login.microsoftonline.com/<tenant>/v2.0). */
    AUTH_ISSUER: optionalNonEmpty,
    /** The audience staff tokens are issued for (the app registration's Application ID URI or client id). */
    AUTH_AUDIENCE: optionalNonEmpty,
    /** The issuer's signing keys (Entra ID: https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys). */
    AUTH_JWKS_URL: z.url().optional(),
  });

export type Settings = z.infer<typeof settingsSchema>;

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
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
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
