import { redact, redactText } from '../../shared/adapters/logging/redact';

describe('log redaction', () => {
  it('masks e-mail addresses, phone numbers and tokens in free text', () => {
    const text = redactText('sent to jane.doe@example.com and +1 (206) 555-0100 with eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc');
    expect(text).not.toContain('jane.doe');
    expect(text).not.toContain('555-0100');
    expect(text).not.toContain('eyJhbGci');
    expect(text).toContain('@example.com');
  });

  it('masks secret-looking fields and connection-string keys', () => {
    const out = redact({
      manageToken: 'abc',
      consumer: { email: 'x@y.z', name: 'Jane' },
      conn: 'AccountName=a;AccountKey=SECRET==;',
    }) as Record<string, unknown>;
    expect(out.manageToken).toBe('[redacted]');
    expect((out.consumer as Record<string, unknown>).email).toBe('[redacted]');
    expect((out.consumer as Record<string, unknown>).name).toBe('Jane');
    expect(out.conn).not.toContain('SECRET');
  });
});
