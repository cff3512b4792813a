/** The hash of each provider's calendar-feed secret (the secret itself is never stored). */
export interface FeedTokenStore {
  getHash(businessId: string, providerId: string): Promise<string | undefined>;
  /** Replaces any earlier token, which stops working at once. */
  saveHash(businessId: string, providerId: string, hash: string, now: number): Promise<void>;
}
