import { randomUUID } from 'node:crypto';
import { badRequest, ServiceError } from './http';

export interface FaultSpec {
  /** Regular expression matched against the request path (e.g. `^/sms$`, `/rooms`). */
  path: string;
  /** Only this HTTP method; any when absent. */
  method?: string;
  /** How many matching requests the fault applies to (default 1). */
  count?: number;
  /** Answer with this status instead of serving (e.g. 429, 500, 503); absent = serve normally. */
  status?: number;
  /** Retry-After header in seconds (429 / 503). */
  retryAfterSeconds?: number;
  /** Delay before answering (with or without a status). */
  latencyMs?: number;
  /** Error code in the body (defaults per status). */
  code?: string;
}

export interface FaultRule extends Required<Pick<FaultSpec, 'path'>> {
  id: string;
  method?: string;
  remaining: number;
  status?: number;
  retryAfterSeconds?: number;
  latencyMs?: number;
  code?: string;
}

const defaultCodes: Record<number, string> = {
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/** Faults on demand: the next N requests matching a path answer an error, wait, or both. */
export class Faults {
  private rules: Array<FaultRule & { pattern: RegExp }> = [];

  add(spec: FaultSpec): FaultRule {
    if (typeof spec.path !== 'string' || spec.path.length === 0) throw badRequest('BadRequest', 'path is required.', 'path');
    let pattern: RegExp;
    try {
      pattern = new RegExp(spec.path);
    } catch {
      throw badRequest('BadRequest', 'path is not a valid regular expression.', 'path');
    }
    const count = spec.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw badRequest('BadRequest', 'count must be a positive integer.', 'count');
    if (spec.status !== undefined && (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599)) {
      throw badRequest('BadRequest', 'status must be an HTTP error status (400-599).', 'status');
    }
    if (spec.status === undefined && spec.latencyMs === undefined) {
      throw badRequest('BadRequest', 'give a status, a latencyMs, or both.');
    }
    const rule = {
      id: randomUUID(),
      path: spec.path,
      method: spec.method?.toUpperCase(),
      remaining: count,
      status: spec.status,
      retryAfterSeconds: spec.retryAfterSeconds,
      latencyMs: spec.latencyMs,
      code: spec.code,
      pattern,
    };
    this.rules.push(rule);
    return this.describe(rule);
  }

  /** Consumes one use of the first rule matching the request, if any. */
  take(method: string, pathname: string): FaultRule | undefined {
    const rule = this.rules.find((r) => (!r.method || r.method === method) && r.pattern.test(pathname));
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining === 0) this.rules = this.rules.filter((r) => r !== rule);
    return this.describe(rule);
  }

  list(): FaultRule[] {
    return this.rules.map((rule) => this.describe(rule));
  }

  clear(): void {
    this.rules = [];
  }

  private describe({ pattern: _pattern, ...rule }: FaultRule & { pattern: RegExp }): FaultRule {
    return { ...rule };
  }
}

export function faultError(rule: FaultRule): ServiceError | undefined {
  if (rule.status === undefined) return undefined;
  const code = rule.code ?? defaultCodes[rule.status] ?? 'Fault';
  const headers: Record<string, string> = rule.retryAfterSeconds !== undefined ? { 'retry-after': String(rule.retryAfterSeconds) } : {};
  return new ServiceError(rule.status, code, `Injected fault (${rule.status}).`, undefined, headers);
}
