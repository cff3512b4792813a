import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createLogger, type Logger, type LogLevel } from '../../shared/adapters/logging/logger';
import { createHostClock, type ClockMode, type HostClock } from './clock';
import { clockDevRoutes } from './dev-clock-routes';
import { installFunctionsCoreStandIn } from './functions-core-stand-in';
import { HttpDispatcher } from './http-server';
import { RegistryInvoker, type InvocationRecord } from './invoker';
import { loadFunctionApp } from './load-app';
import { TimerScheduler } from './timers';
import type { AdvanceHook, DevRoute, FunctionRegistration, HostContext, HostPlugin, InputBindingProvider } from './types';

export interface StartHostOptions {
  /** Folder with the app's package.json (its `main` glob) and host.json. */
  appDir: string;
  /** 0 picks a free port. */
  port: number;
  hostname?: string;
  clockMode?: ClockMode;
  /** App settings (and WEBSITE_TIME_ZONE, %Setting% schedules); the app itself reads process.env. */
  env?: Record<string, string | undefined>;
  devRoutes?: DevRoute[];
  inputBindingProviders?: InputBindingProvider[];
  onAdvance?: AdvanceHook[];
  plugins?: HostPlugin[];
  maxRequestBytes?: number;
  log?: Logger;
}

export interface RunningHost {
  /** e.g. http://127.0.0.1:7071 */
  url: string;
  /** url + the app's route prefix, e.g. http://127.0.0.1:7071/api */
  apiUrl: string;
  invoker: RegistryInvoker;
  clock: HostClock;
  functions: FunctionSummary[];
  /** Virtual time only: moves the clock, fires due timers and advance hooks, resolves when all are done. */
  advance(minutes: number): Promise<void>;
  stop(): Promise<void>;
}

export interface FunctionSummary {
  name: string;
  trigger: string;
  /** HTTP: `GET,POST api/echo/{id}`; timer: its schedule. */
  detail: string;
}

/** Azure's host: FUNCTIONS_REQUEST_BODY_SIZE_LIMIT bytes, 100 MB (104857600) when the setting is absent. */
const AZURE_DEFAULT_REQUEST_BYTES = 104_857_600;

function requestBodyLimit(env: Record<string, string | undefined>): number {
  const configured = Number(env.FUNCTIONS_REQUEST_BODY_SIZE_LIMIT);
  return Number.isSafeInteger(configured) && configured > 0 ? configured : AZURE_DEFAULT_REQUEST_BYTES;
}

/** The app's HTTP route prefix from host.json (`extensions.http.routePrefix`, default `api`). */
export function routePrefixOf(appDir: string): string {
  const file = path.join(appDir, 'host.json');
  if (!fs.existsSync(file)) return 'api';
  const hostJson = JSON.parse(fs.readFileSync(file, 'utf8')) as { extensions?: { http?: { routePrefix?: unknown } } };
  const prefix = hostJson.extensions?.http?.routePrefix;
  return typeof prefix === 'string' ? prefix.replace(/^\/+|\/+$/g, '') : 'api';
}

export function consoleLogger(level: LogLevel = 'info', base: Record<string, unknown> = {}): Logger {
  return createLogger({ log: console.log, warn: console.warn, error: console.error }, level, base);
}

const logLevels: Record<string, LogLevel> = {
  trace: 'debug',
  debug: 'debug',
  information: 'info',
  warning: 'warn',
  error: 'error',
  critical: 'error',
};

/**
 * Starts the local function host in this process: captures the app's registrations through the
 * `@azure/functions-core` stand-in, serves HTTP triggers and dev routes, runs timers on the host clock.
 * One host per process (the app's modules and the stand-in are process-wide, as in the worker).
 */
export async function startHost(options: StartHostOptions): Promise<RunningHost> {
  const env = options.env ?? process.env;
  const log = options.log ?? consoleLogger('info', { component: 'host' });
  const clock = createHostClock(options.clockMode ?? 'real');

  const core = installFunctionsCoreStandIn((level, category, message) =>
    log[logLevels[level.toLowerCase()] ?? 'info']('worker.log', { category, message }),
  );
  const invoker = new RegistryInvoker(
    core,
    (level, _category, message, functionName, invocationId) => functionLog(log, level, message, functionName, invocationId),
    (record) => invocationLog(log, record),
  );
  loadFunctionApp(options.appDir);
  await core.runHooks('appStart', { hookData: {}, appHookData: {}, functionAppDirectory: options.appDir });

  const routePrefix = routePrefixOf(options.appDir);
  const dispatcher = new HttpDispatcher({ invoker, routePrefix, maxRequestBytes: options.maxRequestBytes ?? requestBodyLimit(env), log });
  const timers = new TimerScheduler(invoker.registrations(), { invoker, clock, env, log });
  const advanceHooks: AdvanceHook[] = [...(options.onAdvance ?? [])];
  let advancing = Promise.resolve();

  const advance = (minutes: number): Promise<void> => {
    const run = advancing.then(async () => {
      if (clock.mode !== 'virtual') throw new Error('the host clock runs on real time');
      const now = clock.advance(minutes * 60_000);
      const outcomes = await Promise.allSettled([timers.runDue(), ...advanceHooks.map((hook) => hook(now))]);
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
    });
    // Advances run one after another; a failed one must not block the next.
    advancing = run.catch(() => undefined);
    return run;
  };

  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const server = http.createServer((request, response) => {
    void ready.then(() => dispatcher.handle(request, response));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.hostname ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const context: HostContext = {
    url,
    invoker,
    clock,
    addDevRoute: (route) => dispatcher.addDevRoute(route),
    addInputBindingProvider: (provider) => invoker.addInputBindingProvider(provider),
    onAdvance: (hook) => advanceHooks.push(hook),
  };
  for (const route of [...clockDevRoutes({ clock, advance }), ...(options.devRoutes ?? [])]) context.addDevRoute(route);
  for (const provider of options.inputBindingProviders ?? []) context.addInputBindingProvider(provider);
  const plugins = options.plugins ?? [];
  try {
    for (const plugin of plugins) await plugin.setup(context);
  } catch (error) {
    await closeServer(server);
    throw error;
  }
  // Like the runtime, serve once runOnStartup timers have run, so their effects are visible.
  await timers.start();
  markReady();

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const closed = closeServer(server);
      await timers.stop();
      for (const plugin of [...plugins].reverse()) await plugin.stop?.();
      await core.runHooks('appTerminate', { hookData: {}, appHookData: {} });
      await closed;
    })();
    return stopping;
  };

  return {
    url,
    apiUrl: routePrefix ? `${url}/${routePrefix}` : url,
    invoker,
    clock,
    functions: summarize(invoker.registrations(), routePrefix),
    advance,
    stop,
  };
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    // Requests still running get a moment to finish before their sockets are cut.
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  });
}

function summarize(registrations: FunctionRegistration[], routePrefix: string): FunctionSummary[] {
  return registrations.map((registration) => {
    const trigger = Object.values(registration.bindings).find((b) => /trigger$/i.test(b.type));
    const type = trigger?.type ?? 'unknown';
    let detail = '';
    if (type.toLowerCase() === 'httptrigger') {
      const methods = Array.isArray(trigger?.methods) ? (trigger.methods as string[]).join(',') : 'ALL';
      const route = typeof trigger?.route === 'string' ? trigger.route : registration.name;
      detail = `${methods} /${[routePrefix, route].filter(Boolean).join('/')}`;
    } else if (type.toLowerCase() === 'timertrigger') {
      detail = String(trigger?.schedule ?? '');
    }
    return { name: registration.name, trigger: type, detail };
  });
}

/** The app's context.log lines; the app's own structured lines keep their fields. */
function functionLog(log: Logger, level: string, message: string, functionName: string, invocationId: string): void {
  const write = log[logLevels[level.toLowerCase()] ?? 'info'];
  let structured: Record<string, unknown> | undefined;
  if (message.startsWith('{')) {
    try {
      structured = JSON.parse(message) as Record<string, unknown>;
    } catch {
      structured = undefined;
    }
  }
  if (structured && typeof structured.event === 'string') {
    const fields: Record<string, unknown> = { ...structured };
    delete fields.event;
    delete fields.level;
    write(structured.event, { ...fields, function: functionName, invocationId });
  } else {
    write('function.log', { function: functionName, invocationId, message });
  }
}

function invocationLog(log: Logger, record: InvocationRecord): void {
  const { error, ...fields } = record;
  if (record.outcome === 'failed') log.error('invocation', { ...fields, error });
  else log.info('invocation', fields);
}
