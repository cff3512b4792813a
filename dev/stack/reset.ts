/**
 * `npm run dev:reset`: removes the local stack's data (.data: Azurite's tables with the persisted
 * virtual clock, and the dev issuer's key), so the next `npm start` begins afresh at the real time.
 * Refuses while a stack still holds Azurite's or the host's port.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ensurePortsFree } from './port-check';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

async function main(): Promise<void> {
  await ensurePortsFree([
    { port: 10002, what: 'Azurite table (stop npm start first)' },
    { port: 7071, what: 'function host (stop npm start first)' },
  ]);
  const data = path.join(REPO_ROOT, '.data');
  if (!fs.existsSync(data)) {
    console.log('dev:reset: no local data (.data) to remove');
    return;
  }
  fs.rmSync(data, { recursive: true, force: true });
  console.log(`dev:reset: removed ${path.relative(REPO_ROOT, data)}; the next npm start begins afresh`);
}

main().catch((error: unknown) => {
  console.error(`dev:reset failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
