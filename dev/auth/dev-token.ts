import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { mintDevToken } from './dev-issuer';

/**
 * `npm run --silent dev:token -- --oid <id> [--role Scheduling.Admin] [--ttl-minutes 480]`
 * prints a JWT of the dev issuer and nothing else, so it can go straight into a header.
 * Issuer, audience and key file follow the environment, else local.settings.json, like the app.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      oid: { type: 'string' },
      role: { type: 'string', multiple: true },
      'ttl-minutes': { type: 'string' },
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
  });
  process.stdout.write(`${token}\n`);
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
