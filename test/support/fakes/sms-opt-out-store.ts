import type { SmsOptOutStore } from '../../../shared/app/ports/privacy';

/** SmsOptOutStore in memory (pinned to TableSmsOptOutStore by test/support/contracts/sms-opt-out-store.contract.ts). */
export class InMemorySmsOptOutStore implements SmsOptOutStore {
  private readonly optedOut = new Set<string>();

  isOptedOut(businessId: string, phone: string): Promise<boolean> {
    return Promise.resolve(this.optedOut.has(`${businessId}|${phone}`));
  }

  record(businessId: string, phone: string): Promise<void> {
    this.optedOut.add(`${businessId}|${phone}`);
    return Promise.resolve();
  }

  remove(businessId: string, phone: string): Promise<void> {
    this.optedOut.delete(`${businessId}|${phone}`);
    return Promise.resolve();
  }
}
