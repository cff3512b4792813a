import Module from 'node:module';
import type { BindingMetadata, FunctionRegistration } from './types';

/**
 * Stand-in for `@azure/functions-core`, the module the real Functions worker injects. `@azure/functions`
 * hands it the programming model and every registration; we keep them so the host can invoke functions
 * through the library's own invocation model, exactly as the worker does.
 */
export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreCtx: CoreInvocationContext): InvocationModel;
}

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], handler: (...args: unknown[]) => unknown): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

export interface RpcTypedData {
  string?: string;
  json?: string;
  bytes?: Uint8Array;
  http?: RpcHttpData;
  int?: number;
  double?: number;
}

export interface RpcHttpData {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  params?: Record<string, string>;
  body?: RpcTypedData;
  statusCode?: string;
  cookies?: unknown[];
}

export interface RpcInvocationResponse {
  invocationId: string;
  outputData?: Array<{ name: string; data: RpcTypedData }>;
  returnValue?: RpcTypedData;
}

export interface CoreInvocationContext {
  invocationId: string;
  request: {
    inputData: Array<{ name: string; data: RpcTypedData }>;
    triggerMetadata: Record<string, RpcTypedData>;
    retryContext?: { retryCount: number; maxRetryCount: number };
  };
  metadata: { name: string; bindings: Record<string, BindingMetadata> };
  state?: string;
  log(level: string, category: string, message: string): void;
}

export type CoreLog = (level: string, category: string, message: string, functionName?: string) => void;

type HookCallback = (context: unknown) => unknown;

export class FunctionsCoreStandIn {
  readonly registrations: FunctionRegistration[] = [];
  private readonly hooks = new Map<string, HookCallback[]>();
  private model: ProgrammingModel | undefined;

  constructor(private readonly writeLog: CoreLog) {}

  /** The object `require('@azure/functions-core')` returns. */
  readonly api = {
    setProgrammingModel: (model: ProgrammingModel) => {
      this.model = model;
    },
    getProgrammingModel: () => this.model,
    registerFunction: (
      metadata: { name: string; bindings: Record<string, BindingMetadata>; retryOptions?: Record<string, unknown> },
      handler: (...args: unknown[]) => unknown,
    ) => {
      if (this.registrations.some((existing) => existing.name === metadata.name)) {
        throw new Error(`A function named "${metadata.name}" is already registered`);
      }
      this.registrations.push({ name: metadata.name, bindings: metadata.bindings, retryOptions: metadata.retryOptions, handler });
      return {
        dispose: () =>
          this.registrations.splice(
            this.registrations.findIndex((r) => r.name === metadata.name),
            1,
          ),
      };
    },
    registerHook: (hookName: string, callback: HookCallback) => {
      const list = this.hooks.get(hookName) ?? [];
      list.push(callback);
      this.hooks.set(hookName, list);
      return { dispose: () => list.splice(list.indexOf(callback), 1) };
    },
    log: (level: string, category: string, message: string) => this.writeLog(level, category, message),
  };

  programmingModel(): ProgrammingModel {
    if (!this.model) throw new Error('The app never called setProgrammingModel: is @azure/functions loaded?');
    return this.model;
  }

  async runHooks(hookName: 'appStart' | 'appTerminate', context: unknown): Promise<void> {
    for (const callback of this.hooks.get(hookName) ?? []) await callback(context);
  }
}

const CORE_MODULE = '@azure/functions-core';
let installed: FunctionsCoreStandIn | undefined;

/**
 * Makes `require('@azure/functions-core')` resolve to the stand-in for this process. Must run before
 * the app (and so `@azure/functions`) is loaded; one per process, like the real worker.
 */
export function installFunctionsCoreStandIn(writeLog: CoreLog): FunctionsCoreStandIn {
  if (installed) return installed;
  const standIn = new FunctionsCoreStandIn(writeLog);
  const moduleInternals = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const originalLoad = moduleInternals._load;
  moduleInternals._load = function load(request: string, ...rest: unknown[]) {
    if (request === CORE_MODULE) return standIn.api;
    return originalLoad.call(this, request, ...rest);
  };
  installed = standIn;
  return standIn;
}
