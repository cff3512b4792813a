import { createAcsAdapters } from '../../../shared/adapters/acs/acs-adapters';
import { TableServiceIdentityStore } from '../../../shared/adapters/tables/service-identity-store';
import { TableClients } from '../../../shared/adapters/tables/table-clients';
import { guidFromKey } from '../../../shared/adapters/acs/client-options';
import { decodeSmsTag, encodeSmsTag, labelFromHeaders, labelHeaders } from '../../../shared/adapters/acs/message-label';
import { InvalidSettingsError, parseSettings } from '../../../shared/config/settings';

const base = { TABLE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };

function problems(env: Record<string, string>): string {
  try {
    parseSettings({ ...base, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidSettingsError);
    return (error as Error).message;
  }
  throw new Error('settings were accepted');
}

describe('ACS settings', () => {
  it('rejects malformed ACS settings, naming each', () => {
    const message = problems({
      ACS_CONNECTION_STRING: 'endpoint=https://x.example/',
      ACS_SMS_FROM: '0800 555',
      ACS_EMAIL_SENDER: 'nobody',
    });
    expect(message).toContain('ACS_CONNECTION_STRING');
    expect(message).toContain('ACS_SMS_FROM');
    expect(message).toContain('ACS_EMAIL_SENDER');
  });

  it('builds nothing ACS until an adapter is used, then names the missing setting', () => {
    const chatIdentities = new TableServiceIdentityStore(new TableClients(parseSettings(base)));
    const acs = createAcsAdapters(parseSettings(base), chatIdentities);
    expect(() => acs.rooms).toThrow(/ACS_CONNECTION_STRING/);
    const configured = createAcsAdapters(
      parseSettings({ ...base, ACS_CONNECTION_STRING: 'endpoint=https://127.0.0.1:1/;accesskey=a2V5' }),
      chatIdentities,
    );
    expect(() => configured.sms).toThrow(/ACS_SMS_FROM/);
    expect(() => configured.email).toThrow(/ACS_EMAIL_SENDER/);
    expect(configured.rooms).toBe(configured.rooms);
  });
});

describe('message labels and idempotency ids', () => {
  it('round-trips kind and appointment id through the SMS tag and email headers', () => {
    const label = { kind: 'reminder' as const, appointmentId: 'apt_1-x' };
    expect(decodeSmsTag(encodeSmsTag(label))).toEqual(label);
    expect(labelFromHeaders(labelHeaders(label))).toEqual(label);
    expect(labelFromHeaders({ 'x-message-kind': 'unknown-kind', 'x-appointment-id': 'a' })).toEqual({ kind: 'other', appointmentId: 'a' });
    expect(decodeSmsTag('free text')).toEqual({});
  });

  it('derives a stable GUID per key', () => {
    expect(guidFromKey('confirmation:apt-1')).toBe(guidFromKey('confirmation:apt-1'));
    expect(guidFromKey('confirmation:apt-1')).not.toBe(guidFromKey('confirmation:apt-2'));
    expect(guidFromKey('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
