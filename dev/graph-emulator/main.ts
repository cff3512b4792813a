import { runChildService } from '../stack/child-service';
import { startGraphEmulatorServer, type GraphEmulatorOptions } from './server';

// The emulator's process entry: options in GRAPH_EMULATOR_OPTIONS (see server.ts); reports its URLs to
// startGraphEmulator (or prints them when run by hand).
runChildService<GraphEmulatorOptions>('graph-emulator', 'GRAPH_EMULATOR_OPTIONS', async (options) => {
  const server = await startGraphEmulatorServer(options);
  const { close, ...ready } = server;
  return { ready: { ...ready }, close };
});
