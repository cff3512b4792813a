/**
 * Failures a use case reports to its caller. The HTTP layer maps each code to the status and
 * problem type of docs/api.md; nothing else in the app decides status codes.
 */
export const problemStatus = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  'slot-unavailable': 409,
  'too-late': 409,
  'too-early': 409,
  'join-window-closed': 409,
  'invalid-state': 409,
  conflict: 409,
  'version-mismatch': 412,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'idempotency-conflict': 422,
  'rate-limited': 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ProblemCode = keyof typeof problemStatus;

export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    /** Extra members of the problem object (e.g. opensAt / closedAt, errors). */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'AppError';
    this.status = problemStatus[code];
  }

  static validation(errors: FieldError[], detail = 'The request is not valid.'): AppError {
    return new AppError('validation', detail, { errors });
  }
}

/** A change that kept losing its race with other writers of the same appointment: 409, retry in a second. */
export function appointmentBusy(): never {
  throw new AppError('conflict', 'The appointment is being changed by someone else; retry.', { retryAfterSeconds: 1 });
}
