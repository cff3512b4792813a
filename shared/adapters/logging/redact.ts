/**
 * Log hygiene: consumers' contact data and secrets never reach the logs in clear.
 * Applied to every structured log record, so a careless call site cannot leak them.
 */
const patterns: Array<[RegExp, (match: string) => string]> = [
  // JWTs (three base64url parts) and bearer credentials.
  [/\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, () => '[token]'],
  [/\b(Bearer|HMAC-SHA256)\s+\S+/gi, (m) => `${m.split(/\s/)[0]} [redacted]`],
  // Connection-string style secrets.
  [/(AccountKey|SharedAccessKey|accesskey|Signature)=([^;&\s"]+)/gi, (m) => `${m.split('=')[0]}=[redacted]`],
  [/([?&](token|feedToken|sig)=)[^&\s"]+/gi, (m) => `${m.split('=')[0]}=[redacted]`],
  // E-mail addresses: keep the domain for diagnosis.
  [/[A-Za-z0-9._%+-]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g, (m) => `***@${m.split('@')[1] ?? ''}`],
  // Phone numbers in E.164 or loose international form: keep the last two digits.
  [/\+\d[\d\s().-]{6,}\d/g, (m) => `+***${m.replace(/\D/g, '').slice(-2)}`],
];

export function redactText(text: string): string {
  return patterns.reduce((acc, [pattern, replace]) => acc.replace(pattern, replace), text);
}

const secretKeys = /token|secret|password|key|authorization|email|phone|connectionstring/i;

/** Deep copy of a value with secret-looking fields masked and free text scrubbed. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message) };
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [
        key,
        secretKeys.test(key) && item !== undefined && item !== null ? '[redacted]' : redact(item, depth + 1),
      ]),
    );
  }
  return value;
}
