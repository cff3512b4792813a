import { EmailClient } from '@azure/communication-email';
import { AcsError, AcsThrottledError, type EmailMessage, type EmailPort } from '../../app/ports/acs';
import { acsClient, guidFromKey, type AcsClientConfig } from './client-options';
import { callAcs, surfaceThrottling } from './errors';
import { labelHeaders } from './message-label';

/** Told of every throttled send (log and count it); `total` counts this process's throttled sends. */
export type OnEmailThrottled = (event: { retryAfterMs: number; total: number }) => void;

/**
 * ACS Email from the app's sender address (ACS_EMAIL_SENDER); waits for the send operation to finish.
 * A 429 (send or status poll) ends the call at once as an AcsThrottledError carrying the service's
 * Retry-After: on the Azure-managed domain that delay is minutes, which must not pass inside an activity.
 */
export class AcsEmailAdapter implements EmailPort {
  private readonly client: EmailClient;
  private throttled = 0;

  constructor(
    private readonly config: AcsClientConfig,
    private readonly sender: string,
    /** How often the send operation is polled when the service gives no Retry-After. */
    private readonly pollIntervalMs: number,
    /** Deadline of the whole send, polling included (each HTTP try has its own, shorter one). */
    private readonly sendTimeoutMs: number = 120_000,
    private readonly onThrottled: OnEmailThrottled = () => undefined,
  ) {
    const options = { ...config.clientOptions, additionalPolicies: [{ policy: surfaceThrottling, position: 'perRetry' as const }] };
    this.client = acsClient(EmailClient, config, options);
  }

  async send(input: EmailMessage): Promise<{ operationId: string }> {
    const result = await this.counted(
      callAcs('email', 'send', this.config.retry, async () => {
        const poller = await this.client.beginSend(
          {
            senderAddress: this.sender,
            content: { subject: input.subject, plainText: input.plainText, ...(input.html ? { html: input.html } : {}) },
            recipients: { to: input.to },
            ...(input.label ? { headers: labelHeaders(input.label) } : {}),
            ...(input.attachments?.length
              ? {
                  attachments: input.attachments.map((a) => ({
                    name: a.name,
                    contentType: a.contentType,
                    contentInBase64: a.content.toString('base64'),
                  })),
                }
              : {}),
          },
          { updateIntervalInMs: this.pollIntervalMs, ...(input.idempotencyKey ? { operationId: guidFromKey(input.idempotencyKey) } : {}) },
        );
        try {
          return await poller.pollUntilDone({ abortSignal: AbortSignal.timeout(this.sendTimeoutMs) });
        } catch (error) {
          // Still running at the deadline: transient, so the activity retries (same operation id, no second email).
          if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
            throw new AcsError(
              'email',
              'send',
              undefined,
              'Timeout',
              `ACS email send did not finish within ${this.sendTimeoutMs} ms`,
              true,
            );
          }
          throw operationFailure(error) ?? error;
        }
      }),
    );
    if (result.status !== 'Succeeded') {
      throw new AcsError(
        'email',
        'send',
        undefined,
        result.error?.code ?? result.status,
        `ACS email send ended ${result.status}: ${result.error?.message ?? ''}`.trim(),
        false,
      );
    }
    return { operationId: result.id };
  }

  private async counted<T>(call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (error) {
      if (error instanceof AcsThrottledError) {
        this.throttled += 1;
        this.onThrottled({ retryAfterMs: error.retryAfterMs, total: this.throttled });
      }
      throw error;
    }
  }
}

/**
 * The poller reports a send that ended `Failed` as a plain Error, "The long-running operation has
 * failed. <code>. <message>"; it is the service's final answer, not a transport problem.
 */
function operationFailure(error: unknown): AcsError | undefined {
  const match = error instanceof Error ? /^The long-running operation has failed(?:\. ([^.]+)\. (.*))?$/s.exec(error.message) : null;
  if (!match) return undefined;
  return new AcsError('email', 'send', undefined, match[1] ?? 'Failed', `ACS email send ended Failed: ${match[2] ?? ''}`.trim(), false);
}
