import { randomUUID } from 'node:crypto';
import type { FunctionsCoreStandIn, RpcHttpData, RpcTypedData } from './functions-core-stand-in';
import type { FunctionInvoker, FunctionRegistration, InputBindingProvider, InvokeOptions } from './types';

const isTriggerType = (type: string) => /trigger$/i.test(type);

/** Converts a value to the worker protocol's typed data, as the Functions host sends it. */
export function toTypedData(value: unknown): RpcTypedData | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return { string: value };
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return { bytes: value };
  return { json: JSON.stringify(value) };
}

/** Reads a function's return value back from typed data. */
export function fromTypedData(data: RpcTypedData | undefined | null): unknown {
  if (!data) return undefined;
  if (data.json !== undefined) return JSON.parse(data.json);
  // A function that returned a string gets it back as a string ("42" stays "42"); objects come as json.
  if (data.string !== undefined) return data.string;
  if (data.bytes !== undefined) return Buffer.from(data.bytes);
  if (data.int !== undefined) return data.int;
  if (data.double !== undefined) return data.double;
  if (data.http !== undefined) return data.http;
  return undefined;
}

export interface HostLog {
  (level: string, category: string, message: string, functionName: string, invocationId: string): void;
}

/** What one invocation did, for the host's one log line per invocation (no payloads: they hold secrets). */
export interface InvocationRecord {
  function: string;
  invocationId: string;
  trigger: string;
  durationMs: number;
  outcome: 'succeeded' | 'failed';
  /** HTTP triggers only. */
  status?: number;
  error?: unknown;
}

/**
 * Invokes registered functions through the library's own invocation model (getArguments ->
 * invokeFunction -> getResponse), so binding conversion is the library's, not ours.
 */
export class RegistryInvoker implements FunctionInvoker {
  private readonly providers = new Map<string, InputBindingProvider>();

  constructor(
    private readonly core: FunctionsCoreStandIn,
    private readonly writeLog: HostLog,
    private readonly onInvocation: (record: InvocationRecord) => void = () => undefined,
  ) {}

  addInputBindingProvider(provider: InputBindingProvider): void {
    this.providers.set(provider.bindingType.toLowerCase(), provider);
  }

  registrations(): FunctionRegistration[] {
    return this.core.registrations;
  }

  find(functionName: string): FunctionRegistration {
    const registration = this.core.registrations.find((r) => r.name === functionName);
    if (!registration) throw new Error(`No function named "${functionName}" is registered`);
    return registration;
  }

  /**
   * For HTTP triggers `trigger` is the worker's RpcHttpData and the result is the RpcHttpData response;
   * for every other trigger the result is the function's return value.
   */
  async invoke(functionName: string, options: InvokeOptions): Promise<unknown> {
    const registration = this.find(functionName);
    const invocationId = randomUUID();
    const [triggerName, triggerBinding] = Object.entries(registration.bindings).find(([, b]) => isTriggerType(b.type)) ?? [];
    if (!triggerName || !triggerBinding) throw new Error(`Function "${functionName}" has no trigger binding`);
    const isHttp = triggerBinding.type.toLowerCase() === 'httptrigger';

    const inputData: Array<{ name: string; data: RpcTypedData }> = [];
    const triggerData = isHttp ? { http: options.trigger as RpcHttpData } : toTypedData(options.trigger);
    if (triggerData) inputData.push({ name: triggerName, data: triggerData });
    for (const [name, binding] of Object.entries(registration.bindings)) {
      if (name === triggerName || binding.direction !== 'in') continue;
      const value = options.extraInputs?.[name] ?? this.providers.get(binding.type.toLowerCase())?.valueFor(binding, functionName);
      const data = toTypedData(value);
      if (data) inputData.push({ name, data });
    }

    const started = performance.now();
    const record = (outcome: InvocationRecord['outcome'], extra: Partial<InvocationRecord> = {}) =>
      this.onInvocation({
        function: functionName,
        invocationId,
        trigger: triggerBinding.type,
        durationMs: Math.round(performance.now() - started),
        outcome,
        ...extra,
      });
    try {
      const result = await this.run(registration, invocationId, inputData, options, isHttp);
      // An HTTP function that returns nothing answers 204 (see http-server.ts).
      const status = isHttp ? (result ? Number((result as RpcHttpData).statusCode ?? 200) : 204) : undefined;
      record('succeeded', { status });
      return result;
    } catch (error) {
      record('failed', { error, status: isHttp ? 500 : undefined });
      throw error;
    }
  }

  private async run(
    registration: FunctionRegistration,
    invocationId: string,
    inputData: Array<{ name: string; data: RpcTypedData }>,
    options: InvokeOptions,
    isHttp: boolean,
  ): Promise<unknown> {
    const functionName = registration.name;
    const model = this.core.programmingModel().getInvocationModel({
      invocationId,
      request: { inputData, triggerMetadata: {}, retryContext: options.retryContext },
      metadata: { name: registration.name, bindings: registration.bindings },
      log: (level, category, message) => this.writeLog(level, category, message, functionName, invocationId),
    });
    const { context, inputs } = await model.getArguments();
    const result = await model.invokeFunction(context, inputs, registration.handler);
    const response = await model.getResponse(context, result);
    if (isHttp) {
      const httpOut = response.returnValue?.http ?? response.outputData?.find((o) => o.data.http)?.data.http;
      return httpOut;
    }
    return fromTypedData(response.returnValue);
  }
}
