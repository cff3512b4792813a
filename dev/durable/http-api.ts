import type { IncomingMessage, ServerResponse } from 'node:http';

/** An answer the durable HTTP API gives instead of a result (status code as the extension uses it). */
export class DurableApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** What the HTTP API needs from the backend. */
export interface DurableOperations {
  startInstance(name: string, instanceId: string | undefined, input: string | null): Promise<string>;
  /** 404 / 410 unless the instance exists and has not finished. */
  checkRunning(instanceId: string): Promise<void>;
  raiseEvent(instanceId: string, eventName: string, input: string | null): Promise<void>;
  terminate(instanceId: string, reason: string | null): Promise<void>;
  purge(instanceId: string): Promise<void>;
  statusPayload(instanceId: string, options: StatusOptions): Promise<StatusPayload | undefined>;
  listPayloads(filter: ListFilter): Promise<StatusPayload[]>;
  managementPayload(instanceId: string): Record<string, string>;
}

export interface StatusOptions {
  showHistory?: boolean;
  showHistoryOutput?: boolean;
  showInput?: boolean;
}

export interface ListFilter {
  runtimeStatus?: string[];
  createdTimeFrom?: number;
  createdTimeTo?: number;
  instanceIdPrefix?: string;
  showInput?: boolean;
}

/** The status body of `GET instances/{id}` (StatusResponsePayload). */
export interface StatusPayload {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: unknown[];
}

const RUNNING = new Set(['Running', 'Pending', 'ContinuedAsNew']);
const BODY_LIMIT = 8 * 1024 * 1024;

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * The extension's HTTP API (HttpApiHandler) as durable-functions' DurableClient calls it, below
 * `/durabletask/` (rpcBaseUrl) or `/runtime/webhooks/durabletask/` (the management URLs).
 */
export async function handleDurableHttp(ops: DurableOperations, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let reply: Reply;
  try {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const body = await readBody(request);
    reply = await route(ops, request.method ?? 'GET', url, body, String(request.headers['content-type'] ?? ''));
  } catch (error) {
    reply =
      error instanceof DurableApiError
        ? { status: error.status, body: { Message: error.message } }
        : { status: 500, body: { Message: 'Something went wrong while processing your request' } };
  }
  const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
  response.writeHead(reply.status, { ...(text ? { 'Content-Type': 'application/json; charset=utf-8' } : {}), ...reply.headers });
  response.end(text);
}

async function route(ops: DurableOperations, method: string, url: URL, body: string, contentType: string): Promise<Reply> {
  const match = /^\/(?:runtime\/webhooks\/)?durabletask\/(.*)$/.exec(url.pathname);
  if (!match) return { status: 404 };
  const segments = match[1]!.split('/').map((segment) => decodeURIComponent(segment));
  const query = url.searchParams;
  const [controller, first, operation, eventName] = segments;

  if (controller === 'orchestrators' && first && method === 'POST' && segments.length <= 3) {
    const id = await ops.startInstance(first, operation || undefined, parseBody(body));
    const payload = ops.managementPayload(id);
    return { status: 202, body: payload, headers: { Location: payload.statusQueryGetUri!, 'Retry-After': '10' } };
  }
  if (controller !== 'instances') return { status: 404 };

  if (!first) {
    if (method !== 'GET') return { status: 404 };
    const list = await ops.listPayloads({
      runtimeStatus: query.get('runtimeStatus')?.split(',').filter(Boolean),
      createdTimeFrom: dateParam(query.get('createdTimeFrom')),
      createdTimeTo: dateParam(query.get('createdTimeTo')),
      instanceIdPrefix: query.get('instanceIdPrefix') ?? undefined,
      showInput: boolParam(query.get('showInput')) ?? true,
    });
    return { status: 200, body: list };
  }
  if (operation === undefined) {
    if (method === 'GET') {
      const status = await ops.statusPayload(first, {
        showHistory: boolParam(query.get('showHistory')) ?? false,
        showHistoryOutput: boolParam(query.get('showHistoryOutput')) ?? false,
        showInput: boolParam(query.get('showInput')) ?? true,
      });
      if (!status) return { status: 404 };
      const running = RUNNING.has(status.runtimeStatus);
      const failedAs500 = status.runtimeStatus === 'Failed' && boolParam(query.get('returnInternalServerErrorOnFailure')) === true;
      return {
        status: running ? 202 : failedAs500 ? 500 : 200,
        body: status,
        headers: running ? { Location: url.href, 'Retry-After': '5' } : {},
      };
    }
    if (method === 'DELETE') {
      await ops.purge(first);
      return { status: 200, body: { instancesDeleted: 1 } };
    }
    return { status: 404 };
  }
  if (method !== 'POST') return { status: 404 };
  if (operation === 'terminate' && segments.length === 3) {
    await ops.terminate(first, query.get('reason'));
    return { status: 202 };
  }
  if (operation === 'raiseEvent' && eventName && segments.length === 4) {
    await ops.checkRunning(first);
    if (!/^application\/json\b/i.test(contentType)) throw new DurableApiError(400, 'Only application/json request content is supported');
    await ops.raiseEvent(first, eventName, parseBody(body));
    return { status: 202 };
  }
  return { status: 404 };
}

/** Request bodies are JSON; the extension keeps them as JSON text. */
function parseBody(body: string): string | null {
  if (body.trim() === '') return null;
  try {
    return JSON.stringify(JSON.parse(body));
  } catch {
    throw new DurableApiError(400, 'Invalid JSON content');
  }
}

function boolParam(value: string | null): boolean | undefined {
  if (value === null) return undefined;
  return value.toLowerCase() === 'true' ? true : value.toLowerCase() === 'false' ? false : undefined;
}

function dateParam(value: string | null): number | undefined {
  if (!value) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new DurableApiError(400, `Invalid date: ${value}`);
  return time;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    request.on('end', () =>
      size > BODY_LIMIT ? reject(new DurableApiError(413, 'Request body too large')) : resolve(Buffer.concat(chunks).toString('utf8')),
    );
    request.on('error', reject);
  });
}
