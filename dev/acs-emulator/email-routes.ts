import { randomUUID } from 'node:crypto';
import { badRequest, header, isString, jsonBody, notFound, ServiceError } from './http';
import type { Route } from './route';
import type { EmailProfile, EmailRecord, EmulatorState } from './state';

// @azure/communication-email 1.1.0
export const EMAIL_API_VERSION = '2025-09-01';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** ACS service limits for email (docs: "Service limits for Azure Communication Services", Email). */
export const EMAIL_QUOTAS: Record<EmailProfile, Record<'send' | 'poll', Array<{ windowMs: number; limit: number }>>> = {
  'azure-managed': {
    send: [
      { windowMs: MINUTE, limit: 5 },
      { windowMs: HOUR, limit: 10 },
    ],
    poll: [
      { windowMs: MINUTE, limit: 10 },
      { windowMs: HOUR, limit: 20 },
    ],
  },
  'custom-domain': {
    send: [
      { windowMs: MINUTE, limit: 30 },
      { windowMs: HOUR, limit: 100 },
    ],
    poll: [
      { windowMs: MINUTE, limit: 60 },
      { windowMs: HOUR, limit: 200 },
    ],
  },
  // Raised on request for a custom domain; the figures are the emulator's (Azure agrees them per case).
  raised: {
    send: [
      { windowMs: MINUTE, limit: 1_000 },
      { windowMs: HOUR, limit: 20_000 },
    ],
    poll: [
      { windowMs: MINUTE, limit: 2_000 },
      { windowMs: HOUR, limit: 40_000 },
    ],
  },
};

/** Size of the whole message including attachments (after base64), and recipients per message. */
export const MAX_EMAIL_BYTES = 10 * 1024 * 1024;
export const MAX_EMAIL_RECIPIENTS = 50;
/** Attachment types ACS Email accepts, by file extension (docs: "Email attachment file types"). */
const ATTACHMENT_EXTENSIONS = new Set(
  (
    '3gp 3g2 7z aac avi bmp csv doc docm docx eot epub gif gz ico ics jpeg jpg json mid midi m4a mp3 mp4 mpeg oga ogg ogv one opus otf pdf png ' +
    'ppsm ppsx ppt pptm pptx pub rar rpmsg rtf svg tar tif tiff ttf txt vsd wav weba webm webp wma wmv woff xls xlsb xlsm xlsx zip'
  ).split(' '),
);

/**
 * Counts one request against the resource's email quota (sliding windows on the emulator's clock);
 * over it, the service's 429 with Retry-After (seconds until the oldest counted request leaves the window).
 */
function takeQuota(state: EmulatorState, kind: 'send' | 'poll'): void {
  const now = state.now();
  const times = state.emailRequests[kind];
  const longest = Math.max(...EMAIL_QUOTAS[state.resource.emailProfile][kind].map((q) => q.windowMs));
  while (times.length > 0 && times[0]! <= now - longest) times.shift();
  for (const quota of EMAIL_QUOTAS[state.resource.emailProfile][kind]) {
    const inWindow = times.filter((t) => t > now - quota.windowMs);
    if (inWindow.length >= quota.limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((inWindow[0]! + quota.windowMs - now) / 1000));
      throw new ServiceError(
        429,
        'TooManyRequests',
        `Email ${kind === 'send' ? 'send' : 'status'} requests exceed ${quota.limit} per ${quota.windowMs / MINUTE} minute(s) for this resource (${state.resource.emailProfile} domain).`,
        undefined,
        { 'retry-after': String(retryAfterSeconds) },
      );
    }
  }
  times.push(now);
}

function addresses(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest('BadRequest', `${field} must be an array.`, field);
  return value.map((entry: { address?: unknown }, index) => {
    if (!isString(entry?.address) || !EMAIL.test(entry.address)) {
      throw badRequest('BadRequest', `${field}[${index}].address is not a valid email address.`, `${field}[${index}].address`);
    }
    return entry.address;
  });
}

export const emailRoutes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/emails:send$/,
    apiVersion: EMAIL_API_VERSION,
    auth: 'service',
    handle(context) {
      const operationHeader = header(context.request, 'operation-id');
      if (operationHeader !== undefined && !GUID.test(operationHeader)) {
        throw badRequest('BadRequest', 'Operation-Id must be a GUID.', 'Operation-Id');
      }
      const operationId = operationHeader ?? randomUUID();
      takeQuota(context.state, 'send');
      const location = `${context.origin}/emails/operations/${operationId}?api-version=${EMAIL_API_VERSION}`;
      const answer = {
        status: 202,
        body: { id: operationId, status: 'Running' },
        headers: { 'operation-location': location, 'retry-after': '1' },
      };
      // A repeated Operation-Id is the same operation: answered again, sent once.
      if (context.state.emails.has(operationId)) return answer;

      if (Buffer.byteLength(context.request.rawBody) > MAX_EMAIL_BYTES) {
        throw new ServiceError(
          413,
          'RequestEntityTooLarge',
          `The email, attachments included, exceeds ${MAX_EMAIL_BYTES / 1024 / 1024} MB.`,
        );
      }
      const body = jsonBody(context.request);
      if (!isString(body.senderAddress) || !EMAIL.test(body.senderAddress)) {
        throw badRequest('BadRequest', 'senderAddress is not a valid email address.', 'senderAddress');
      }
      const senderDomain = body.senderAddress.split('@')[1]!.toLowerCase();
      if (!context.state.resource.emailDomains.some((domain) => domain.toLowerCase() === senderDomain)) {
        throw new ServiceError(404, 'DomainNotLinked', 'The specified sender domain has not been linked.', 'senderAddress');
      }
      const content = (body.content ?? {}) as { subject?: unknown; plainText?: unknown; html?: unknown };
      if (!isString(content.subject) || content.subject.length === 0)
        throw badRequest('BadRequest', 'content.subject is required.', 'content.subject');
      if (!isString(content.plainText) && !isString(content.html)) {
        throw badRequest('BadRequest', 'content needs plainText or html.', 'content');
      }
      const recipients = (body.recipients ?? {}) as { to?: unknown; cc?: unknown; bcc?: unknown };
      const to = addresses(recipients.to, 'recipients.to');
      const cc = addresses(recipients.cc, 'recipients.cc');
      const bcc = addresses(recipients.bcc, 'recipients.bcc');
      if (to.length + cc.length + bcc.length === 0) throw badRequest('BadRequest', 'At least one recipient is required.', 'recipients');
      if (to.length + cc.length + bcc.length > MAX_EMAIL_RECIPIENTS) {
        throw badRequest('BadRequest', `An email may have at most ${MAX_EMAIL_RECIPIENTS} recipients across to, cc and bcc.`, 'recipients');
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries((body.headers ?? {}) as Record<string, unknown>)) {
        if (!isString(value)) throw badRequest('BadRequest', `Header ${name} must be a string.`, 'headers');
        headers[name] = value;
      }
      const attachments = Array.isArray(body.attachments)
        ? body.attachments.map((attachment: { name?: unknown; contentType?: unknown; contentInBase64?: unknown }, index) => {
            if (!isString(attachment.name) || !isString(attachment.contentType) || !isString(attachment.contentInBase64)) {
              throw badRequest('BadRequest', `attachments[${index}] needs name, contentType and contentInBase64.`, `attachments[${index}]`);
            }
            const extension = /\.([^.]+)$/.exec(attachment.name)?.[1]?.toLowerCase();
            if (!extension || !ATTACHMENT_EXTENSIONS.has(extension)) {
              throw badRequest(
                'InvalidAttachmentType',
                `attachments[${index}]: the file type of '${attachment.name}' is not supported.`,
                `attachments[${index}].name`,
              );
            }
            return {
              name: attachment.name,
              contentType: attachment.contentType,
              bytes: Buffer.from(attachment.contentInBase64, 'base64').length,
            };
          })
        : [];
      const record: EmailRecord = {
        operationId,
        senderAddress: body.senderAddress,
        to,
        cc,
        bcc,
        subject: content.subject,
        plainText: isString(content.plainText) ? content.plainText : undefined,
        html: isString(content.html) ? content.html : undefined,
        headers,
        attachments,
        sentAt: context.state.now(),
        runningPolls: context.state.resource.emailRunningPolls,
        outcome: failureFor(context.state, operationId) ?? { status: 'Succeeded' },
      };
      context.state.emails.set(operationId, record);
      return answer;
    },
  },
  {
    method: 'GET',
    pattern: /^\/emails\/operations\/([^/]+)$/,
    apiVersion: EMAIL_API_VERSION,
    auth: 'service',
    handle(context) {
      takeQuota(context.state, 'poll');
      const record = context.state.emails.get(context.params[0]!);
      if (!record) throw notFound('The operation does not exist.');
      // The service reports Running (with retry-after) for a while before the send ends.
      if (record.runningPolls > 0) {
        record.runningPolls -= 1;
        return { status: 200, body: { id: record.operationId, status: 'Running' }, headers: { 'retry-after': '1' } };
      }
      const { outcome } = record;
      return {
        status: 200,
        body: {
          id: record.operationId,
          status: outcome.status,
          ...(outcome.status === 'Failed' ? { error: { code: outcome.code, message: outcome.message } } : {}),
        },
      };
    },
  },
];

/** An injected failure for this operation (by id, or the next send's), taken once. */
function failureFor(state: EmulatorState, operationId: string): EmailRecord['outcome'] | undefined {
  const failure = state.failingEmails.get(operationId) ?? state.failNextEmails.shift();
  state.failingEmails.delete(operationId);
  return failure ? { status: 'Failed', ...failure } : undefined;
}
