/**
 * The app validates its settings in an app start hook: a host given bad settings does not start, and
 * its error names every bad setting (the real worker fails its init the same way when the hook throws).
 */
import { startHostProcess } from '../support/host-process';

describe('settings at start-up', () => {
  it('fails the host with every bad setting named', async () => {
    const started = startHostProcess({ env: { TABLE_NAME_PREFIX: 'has-dash', MAX_BODY_BYTES: 'lots', AUTH_JWKS_URL: '' } });
    const error = await started.then(
      async (host) => {
        await host.stop();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const output = (error as Error).message;
    expect(output).toMatch(/host exited/);
    expect(output).toContain('The function host could not start');
    expect(output).toContain('TABLE_NAME_PREFIX');
    expect(output).toContain('MAX_BODY_BYTES');
    // AUTH_ISSUER and AUTH_AUDIENCE stay set while the key URL is missing: reported in the same error.
    expect(output).toContain('AUTH_JWKS_URL');
  });
});
