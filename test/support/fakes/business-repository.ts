import type {
  BusinessRecord,
  BusinessRepository,
  ClosureRecord,
  ProviderRecord,
  ServiceRecord,
} from '../../../shared/app/ports/business-repository';
import { WriteConflictError, type Versioned } from '../../../shared/app/ports/versioned';
import { nextEtag, stored } from './etags';

/** In-memory BusinessRepository; pinned to TableBusinessRepository by test/support/contracts/business-repository.contract.ts. */
export class InMemoryBusinessRepository implements BusinessRepository {
  private readonly rows = new Map<string, Versioned<unknown>>();

  private get<T>(key: string): Versioned<T> | undefined {
    const row = this.rows.get(key);
    return row ? { value: stored(row.value as T), etag: row.etag } : undefined;
  }

  private save(key: string, value: unknown, etag: string | undefined, what: string): void {
    const row = this.rows.get(key);
    // Without an etag: create only; with one: replace only that version.
    if (etag === undefined ? row !== undefined : row?.etag !== etag) throw new WriteConflictError(what);
    this.rows.set(key, { value: stored(value), etag: nextEtag() });
  }

  private list<T extends { id: string }>(prefix: string): T[] {
    return [...this.rows.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([, row]) => stored(row.value as T))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async getBusiness(businessId: string): Promise<Versioned<BusinessRecord> | undefined> {
    return this.get(`b|${businessId}`);
  }
  async saveBusiness(record: BusinessRecord, etag: string | undefined): Promise<void> {
    this.save(`b|${record.id}`, record, etag, `business ${record.id}`);
  }
  async getProvider(businessId: string, providerId: string): Promise<Versioned<ProviderRecord> | undefined> {
    return this.get(`p|${businessId}|${providerId}`);
  }
  async saveProvider(record: ProviderRecord, etag: string | undefined): Promise<void> {
    this.save(`p|${record.businessId}|${record.id}`, record, etag, `provider ${record.id}`);
  }
  async listProviders(businessId: string): Promise<ProviderRecord[]> {
    return this.list(`p|${businessId}|`);
  }
  async getService(businessId: string, serviceId: string): Promise<Versioned<ServiceRecord> | undefined> {
    return this.get(`s|${businessId}|${serviceId}`);
  }
  async saveService(record: ServiceRecord, etag: string | undefined): Promise<void> {
    this.save(`s|${record.businessId}|${record.id}`, record, etag, `service ${record.id}`);
  }
  async listServices(businessId: string): Promise<ServiceRecord[]> {
    return this.list(`s|${businessId}|`);
  }
  async getClosure(businessId: string, closureId: string): Promise<Versioned<ClosureRecord> | undefined> {
    return this.get(`c|${businessId}|${closureId}`);
  }
  async saveClosure(record: ClosureRecord, etag: string | undefined): Promise<void> {
    this.save(`c|${record.businessId}|${record.id}`, record, etag, `closure ${record.id}`);
  }
  async deleteClosure(businessId: string, closureId: string): Promise<void> {
    this.rows.delete(`c|${businessId}|${closureId}`);
  }
  async listClosures(businessId: string): Promise<ClosureRecord[]> {
    return this.list(`c|${businessId}|`);
  }
}
