import fs from 'node:fs';
import path from 'node:path';
import type { StackEnv } from './services';

/**
 * The app settings `func start` would use: local.settings.json's Values, or the committed example when
 * there is none, then the process environment on top.
 */
export function localSettings(repoRoot: string, processEnv: Record<string, string | undefined>): StackEnv {
  const own = path.join(repoRoot, 'local.settings.json');
  const file = fs.existsSync(own) ? own : path.join(repoRoot, 'local.settings.example.json');
  const values = fs.existsSync(file)
    ? ((JSON.parse(fs.readFileSync(file, 'utf8')) as { Values?: Record<string, unknown> }).Values ?? {})
    : {};
  const env: StackEnv = {};
  for (const [key, value] of Object.entries(values)) env[key] = String(value);
  for (const [key, value] of Object.entries(processEnv)) if (value !== undefined) env[key] = value;
  return env;
}
