import type { PipelinePolicy, PipelineRequest } from '@azure/core-rest-pipeline';

/**
 * The error a try that got no answer in time ends with. Shaped as the pipeline's RestError with code
 * ETIMEDOUT (no status: there was no answer), so the SDK's own retry policy tries again as it does for
 * a reset connection, and the adapters treat it as transient.
 */
export class OutboundTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  readonly statusCode = undefined;

  constructor(
    readonly timeoutMs: number,
    readonly request?: PipelineRequest,
  ) {
    super(`No answer within ${timeoutMs} ms.`);
    this.name = 'RestError';
  }
}

/**
 * Gives each HTTP try of an Azure SDK client (ACS, Tables) a deadline through its abort signal:
 * placed per retry, so a hung connection costs one try and the SDK's retry policy (with its delays and
 * maximum) decides what follows. A caller's own abort signal still wins and is reported as an abort.
 */
export function deadlinePolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: 'outboundDeadline',
    async sendRequest(request, next) {
      const callerSignal = request.abortSignal;
      const deadline = AbortSignal.timeout(timeoutMs);
      request.abortSignal = callerSignal ? AbortSignal.any([callerSignal as AbortSignal, deadline]) : deadline;
      try {
        return await next(request);
      } catch (error) {
        if (deadline.aborted && !callerSignal?.aborted) throw new OutboundTimeoutError(timeoutMs, request);
        throw error;
      } finally {
        request.abortSignal = callerSignal;
      }
    },
  };
}

/** The client option that installs the deadline (every Azure SDK client accepts `additionalPolicies`). */
export function withDeadline(timeoutMs: number): { additionalPolicies: Array<{ policy: PipelinePolicy; position: 'perRetry' }> } {
  return { additionalPolicies: [{ policy: deadlinePolicy(timeoutMs), position: 'perRetry' }] };
}

/** True when an error is a missed deadline of an outbound call (no answer in time). */
export function isOutboundTimeout(error: unknown): boolean {
  return (
    error instanceof OutboundTimeoutError ||
    (error instanceof Error && (error.name === 'TimeoutError' || (error as { code?: unknown }).code === 'ETIMEDOUT'))
  );
}
