import { startAzurite } from '../../dev/stack/azurite';

/** Starts the services tests talk to, once per jest run; workers inherit the environment. */
export default async function globalSetup(): Promise<void> {
  const azurite = await startAzurite();
  (globalThis as Record<string, unknown>).__AZURITE__ = azurite;
  process.env.TEST_STORAGE_CONNECTION_STRING = azurite.connectionString;
}
