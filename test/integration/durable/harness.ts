import type { Logger } from '../../../shared/adapters/logging/logger';
import type { RegistryInvoker } from '../../../dev/host/invoker';

/** A clock that moves only when the test says so. */
export class ManualClock {
  constructor(private current = Date.parse('2030-01-07T09:00:00Z')) {}
  now(): number {
    return this.current;
  }
  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
}

/** Collects log records so tests stay quiet and can look at what was logged. */
export function memoryLogger(): Logger & { records: Array<{ level: string; event: string; fields?: Record<string, unknown> }> } {
  const records: Array<{ level: string; event: string; fields?: Record<string, unknown> }> = [];
  const at = (level: string) => (event: string, fields?: Record<string, unknown>) => void records.push({ level, event, fields });
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Calls the fixture's `durableClientProbe` HTTP function, i.e. the real durable client against the backend. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON, checked field by field in the tests
export async function callDurableClient(invoker: RegistryInvoker, body: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const response = (await invoker.invoke('durableClientProbe', {
    trigger: {
      method: 'POST',
      url: 'http://localhost:7071/api/durable-probe',
      headers: { 'content-type': 'application/json' },
      query: {},
      params: {},
      body: { bytes: Buffer.from(JSON.stringify(body)) },
    },
  })) as { statusCode: string; body?: { bytes?: Uint8Array } };
  const text = response.body?.bytes ? Buffer.from(response.body.bytes).toString() : '';
  return { status: Number(response.statusCode), body: text ? JSON.parse(text) : undefined };
}

/** A promise with its resolver, for holding an activity mid-run. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export const DAY = 24 * 60 * 60 * 1000;
