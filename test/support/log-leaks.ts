/**
 * The logs suite (issue 12): everything an e2e host prints is scanned when it stops. No token, key,
 * email address or phone number may appear in clear; the redactor's masks (`***@domain`, `+***12`,
 * `[redacted]`, `[token]`) are what is allowed instead.
 */

/** Secrets the tests saw in answers (manage and feed tokens): none may ever be printed. */
const knownSecrets = new Set<string>();

export function rememberSecret(secret: string): void {
  if (secret.length >= 16) knownSecrets.add(secret);
}

const leakPatterns: Array<[string, RegExp]> = [
  ['JWT', /\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/g],
  ['bearer credential', /\b(Bearer|HMAC-SHA256)\s+(?!\[redacted\])[^\s"',]{8,}/gi],
  ['account key', /\b(AccountKey|SharedAccessKey|accesskey|Signature)=(?!\[redacted\])[^;&\s"]{4,}/gi],
  ['token in a URL', /[?&](token|feedToken|sig)=(?!\[redacted\])[^&\s"]{8,}/gi],
  ['email address', /(?<![*\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g],
  ['phone number', /(?<![\w*])\+\d{8,15}\b/g],
];

/** Every leak in `text`, as `<kind>: <excerpt>` (the excerpt is masked, so a report does not leak again). */
export function findLeaks(text: string): string[] {
  const leaks: string[] = [];
  for (const [kind, pattern] of leakPatterns) {
    for (const match of text.matchAll(pattern)) leaks.push(`${kind}: ${mask(match[0])} (at ${match.index})`);
  }
  for (const secret of knownSecrets) {
    const at = text.indexOf(secret);
    if (at >= 0) leaks.push(`known secret: ${mask(secret)} (at ${at})`);
  }
  return leaks;
}

function mask(value: string): string {
  return value.length <= 6 ? '***' : `${value.slice(0, 3)}***${value.slice(-2)}`;
}

/** Throws naming each leak; used by the e2e hosts when they stop. */
export function assertNoLeaks(output: string, source: string): void {
  const leaks = findLeaks(output);
  if (leaks.length > 0) throw new Error(`${source} printed secrets or personal data in clear:\n${leaks.slice(0, 20).join('\n')}`);
}
