/** A stored record with the ETag its next conditional write must present. */
export interface Versioned<T> {
  value: T;
  etag: string;
}

/** A conditional write lost a race (the record appeared, changed or vanished meanwhile). */
export class WriteConflictError extends Error {
  constructor(what: string) {
    super(`${what} changed concurrently`);
    this.name = 'WriteConflictError';
  }
}
