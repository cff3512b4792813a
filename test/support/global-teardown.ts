import type { RunningAcsEmulator } from '../../dev/acs-emulator/start';
import type { RunningAzurite } from '../../dev/stack/azurite';
import type { RunningServiceBusBroker } from '../../dev/servicebus-broker/start';
import type { RunningGraphEmulatorProcess } from '../../dev/graph-emulator/start';

export default async function globalTeardown(): Promise<void> {
  const azurite = (globalThis as Record<string, unknown>).__AZURITE__ as RunningAzurite | undefined;
  await azurite?.stop();
  const acs = (globalThis as Record<string, unknown>).__ACS_EMULATOR__ as RunningAcsEmulator | undefined;
  await acs?.stop();
  const serviceBus = (globalThis as Record<string, unknown>).__SERVICEBUS_BROKER__ as RunningServiceBusBroker | undefined;
  await serviceBus?.stop();
  const graph = (globalThis as Record<string, unknown>).__GRAPH_EMULATOR__ as RunningGraphEmulatorProcess | undefined;
  await graph?.stop();
}
