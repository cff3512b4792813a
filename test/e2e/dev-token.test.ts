/**
 * `npm run dev:token` against a running stack on a virtual clock: docs/api.md promises "a JWT the local stack
 * accepts", also after POST /api/dev/clock/advance moved the clock past a token's lifetime.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { mintDevToken } from '../../dev/auth/dev-issuer';
import { startAppStack, type AppStack } from '../support/app-stack';
import { uniqueTablePrefix } from '../support/env';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '..', '..');

describe('dev:token and the virtual clock', () => {
  let stack: AppStack;
  const prefix = uniqueTablePrefix();

  beforeAll(async () => {
    stack = await startAppStack({ clockMode: 'virtual', env: { TABLE_NAME_PREFIX: prefix } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('mints at the running stack’s time: a token made after advancing 3 days is accepted (one at system time is not)', async () => {
    await stack.advance(3 * 24 * 60);
    const { stdout } = await run(
      process.execPath,
      [path.join(REPO, 'dist/dev/auth/dev-token.js'), '--oid', 'admin-cli', '--role', 'Scheduling.Admin', '--api', stack.baseUrl],
      { cwd: REPO },
    );
    const token = stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const body = { name: 'Token clinic', timeZone: 'Europe/Berlin', managers: ['m1'] };
    expect((await stack.call('PUT', '/businesses/tokenclinic', { token, body })).status).toBe(201);

    // What dev:token did before: the system time, whose 8 hours ended days ago on the stack's clock.
    const stale = await mintDevToken({ oid: 'admin-cli', roles: ['Scheduling.Admin'] });
    expect((await stack.call('PUT', '/businesses/tokenclinic2', { token: stale, body })).status).toBe(401);
  });

  it('says on start-up at which instant a persisted virtual clock resumed, and how to start afresh', async () => {
    const instant = await stack.now();
    await stack.stop();
    stack = await startAppStack({ clockMode: 'virtual', env: { TABLE_NAME_PREFIX: prefix } });
    expect(await stack.now()).toBe(instant);
    expect(stack.host.output()).toContain(`virtual clock resumed at ${new Date(instant).toISOString()}`);
    expect(stack.host.output()).toContain('npm run dev:reset');
  });

  it('falls back to the system time when no stack answers', async () => {
    const { stdout } = await run(
      process.execPath,
      [path.join(REPO, 'dist/dev/auth/dev-token.js'), '--oid', 'someone', '--api', 'http://127.0.0.1:9/api'],
      { cwd: REPO },
    );
    const payload = JSON.parse(Buffer.from(stdout.trim().split('.')[1]!, 'base64url').toString()) as { iat: number };
    expect(Math.abs(payload.iat * 1000 - Date.now())).toBeLessThan(60_000);
  });
});
