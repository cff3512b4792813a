import { InvalidSettingsError, parseSettings } from '../../shared/config/settings';

describe('settings', () => {
  it('applies defaults and splits the CORS list', () => {
    const settings = parseSettings({
      TABLE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      CORS_ALLOWED_ORIGINS: 'http://a.example, http://b.example',
    });
    expect(settings.CORS_ALLOWED_ORIGINS).toEqual(['http://a.example', 'http://b.example']);
    expect(settings.MAX_BODY_BYTES).toBe(65536);
    expect(settings.PUBLIC_BASE_URL).toBe('http://localhost:7071/api');
  });

  it('fails naming every bad setting', () => {
    let thrown: unknown;
    try {
      parseSettings({ TABLE_NAME_PREFIX: 'has-dash', MAX_BODY_BYTES: 'lots' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidSettingsError);
    const message = (thrown as Error).message;
    expect(message).toContain('TABLE_STORAGE_CONNECTION_STRING');
    expect(message).toContain('TABLE_NAME_PREFIX');
    expect(message).toContain('MAX_BODY_BYTES');
  });

  it('treats empty values as unset', () => {
    const settings = parseSettings({ TABLE_STORAGE_CONNECTION_STRING: 'x', LOG_LEVEL: '' });
    expect(settings.LOG_LEVEL).toBe('info');
  });
});
