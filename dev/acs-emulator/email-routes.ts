import { randomUUID } from 'node:crypto';
import { badRequest, header, isString, jsonBody, notFound } from './http';
import type { Route } from './route';
import type { EmailRecord } from './state';

// @azure/communication-email 1.1.0
export const EMAIL_API_VERSION = '2025-09-01';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
      const location = `${context.origin}/emails/operations/${operationId}?api-version=${EMAIL_API_VERSION}`;
      const answer = { status: 202, body: { id: operationId, status: 'Running' }, headers: { 'operation-location': location } };
      // A repeated Operation-Id is the same operation: answered again, sent once.
      if (context.state.emails.has(operationId)) return answer;

      const body = jsonBody(context.request);
      if (!isString(body.senderAddress) || !EMAIL.test(body.senderAddress)) {
        throw badRequest('BadRequest', 'senderAddress is not a valid email address.', 'senderAddress');
      }
      const content = (body.content ?? {}) as { subject?: unknown; plainText?: unknown; html?: unknown };
      if (!isString(content.subject) || content.subject.length === 0) throw badRequest('BadRequest', 'content.subject is required.', 'content.subject');
      if (!isString(content.plainText) && !isString(content.html)) {
        throw badRequest('BadRequest', 'content needs plainText or html.', 'content');
      }
      const recipients = (body.recipients ?? {}) as { to?: unknown; cc?: unknown; bcc?: unknown };
      const to = addresses(recipients.to, 'recipients.to');
      const cc = addresses(recipients.cc, 'recipients.cc');
      const bcc = addresses(recipients.bcc, 'recipients.bcc');
      if (to.length + cc.length + bcc.length === 0) throw badRequest('BadRequest', 'At least one recipient is required.', 'recipients');
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
            return { name: attachment.name, contentType: attachment.contentType, bytes: Buffer.from(attachment.contentInBase64, 'base64').length };
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
      const record = context.state.emails.get(context.params[0]!);
      if (!record) throw notFound('The operation does not exist.');
      return { status: 200, body: { id: record.operationId, status: 'Succeeded' } };
    },
  },
];
