/** ACS clients are built on first use: without ACS settings, storage-only endpoints (health, config) still work. */
describe('composition root', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('builds the services without ACS settings and reports them only when ACS is used', () => {
    process.env = { TABLE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { getServices } = require('../../shared/composition-root') as typeof import('../../shared/composition-root');
      const services = getServices();
      expect(Object.keys(services.healthProbes)).toEqual(['storage']);
      expect(() => services.acs.rooms).toThrow(/ACS_CONNECTION_STRING/);
    });
  });
});
