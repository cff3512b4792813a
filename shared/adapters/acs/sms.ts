import { SmsClient } from '@azure/communication-sms';
import type { MessageLabel, SmsPort, SmsResult } from '../../app/ports/acs';
import { acsClient, type AcsClientConfig } from './client-options';
import { callAcs } from './errors';
import { encodeSmsTag } from './message-label';

/** ACS SMS from the app's number (ACS_SMS_FROM). */
export class AcsSmsAdapter implements SmsPort {
  private readonly client: SmsClient;

  constructor(
    private readonly config: AcsClientConfig,
    private readonly from: string,
  ) {
    this.client = acsClient(SmsClient, config, config.clientOptions);
  }

  async send(input: { to: string[]; message: string; label?: MessageLabel; deliveryReport?: boolean }): Promise<SmsResult[]> {
    const results = await callAcs('sms', 'send', this.config.retry, () =>
      this.client.send(
        { from: this.from, to: input.to, message: input.message },
        { enableDeliveryReport: input.deliveryReport ?? false, ...(input.label ? { tag: encodeSmsTag(input.label) } : {}) },
      ),
    );
    return results.map((r) => ({
      to: r.to,
      successful: r.successful,
      httpStatusCode: r.httpStatusCode,
      ...(r.messageId ? { messageId: r.messageId } : {}),
      ...(r.errorMessage ? { errorMessage: r.errorMessage } : {}),
    }));
  }
}
