/**
 * ACS clients are built on first use: without ACS settings, storage-only endpoints (health, config) still work.
 * The module graph is loaded in beforeAll, not in the test, so mutation testing sees its module-level code as
 * loaded once per file (static), like every other import, rather than as covered by this one test.
 */
describe('composition root', () => {
  const saved = { ...process.env };
  let getServices: typeof import('../../shared/composition-root').getServices;
  beforeAll(() => {
    process.env = { TABLE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      ({ getServices } = require('../../shared/composition-root') as typeof import('../../shared/composition-root'));
    });
  });
  afterAll(() => {
    process.env = { ...saved };
  });

  it('builds the services without ACS settings and reports them only when ACS is used', () => {
    const services = getServices();
    expect(Object.keys(services.healthProbes)).toEqual(['storage']);
    expect(() => services.acs.rooms).toThrow(/ACS_CONNECTION_STRING/);
  });
});
