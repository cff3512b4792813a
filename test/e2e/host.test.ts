/**
 * The local function host as a child process, serving the fixture app (test/fixtures/host-app):
 * what an HTTP client and a timer see must match the Functions runtime.
 */
import path from 'node:path';
import { startHostProcess, type HostProcess } from '../support/host-process';
import { chunksOf, sendRaw, type RawAnswer } from '../support/raw-http';

const FIXTURE_APP = path.resolve(__dirname, '..', 'fixtures', 'host-app');

interface Echo {
  method: string;
  params: Record<string, string>;
  query: Record<string, string>;
  contentType: string;
  body: unknown;
}

const echo = async (response: Response) => (await response.json()) as Echo;

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
}

function expectRawProblem(answer: RawAnswer, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(JSON.parse(answer.text)).toMatchObject({ status, type: expect.stringContaining(code) });
}

async function expectProblem(response: Response, status: number, code: string): Promise<Problem> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await response.json()) as Problem;
  expect(body).toMatchObject({ type: `https://errors.virtual-appointments.dev/${code}`, status });
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  return body;
}

describe('local function host (virtual clock)', () => {
  let host: HostProcess;
  let api: string;

  beforeAll(async () => {
    host = await startHostProcess({ appDir: FIXTURE_APP, clockMode: 'virtual' });
    api = host.baseUrl;
  });

  afterAll(async () => {
    await host?.stop();
  });

  describe('HTTP triggers', () => {
    it('passes route parameters, leaving an absent optional one out', async () => {
      const response = await fetch(`${api}/echo/7`);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-echo')).toBe('yes');
      const body = await echo(response);
      expect(body).toMatchObject({ method: 'GET', params: { id: '7' } });
      expect(body.params).not.toHaveProperty('rest');
    });

    it('passes the optional parameter, decoded, when present', async () => {
      const body = await echo(await fetch(`${api}/echo/7/hello%20world`));
      expect(body.params).toEqual({ id: '7', rest: 'hello world' });
    });

    it('passes query strings, joining repeated keys with commas as the Functions host does', async () => {
      const body = await echo(await fetch(`${api}/echo/1?q=caf%C3%A9&tag=a&tag=b`));
      expect(body.query).toEqual({ q: 'café', tag: 'a,b' });
    });

    it('delivers JSON bodies', async () => {
      const response = await fetch(`${api}/echo/1`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Ada', n: [1, 2] }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ method: 'POST', contentType: 'application/json', body: { name: 'Ada', n: [1, 2] } });
    });

    it('delivers non-JSON bodies untouched, text and binary', async () => {
      const text = await (
        await fetch(`${api}/echo/1`, { method: 'PUT', headers: { 'Content-Type': 'text/plain' }, body: 'line one\nline two' })
      ).json();
      expect(text).toMatchObject({ method: 'PUT', contentType: 'text/plain', body: 'line one\nline two' });

      const bytes = Buffer.from([0, 1, 2, 250, 255]);
      const response = await fetch(`${api}/binary`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream' },
        body: bytes,
      });
      expect(response.headers.get('content-type')).toBe('application/octet-stream');
      expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([255, 250, 2, 1, 0]));
    });

    it('applies the int constraint: numbers reach the function, anything else is an unknown route', async () => {
      const ok = await fetch(`${api}/status/201`);
      expect(ok.status).toBe(201);
      expect(await ok.text()).toBe('plain');
      await expectProblem(await fetch(`${api}/status/abc`), 404, 'not-found');
    });

    it('prefers literal segments, then constrained parameters, then plain ones, whatever the registration order', async () => {
      expect(await (await fetch(`${api}/items/new`)).json()).toEqual({ route: 'literal' });
      expect(await (await fetch(`${api}/items/42`)).json()).toEqual({ route: 'int', id: '42' });
      expect(await (await fetch(`${api}/items/abc`)).json()).toEqual({ route: 'name', name: 'abc' });
    });

    it('answers unknown routes, wrong methods and paths outside the route prefix with a 404 problem', async () => {
      await expectProblem(await fetch(`${api}/no/such/thing`), 404, 'not-found');
      await expectProblem(await fetch(`${api}/explode`, { method: 'POST' }), 404, 'not-found');
      await expectProblem(await fetch(api.replace(/\/api$/, '/elsewhere')), 404, 'not-found');
    });

    it('turns a throwing handler into a 500 problem without the error message or stack', async () => {
      const response = await fetch(`${api}/explode`);
      const raw = await response.clone().text();
      await expectProblem(response, 500, 'internal');
      expect(raw).not.toMatch(/kaboom|secret|\.js:\d|\n\s+at /);
    });

    it('writes cookies and the no-content answer of a function that returns nothing', async () => {
      const cookie = await fetch(`${api}/cookie`);
      expect(cookie.headers.getSetCookie()).toEqual(['session=abc; Path=/; HttpOnly; SameSite=Strict']);
      const nothing = await fetch(`${api}/nothing`, { method: 'DELETE' });
      expect(nothing.status).toBe(204);
    });

    // node:http rather than fetch: the host answers 413 at its limit and closes the connection while
    // the client is still sending, and only a client that reads early answers sees the 413.
    it('refuses a body above the host cap with 413 before invoking anything', async () => {
      const answer = await sendRaw(`${api}/echo/1`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain', 'Content-Length': String(5 * 1024 * 1024) },
        chunks: chunksOf(5 * 1024 * 1024, 64 * 1024, 0x78),
      });
      expectRawProblem(answer, 413, 'payload-too-large');
    });

    it('refuses a streamed body without a length once it passes the host cap, and stops reading there', async () => {
      const answer = await sendRaw(`${api}/echo/1`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        chunks: chunksOf(64 * 1024 * 1024, 64 * 1024, 0x61),
        untilRefused: true,
      });
      expectRawProblem(answer, 413, 'payload-too-large');
      // What got in beyond the cap is socket buffering (a few MiB), not a read of all 64 MiB.
      expect(answer.sent).toBeLessThan(16 * 1024 * 1024);
    });

    it('logs one JSON line per invocation without query strings or headers', async () => {
      const response = await fetch(`${api}/echo/logcheck?token=super-secret-value`, {
        headers: { Authorization: 'Bearer header-secret-value' },
      });
      expect(response.status).toBe(200);
      const lines = host
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const invocations = lines.filter((line) => line.event === 'invocation' && line.function === 'echo');
      expect(invocations.length).toBeGreaterThan(0);
      expect(invocations.at(-1)).toMatchObject({
        trigger: 'httpTrigger',
        outcome: 'succeeded',
        status: 200,
        durationMs: expect.any(Number),
        invocationId: expect.any(String),
      });
      const failed = lines.find((line) => line.event === 'invocation' && line.function === 'explode');
      expect(failed).toMatchObject({ outcome: 'failed', status: 500 });
      expect(host.output()).not.toMatch(/super-secret-value|header-secret-value/);
    });
  });

  describe('timers and the virtual clock', () => {
    type Runs = Record<'everyHour' | 'flakyDaily' | 'onStartup', Array<Record<string, unknown>>>;
    const runs = async (): Promise<Runs> => (await fetch(`${api}/timer-runs`)).json() as Promise<Runs>;
    const clock = async (): Promise<{ now: string; mode: string }> =>
      (await fetch(`${api}/dev/clock`)).json() as Promise<{ now: string; mode: string }>;
    const advance = async (minutes: number) => {
      const response = await fetch(`${api}/dev/clock/advance`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ minutes }),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { now: string; mode: string };
    };

    it('ran the runOnStartup timer once before serving', async () => {
      expect((await runs()).onStartup).toEqual([{ isPastDue: false }]);
    });

    it('reports a virtual clock that stands still and moves only when advanced', async () => {
      const first = await clock();
      expect(first.mode).toBe('virtual');
      expect(await clock()).toEqual(first);
      const moved = await advance(1.5);
      expect(Date.parse(moved.now) - Date.parse(first.now)).toBe(90_000);
      expect(await clock()).toEqual(moved);
    });

    it('fires the hourly timer when the clock passes the hour, not before, and once with isPastDue after missed hours', async () => {
      const before = (await runs()).everyHour.length;
      const hourly = async () => (await runs()).everyHour.slice(before);
      const start = Date.parse((await clock()).now);
      const nextHour = Math.ceil((start + 1) / 3_600_000) * 3_600_000;
      const onTime = (hour: number) => ({ isPastDue: false, next: new Date(hour).toISOString() });

      // Step to one minute past the coming hour: exactly one on-time run.
      await advance((nextHour - start) / 60_000 + 1);
      expect(await hourly()).toEqual([onTime(nextHour)]);

      await advance(58);
      expect(await hourly()).toEqual([onTime(nextHour)]);

      await advance(1);
      expect(await hourly()).toEqual([onTime(nextHour), onTime(nextHour + 3_600_000)]);

      // Three hours pass in one step: one run, flagged past due, as the runtime does after downtime.
      await advance(180);
      expect(await hourly()).toEqual([
        onTime(nextHour),
        onTime(nextHour + 3_600_000),
        { isPastDue: true, next: new Date(nextHour + 2 * 3_600_000).toISOString() },
      ]);
    });

    it('retries a failing timer per its retry options before the advance answers', async () => {
      const before = (await runs()).flakyDaily.length;
      const now = Date.parse((await clock()).now);
      const day = new Date(now);
      let due = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 3, 30);
      if (due <= now) due += 24 * 3_600_000;
      await advance((due - now) / 60_000 + 1);
      expect((await runs()).flakyDaily.slice(before)).toEqual([
        { attempt: 0, maxRetryCount: 2 },
        { attempt: 1, maxRetryCount: 2 },
        { attempt: 2, maxRetryCount: 2 },
      ]);
    });

    it('answers bad advance requests with 400 problems', async () => {
      const post = (body: string) =>
        fetch(`${api}/dev/clock/advance`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      await expectProblem(await post(JSON.stringify({ minutes: -5 })), 400, 'validation');
      await expectProblem(await post(JSON.stringify({ minutes: 'ten' })), 400, 'validation');
      await expectProblem(await post(JSON.stringify({})), 400, 'validation');
      await expectProblem(await post('{not json'), 400, 'validation');
    });
  });
});

describe('local function host (real clock)', () => {
  let host: HostProcess;

  beforeAll(async () => {
    host = await startHostProcess({ appDir: FIXTURE_APP, clockMode: 'real' });
  });

  afterAll(async () => {
    await host?.stop();
  });

  it('reports real time and refuses to advance with 409', async () => {
    const before = Date.now();
    const state = (await (await fetch(`${host.baseUrl}/dev/clock`)).json()) as { now: string; mode: string };
    expect(state.mode).toBe('real');
    expect(Date.parse(state.now)).toBeGreaterThanOrEqual(before);
    const response = await fetch(`${host.baseUrl}/dev/clock/advance`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ minutes: 10 }),
    });
    await expectProblem(response, 409, 'conflict');
  });

  it('stops gracefully on SIGTERM', async () => {
    await host.stop();
    await expect(fetch(`${host.baseUrl}/dev/clock`)).rejects.toThrow();
  });
});
