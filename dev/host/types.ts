import type { HostClock } from './clock';

/**
 * The contract between the local function host and the pieces that plug into it (durable backend,
 * ACS emulator wiring, dev issuer). Keep it small: other dev modules code against these types only.
 */

/** A binding as `@azure/functions` registers it (toCoreFunctionMetadata output). */
export interface BindingMetadata {
  type: string;
  direction: 'in' | 'out' | 'inout' | string;
  [setting: string]: unknown;
}

/** One function captured from `app.*` / `df.app.*` at load time. */
export interface FunctionRegistration {
  name: string;
  bindings: Record<string, BindingMetadata>;
  retryOptions?: Record<string, unknown>;
  /** The handler exactly as the app passed it to registerFunction. */
  handler: (...args: unknown[]) => unknown;
}

export interface InvokeOptions {
  /** The trigger's value as the Functions runtime would pass it (JSON-able, or an HTTP request). */
  trigger: unknown;
  /** Values of input bindings by binding name (e.g. the durable client binding). */
  extraInputs?: Record<string, unknown>;
  retryContext?: { retryCount: number; maxRetryCount: number };
}

/** Runs registered functions the way the Functions runtime does and returns their return value. */
export interface FunctionInvoker {
  registrations(): FunctionRegistration[];
  invoke(functionName: string, options: InvokeOptions): Promise<unknown>;
}

/**
 * Supplies values for input bindings of a type the host does not know itself (e.g. `durableClient`):
 * the host asks each provider when a function with such a binding is invoked.
 */
export interface InputBindingProvider {
  bindingType: string;
  valueFor(binding: BindingMetadata, functionName: string): unknown;
}

/** A local-stack-only HTTP route, served by the host under /api/dev/... and never registered in Azure. */
export interface DevRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below /api, e.g. `dev/clock/advance`. */
  path: string;
  handle(request: {
    query: URLSearchParams;
    body: unknown;
    headers: Record<string, string>;
    /** Values of `{name}` segments of `path`. */ params?: Record<string, string>;
  }): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }>;
}

/** Called when the virtual clock advances; the advance answers only after every hook has resolved. */
export type AdvanceHook = (now: number) => Promise<void>;

/** What a plug-in may use and extend while the host starts. */
export interface HostContext {
  /** Base URL of the running host, e.g. `http://127.0.0.1:7071` (no route prefix). */
  url: string;
  invoker: FunctionInvoker;
  /** Virtual clocks can be moved by a plug-in during setup (e.g. restored after a restart), before any timer runs. */
  clock: HostClock;
  addDevRoute(route: DevRoute): void;
  addInputBindingProvider(provider: InputBindingProvider): void;
  onAdvance(hook: AdvanceHook): void;
}

/** A piece of the local stack that plugs into the host (durable backend, dev issuer, ...). */
export interface HostPlugin {
  name: string;
  /** Runs once the app is loaded and the server listens, before timers start and requests are served. */
  setup(host: HostContext): void | Promise<void>;
  /** Runs when the host stops, after the server stopped accepting requests. */
  stop?(): Promise<void>;
}
