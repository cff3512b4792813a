import type { NotificationKey } from '../../../shared/domain/lifecycle/notifications';
import { notificationKeyText } from '../../../shared/domain/lifecycle/notifications';
import type { NotificationRecord, NotificationStore } from '../../../shared/app/ports/notification-store';
import { stored } from './etags';

/** In-memory NotificationStore; pinned to TableNotificationStore by test/support/contracts/notification-store.contract.ts. */
export class InMemoryNotificationStore implements NotificationStore {
  private readonly records = new Map<string, NotificationRecord>();

  async begin(key: NotificationKey, now: number): Promise<NotificationRecord | undefined> {
    const text = notificationKeyText(key);
    const earlier = this.records.get(text);
    if (!earlier) {
      this.records.set(text, { state: 'sending', attempts: 1, updatedAt: now });
      return undefined;
    }
    if (earlier.state === 'sending') this.records.set(text, { state: 'sending', attempts: earlier.attempts + 1, updatedAt: now });
    return stored(earlier);
  }

  async finish(
    key: NotificationKey,
    outcome: { state: 'sent' } | { state: 'failed' | 'skipped'; failure: string },
    now: number,
  ): Promise<void> {
    const text = notificationKeyText(key);
    this.records.set(text, { ...outcome, attempts: this.records.get(text)?.attempts ?? 1, updatedAt: now });
  }

  async get(key: NotificationKey): Promise<NotificationRecord | undefined> {
    const record = this.records.get(notificationKeyText(key));
    return record ? stored(record) : undefined;
  }
}
