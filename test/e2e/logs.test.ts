/**
 * The logs suite (issue 12). Every e2e host's whole output is scanned when it stops (test/support/
 * host-process.ts): no token, key, email address or phone number in clear. This file drives the paths
 * most likely to leak (phone verification, booking with contact data, bad and good tokens in headers
 * and URLs, validation errors echoing input, the calendar feed) at debug level, and checks the scanner.
 */
import { findLeaks } from '../support/log-leaks';
import { configureClinic, localTime, startAppStack, verifyPhone, type AppStack } from '../support/app-stack';

describe('log output of the app', () => {
  let stack: AppStack;

  beforeAll(async () => {
    stack = await startAppStack({ env: { LOG_LEVEL: 'debug' } });
  });

  afterAll(async () => {
    await stack?.stop(); // throws if anything leaked (the check every e2e host gets)
  });

  it('prints no token, key, email address or phone number while the riskiest paths run', async () => {
    const { managerToken, providerTokens } = await configureClinic(stack, {
      businessId: 'logclinic',
      providers: ['amy'],
      service: { minimumNoticeMinutes: 0 },
    });
    const phone = `+1415${String(200 + (process.pid % 800))}9999`; // the toll-free sender reaches US numbers only
    const email = `logs-${process.pid}@example.com`;
    const phoneVerification = await verifyPhone(stack, 'logclinic', phone);
    const start = await localTime(stack, 'Europe/Berlin', 3, '10:00');
    const booked = await stack.call<{ manageToken: string; appointment: { id: string } }>('POST', '/businesses/logclinic/appointments', {
      body: {
        serviceId: 'consult',
        start,
        consumer: { name: 'Jane Logs', email, phone, smsConsent: true, phoneVerification },
        notes: `call me at ${phone} or ${email}`,
      },
    });
    expect(booked.status).toBe(201);
    const { id } = booked.body.appointment;
    // Good and bad credentials, in headers and in URLs.
    expect((await stack.call('GET', `/appointments/${id}?token=${encodeURIComponent(booked.body.manageToken)}`)).status).toBe(200);
    expect((await stack.call('GET', `/appointments/${id}?token=not-the-token-but-long-enough`)).status).toBe(401);
    expect((await stack.call('GET', `/appointments/${id}`, { headers: { Authorization: `Bearer ${managerToken}x` } })).status).toBe(401);
    expect((await stack.call('GET', `/appointments/${id}`, { token: providerTokens.amy })).status).toBe(200);
    // Validation errors about contact data.
    const invalid = await stack.call('POST', '/businesses/logclinic/appointments', {
      body: { serviceId: 'consult', start, consumer: { name: 'X', email: `bad@@${email}`, phone: '+999123' } },
    });
    expect(invalid.status).toBe(400);
    expect((await stack.call('POST', '/businesses/logclinic/phone-verifications', { body: { phone: 'not-a-phone' } })).status).toBe(400);
    // The calendar feed and its token.
    const feed = await stack.call<{ feedToken: string }>('POST', '/businesses/logclinic/providers/amy/calendar-feed-token', {
      token: providerTokens.amy,
    });
    expect(feed.status).toBe(200);
    expect((await stack.call('GET', `/businesses/logclinic/providers/amy/calendar.ics?feedToken=${feed.body.feedToken}`)).status).toBe(200);
    // The lifecycle's notices run after the answer: wait until they logged.
    for (let waited = 0; waited < 10_000 && !stack.host.output().includes('"moment":"confirmation","channel":"sms"'); waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const output = stack.host.output();
    expect(output).toContain('"moment":"confirmation","channel":"sms"'); // the scan saw the notification path
    expect(output).toContain('"function":"requestPhoneVerification"');
    expect(findLeaks(output)).toEqual([]);
  });
});

describe('the leak scanner', () => {
  it('finds each kind of secret in clear and accepts the redactor masks', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJhYmMiLCJyb2xlcyI6W119.c2lnbmF0dXJl';
    expect(findLeaks(`{"authorization":"Bearer ${jwt}"}`).length).toBeGreaterThan(0);
    expect(findLeaks('AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsu')).toHaveLength(1);
    expect(findLeaks('GET /api/appointments/a?token=abcdefghijklmnop')).toHaveLength(1);
    expect(findLeaks('{"to":"jane.doe@example.com"}')).toHaveLength(1);
    expect(findLeaks('{"to":"+4915112345678"}')).toHaveLength(1);
    expect(
      findLeaks(
        '{"to":"***@example.com","phone":"+***78","token":"[redacted]","auth":"Bearer [redacted]","url":"?token=[redacted]","key":"AccountKey=[redacted]"}',
      ),
    ).toEqual([]);
  });
});
