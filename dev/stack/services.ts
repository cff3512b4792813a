/**
 * The local stack as an ordered list of services. Each one starts with the settings built so far and
 * may add settings (connection strings, URLs) for the services after it and for the app.
 */
export type StackEnv = Record<string, string>;

export interface RunningService {
  /** Settings this service contributes, e.g. `TABLE_STORAGE_CONNECTION_STRING`. */
  env?: StackEnv;
  /** Lines to print once everything runs, e.g. `API: http://localhost:7071/api`. */
  banner?: string[];
  stop(): Promise<void>;
}

export interface StackService {
  name: string;
  start(env: StackEnv): Promise<RunningService>;
}

export interface RunningStack {
  env: StackEnv;
  banner: string[];
  /** Stops the services in reverse order; safe to call more than once. */
  stop(): Promise<void>;
}

export async function startStack(services: StackService[], initialEnv: StackEnv): Promise<RunningStack> {
  const running: Array<{ name: string; service: RunningService }> = [];
  let env = { ...initialEnv };
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      for (const { name, service } of running.reverse()) {
        try {
          await service.stop();
        } catch (error) {
          console.error(`Stopping ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return stopping;
  };
  for (const service of services) {
    try {
      const started = await service.start(env);
      running.push({ name: service.name, service: started });
      env = { ...env, ...started.env };
    } catch (error) {
      await stop();
      throw new Error(`${service.name} did not start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { env, banner: running.flatMap(({ service }) => service.banner ?? []), stop };
}
