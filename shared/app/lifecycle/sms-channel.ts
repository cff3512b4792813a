import { phoneCountry, senderReach } from '../../domain/lifecycle/sms-reach';
import type { LifecycleLog } from './lifecycle-deps';

/** Why a consumer gets no SMS (they get email only); recorded with the notification. */
export type SmsUnavailable = 'sms-disabled' | 'sms-country-not-reached' | 'sms-sender-refused';

/** Whether SMS can reach a consumer, decided before sending, and what the service said of the sender. */
export interface SmsChannel {
  unavailableFor(phone: string): SmsUnavailable | undefined;
  /** ACS refused the sender itself (401: a number the resource does not own): SMS stops for this process. */
  senderRefused(): void;
}

/**
 * The SMS channel of this deployment: none without ACS_SMS_FROM (said once, when built); only to the
 * countries the sender reaches (ACS_SMS_COUNTRIES, or what the number implies); none once ACS has
 * refused the sender, reported once as a configuration error.
 */
export function smsChannel(input: { from: string | undefined; countries: readonly string[]; log: LifecycleLog }): SmsChannel {
  const { from, log } = input;
  if (!from) log.info('sms.channel.disabled', { reason: 'ACS_SMS_FROM is empty: notices and reminders go by email only' });
  const reach = new Set(from ? senderReach(from, input.countries) : []);
  let refused = false;
  return {
    unavailableFor(phone) {
      if (!from) return 'sms-disabled';
      if (refused) return 'sms-sender-refused';
      const country = phoneCountry(phone);
      return country && reach.has(country) ? undefined : 'sms-country-not-reached';
    },
    senderRefused() {
      if (refused) return;
      refused = true;
      log.warn('configuration.error', {
        setting: 'ACS_SMS_FROM',
        problem:
          'ACS refused the SMS sender (401): it is not a phone number of this ACS resource. SMS is off until the setting names a number the resource owns.',
      });
    },
  };
}
