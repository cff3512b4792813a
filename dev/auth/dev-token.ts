import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { mintDevToken } from './dev-issuer';

/** Where `npm start` serves the API; `--api` or DEV_API_URL point elsewhere. */
const DEFAULT_API_URL = 'http://localhost:7071/api';

/**
 * `npm run --silent dev:token -- --oid <id> [--role Scheduling.Admin] [--ttl-minutes 480] [--api <url>]`
 * prints a JWT of the dev issuer and nothing else, so it can go straight into a header.
 * Issuer, audience and key file follow the environment, else local.settings.json, like the app.
 * The token is minted at the running stack's time (`GET <api>/dev/clock`), so it is valid after the
 * virtual clock was advanced; with no stack answering, at the system time.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      oid: { type: 'string' },
      role: { type: 'string', multiple: true },
      'ttl-minutes': { type: 'string' },
      api: { type: 'string' },
    },
    strict: true,
  });
  if (!values.oid) throw new Error('usage: dev-token --oid <id> [--role Scheduling.Admin] [--ttl-minutes N]');
  const ttlMinutes = values['ttl-minutes'] === undefined ? 480 : Number(values['ttl-minutes']);
  if (!Number.isInteger(ttlMinutes) || ttlMinutes < 1) throw new Error('--ttl-minutes must be a positive whole number');
  const local = localSettings();
  const setting = (name: string) => process.env[name] || local[name] || undefined;
  const token = await mintDevToken({
    oid: values.oid,
    roles: values.role ?? [],
    issuer: setting('AUTH_ISSUER'),
    audience: setting('AUTH_AUDIENCE'),
    keyFile: setting('DEV_ISSUER_KEY_FILE'),
    ttlSeconds: ttlMinutes * 60,
    nowMs: await stackNow(values.api ?? setting('DEV_API_URL') ?? DEFAULT_API_URL),
  });
  process.stdout.write(`${token}\n`);
}

/** The running stack's clock, or undefined (system time) when nothing answers quickly. */
async function stackNow(apiUrl: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${apiUrl.replace(/\/$/, '')}/dev/clock`, { signal: AbortSignal.timeout(1500) });
    if (!response.ok) return undefined;
    const now = Date.parse(((await response.json()) as { now?: string }).now ?? '');
    return Number.isFinite(now) ? now : undefined;
  } catch {
    return undefined;
  }
}

function localSettings(): Record<string, string> {
  try {
    const parsed = JSON.parse(fs.readFileSync('local.settings.json', 'utf8')) as { Values?: Record<string, string> };
    return parsed.Values ?? {};
  } catch {
    return {};
  }
}

main().catch((error: Error) => {
  process.stderr.write(`dev-token: ${error.message}\n`);
  process.exitCode = 1;
});
