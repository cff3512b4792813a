/** Each provider's one ACS identity, reused across all of their appointments. */
export interface ProviderIdentityStore {
  get(businessId: string, providerId: string): Promise<string | undefined>;
  /** Stores `userId` unless the provider already has one; returns the identity that is stored (the first writer's). */
  claim(businessId: string, providerId: string, userId: string): Promise<string>;
}
