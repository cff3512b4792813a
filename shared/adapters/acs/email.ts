import { EmailClient } from '@azure/communication-email';
import { AcsError, type EmailAttachment, type EmailPort, type MessageLabel } from '../../app/ports/acs';
import { guidFromKey, type AcsClientConfig } from './client-options';
import { callAcs } from './errors';
import { labelHeaders } from './message-label';

/** ACS Email from the app's sender address (ACS_EMAIL_SENDER); waits for the send operation to finish. */
export class AcsEmailAdapter implements EmailPort {
  private readonly client: EmailClient;

  constructor(
    private readonly config: AcsClientConfig,
    private readonly sender: string,
    /** How often the send operation is polled when the service gives no Retry-After. */
    private readonly pollIntervalMs: number,
    /** Deadline of the whole send, polling included (each HTTP try has its own, shorter one). */
    private readonly sendTimeoutMs: number = 120_000,
  ) {
    this.client = config.connectionString
      ? new EmailClient(config.connectionString, config.clientOptions)
      : new EmailClient(config.endpoint, config.credential!, config.clientOptions);
  }

  async send(input: {
    to: Array<{ address: string; displayName?: string }>;
    subject: string;
    plainText: string;
    html?: string;
    attachments?: EmailAttachment[];
    label?: MessageLabel;
    idempotencyKey?: string;
  }): Promise<{ operationId: string }> {
    const result = await callAcs('email', 'send', this.config.retry, async () => {
      const poller = await this.client.beginSend(
        {
          senderAddress: this.sender,
          content: { subject: input.subject, plainText: input.plainText, ...(input.html ? { html: input.html } : {}) },
          recipients: { to: input.to },
          ...(input.label ? { headers: labelHeaders(input.label) } : {}),
          ...(input.attachments?.length
            ? { attachments: input.attachments.map((a) => ({ name: a.name, contentType: a.contentType, contentInBase64: a.content.toString('base64') })) }
            : {}),
        },
        { updateIntervalInMs: this.pollIntervalMs, ...(input.idempotencyKey ? { operationId: guidFromKey(input.idempotencyKey) } : {}) },
      );
      try {
        return await poller.pollUntilDone({ abortSignal: AbortSignal.timeout(this.sendTimeoutMs) });
      } catch (error) {
        // Still running at the deadline: transient, so the activity retries (same operation id, no second email).
        if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
          throw new AcsError('email', 'send', undefined, 'Timeout', `ACS email send did not finish within ${this.sendTimeoutMs} ms`, true);
        }
        throw error;
      }
    });
    if (result.status !== 'Succeeded') {
      throw new AcsError('email', 'send', undefined, result.error?.code ?? result.status, `ACS email send ended ${result.status}: ${result.error?.message ?? ''}`.trim(), false);
    }
    return { operationId: result.id };
  }
}
