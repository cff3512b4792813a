import type { BusinessRepository } from '../../../shared/app/ports/business-repository';
import { WriteConflictError } from '../../../shared/app/ports/versioned';
import { business, provider, service } from '../fakes/builders';

/** What every BusinessRepository does; runs against the in-memory fake and TableBusinessRepository on Azurite. */
export function businessRepositoryContract(make: () => BusinessRepository): void {
  let repo: BusinessRepository;
  beforeEach(() => {
    repo = make();
  });

  it('creates only when absent, replaces only the version read, and drops fields set to undefined', async () => {
    const record = business({ contactEmail: 'desk@example.com' });
    expect(await repo.getBusiness('b1')).toBeUndefined();
    await repo.saveBusiness(record, undefined);
    await expect(repo.saveBusiness(record, undefined)).rejects.toBeInstanceOf(WriteConflictError);
    const first = await repo.getBusiness('b1');
    expect(first?.value).toEqual(record);
    await repo.saveBusiness({ ...record, name: 'Clinic 2', contactEmail: undefined }, first!.etag);
    await expect(repo.saveBusiness({ ...record, name: 'late' }, first!.etag)).rejects.toBeInstanceOf(WriteConflictError);
    const second = await repo.getBusiness('b1');
    expect(second?.value.name).toBe('Clinic 2');
    expect(second?.value).not.toHaveProperty('contactEmail');
    expect(second?.etag).not.toBe(first?.etag);
  });

  it('lists the providers and services of one business only, sorted by id, active or not', async () => {
    await repo.saveProvider(provider('zed', { phone: '+12025550100' }), undefined);
    await repo.saveProvider(provider('amy', { active: false }), undefined);
    await repo.saveProvider({ ...provider('other'), businessId: 'b2' }, undefined);
    await repo.saveService(service({ id: 's2' }), undefined);
    await repo.saveService(service({ id: 's1', active: false }), undefined);
    expect((await repo.listProviders('b1')).map((p) => [p.id, p.active])).toEqual([
      ['amy', false],
      ['zed', true],
    ]);
    expect((await repo.listServices('b1')).map((s) => s.id)).toEqual(['s1', 's2']);
    expect(await repo.listServices('b2')).toEqual([]);
    expect((await repo.getProvider('b1', 'zed'))?.value.phone).toBe('+12025550100');
    expect((await repo.getService('b1', 's2'))?.value.reminders).toEqual(service().reminders);
  });

  it('refuses a service or provider update under a stale etag and a create over an existing one', async () => {
    await repo.saveService(service(), undefined);
    const read = await repo.getService('b1', 's1');
    await repo.saveService({ ...service(), name: 'A' }, read!.etag);
    await expect(repo.saveService({ ...service(), name: 'B' }, read!.etag)).rejects.toBeInstanceOf(WriteConflictError);
    await expect(repo.saveService(service(), undefined)).rejects.toBeInstanceOf(WriteConflictError);
    await repo.saveProvider(provider('p1'), undefined);
    await expect(repo.saveProvider(provider('p1'), 'W/"bogus"')).rejects.toBeInstanceOf(WriteConflictError);
    expect((await repo.getService('b1', 's1'))?.value.name).toBe('A');
  });

  it('keeps closures per business under ETags, lists them by id and deletes idempotently', async () => {
    const closure = { businessId: 'b1', id: 'xmas', from: '2030-12-24', to: '2030-12-26', reason: 'Holidays', createdAt: 1, updatedAt: 1 };
    expect(await repo.getClosure('b1', 'xmas')).toBeUndefined();
    await repo.saveClosure(closure, undefined);
    await repo.saveClosure({ ...closure, id: 'easter', reason: undefined }, undefined);
    await repo.saveClosure({ ...closure, businessId: 'b2' }, undefined);
    await expect(repo.saveClosure(closure, undefined)).rejects.toBeInstanceOf(WriteConflictError);
    const read = await repo.getClosure('b1', 'xmas');
    expect(read?.value).toEqual(closure);
    await repo.saveClosure({ ...closure, to: '2030-12-31', updatedAt: 2 }, read!.etag);
    await expect(repo.saveClosure({ ...closure, to: '2030-12-25' }, read!.etag)).rejects.toBeInstanceOf(WriteConflictError);
    expect((await repo.listClosures('b1')).map((c) => [c.id, c.to, c.reason])).toEqual([
      ['easter', '2030-12-26', undefined],
      ['xmas', '2030-12-31', 'Holidays'],
    ]);
    await repo.deleteClosure('b1', 'xmas');
    await repo.deleteClosure('b1', 'xmas');
    expect((await repo.listClosures('b1')).map((c) => c.id)).toEqual(['easter']);
    expect(await repo.listClosures('b2')).toHaveLength(1);
  });
}
