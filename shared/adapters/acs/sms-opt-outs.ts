import { createCommunicationAuthPolicy, parseClientArguments } from '@azure/communication-common';
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  RestError,
  type HttpClient,
  type Pipeline,
} from '@azure/core-rest-pipeline';
import type { SmsOptOutCheck } from '../../app/ports/privacy';
import type { AcsClientConfig } from './client-options';
import { AcsError } from '../../app/ports/acs';
import { callAcs } from './errors';

/** The opt-out management API (preview; @azure/communication-sms 1.1.0 has no client for it). */
export const SMS_OPT_OUT_API_VERSION = '2024-12-10-preview';

/**
 * ACS's opt-out list for the app's sender (`POST /sms/optouts:check`): a recipient who texted STOP is
 * on it. ACS still accepts an SMS to such a number (202) and then fails its delivery ("Sender blocked
 * for given recipient"), so the send result cannot tell; this check can, before sending.
 */
export class AcsSmsOptOutCheck implements SmsOptOutCheck {
  private readonly pipeline: Pipeline;
  private readonly httpClient: HttpClient = createDefaultHttpClient();
  /** The resource refused the API for good (it is allow-listed per resource): not asked again by this process. */
  private unavailable = false;

  constructor(
    private readonly config: AcsClientConfig,
    private readonly from: string,
  ) {
    const credential = config.connectionString ? parseClientArguments(config.connectionString).credential : config.credential!;
    const { tlsOptions, retryOptions, additionalPolicies } = config.clientOptions;
    this.pipeline = createPipelineFromOptions({ retryOptions, ...(tlsOptions ? { tlsOptions } : {}) });
    this.pipeline.addPolicy(createCommunicationAuthPolicy(credential));
    for (const { policy, position } of additionalPolicies)
      this.pipeline.addPolicy(policy, { phase: position === 'perRetry' ? 'Retry' : undefined });
  }

  /**
   * Whether the number is on the sender's opt-out list. The first non-transient refusal is thrown (the
   * caller reports it); after it this process answers `undefined` (no list to ask) without asking.
   */
  async isOptedOut(phone: string): Promise<boolean | undefined> {
    if (this.unavailable) return undefined;
    try {
      return await this.check(phone);
    } catch (error) {
      if (error instanceof AcsError && !error.transient) this.unavailable = true;
      throw error;
    }
  }

  private check(phone: string): Promise<boolean> {
    return callAcs('sms', 'checkOptOut', this.config.retry, async () => {
      const url = `${this.config.endpoint.replace(/\/$/, '')}/sms/optouts:check?api-version=${SMS_OPT_OUT_API_VERSION}`;
      const request = createPipelineRequest({
        url,
        method: 'POST',
        headers: createHttpHeaders({ 'Content-Type': 'application/json', Accept: 'application/json' }),
        body: JSON.stringify({ from: this.from, recipients: [{ to: phone }] }),
        ...(this.config.clientOptions.tlsOptions ? { tlsSettings: this.config.clientOptions.tlsOptions } : {}),
      });
      const response = await this.pipeline.sendRequest(this.httpClient, request);
      const body = response.bodyAsText
        ? (JSON.parse(response.bodyAsText) as {
            value?: Array<{ to?: string; httpStatusCode?: number; isOptedOut?: boolean }>;
            error?: { code?: string; message?: string };
          })
        : {};
      if (response.status !== 200) {
        throw new RestError(body.error?.message ?? `opt-out check answered ${response.status}`, {
          statusCode: response.status,
          code: body.error?.code ?? 'UnexpectedStatus',
          response,
        });
      }
      const item = body.value?.find((v) => v.to === phone) ?? body.value?.[0];
      return item?.isOptedOut === true;
    });
  }
}
