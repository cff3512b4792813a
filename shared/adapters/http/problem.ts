import type { HttpResponseInit } from '@azure/functions';
import { problemStatus, type ProblemCode } from '../../app/errors';

export const PROBLEM_TYPE_BASE = 'https://errors.virtual-appointments.dev/';

const titles: Record<ProblemCode, string> = {
  validation: 'The request is not valid',
  unauthorized: 'Credentials are missing or invalid',
  forbidden: 'Not allowed',
  'not-found': 'Not found',
  'method-not-allowed': 'Method not allowed',
  'slot-unavailable': 'The time is not available',
  'too-late': 'Too late for this change',
  'too-early': 'Too early',
  'join-window-closed': 'The join window is closed',
  'invalid-state': 'Not allowed in the current state',
  conflict: 'Conflict',
  'version-mismatch': 'The resource has changed',
  'payload-too-large': 'The request body is too large',
  'unsupported-media-type': 'Unsupported content type',
  'idempotency-conflict': 'Idempotency key reused with another request',
  'rate-limited': 'Too many requests',
  internal: 'Internal error',
  unavailable: 'Service unavailable',
};

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extension: string]: unknown;
}

export function problemBody(code: ProblemCode, detail: string, extensions: Record<string, unknown> = {}): ProblemBody {
  return {
    ...extensions,
    type: PROBLEM_TYPE_BASE + code,
    title: titles[code],
    status: problemStatus[code],
    detail,
  };
}

/** An RFC 9457 problem+json response. */
export function problemResponse(
  code: ProblemCode,
  detail: string,
  extensions: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): HttpResponseInit {
  const body = problemBody(code, detail, extensions);
  return {
    status: body.status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
    body: JSON.stringify(body),
  };
}
