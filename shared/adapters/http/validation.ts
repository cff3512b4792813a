import type { ZodError } from 'zod';
import type { FieldError } from '../../app/errors';

/** zod issues as docs/api.md's `errors: [{ path, message }]`, paths in dotted form (`weekly.mon.0.end`). */
export function fieldErrorsFromZod(error: ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}
