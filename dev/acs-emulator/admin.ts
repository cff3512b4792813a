import type { Faults, FaultSpec } from './faults';
import { badRequest, jsonBody, notFound, type EmulatorRequest, type EmulatorResponse } from './http';
import { sentMessages, views } from './inspection';
import { receiveSms } from './sms-routes';
import { DEFAULT_RESOURCE_SETTINGS, type EmulatorState, type ResourceSettings } from './state';

/**
 * The emulator's own control API (plain HTTP on loopback, no auth): inspect what was sent, reset,
 * inject faults, move the emulator's clock. Documented in docs/acs-emulator.md.
 */
export function handleAdmin(request: EmulatorRequest, state: EmulatorState, faults: Faults): EmulatorResponse {
  const route = `${request.method} ${request.url.pathname.replace(/\/$/, '')}`;
  switch (route) {
    case 'GET /health':
      return { status: 200, body: { status: 'ok' } };
    case 'GET /admin/state':
      return {
        status: 200,
        body: {
          identities: views.identities(state),
          rooms: views.rooms(state),
          sms: views.sms(state),
          emails: views.emails(state),
          chatThreads: views.chatThreads(state),
        },
      };
    case 'GET /admin/identities':
      return { status: 200, body: { identities: views.identities(state) } };
    case 'GET /admin/rooms':
      return { status: 200, body: { rooms: views.rooms(state) } };
    case 'GET /admin/sms':
      return { status: 200, body: { sms: views.sms(state) } };
    case 'GET /admin/emails':
      return { status: 200, body: { emails: views.emails(state) } };
    case 'GET /admin/chat/threads':
      return { status: 200, body: { chatThreads: views.chatThreads(state) } };
    case 'GET /admin/messages':
      return { status: 200, body: { messages: sentMessages(state, request.url.searchParams.get('to') ?? undefined) } };
    case 'POST /admin/sms/inbound': {
      // A phone texts the resource (e.g. STOP): recorded as SMSReceived, and opt-out keywords take effect.
      const { from, to, message } = jsonBody(request);
      if (typeof from !== 'string' || typeof to !== 'string' || typeof message !== 'string')
        throw badRequest('BadRequest', 'from, to and message are required strings.', 'from');
      if (!state.resource.smsNumbers.includes(to)) throw badRequest('BadRequest', "to must be one of the resource's numbers.", 'to');
      return { status: 201, body: receiveSms(state, { from, to, message }) };
    }
    case 'GET /admin/sms/inbound':
      return { status: 200, body: { inbound: state.inboundSms.map((m) => ({ ...m, receivedAt: new Date(m.receivedAt).toISOString() })) } };
    case 'GET /admin/sms/optouts':
      return { status: 200, body: { optOuts: [...state.smsOptOuts].map((key) => ({ from: key.split('|')[0], to: key.split('|')[1] })) } };
    case 'POST /admin/reset':
      state.reset();
      faults.clear();
      return { status: 204 };
    case 'GET /admin/faults':
      return { status: 200, body: { faults: faults.list() } };
    case 'POST /admin/faults':
      return { status: 201, body: faults.add(jsonBody(request) as unknown as FaultSpec) };
    case 'DELETE /admin/faults':
      faults.clear();
      return { status: 204 };
    case 'GET /admin/resource':
      return { status: 200, body: state.resource };
    case 'PATCH /admin/resource':
      state.resource = { ...state.resource, ...resourceChanges(jsonBody(request)) };
      return { status: 200, body: state.resource };
    case 'POST /admin/emails/failures': {
      // The named operation (or, without one, the next send) ends Failed with this error.
      const { operationId, code, message } = jsonBody(request);
      const failure = {
        code: typeof code === 'string' ? code : 'EmailDeliveryFailed',
        message: typeof message === 'string' ? message : 'Injected delivery failure.',
      };
      if (typeof operationId === 'string') state.failingEmails.set(operationId, failure);
      else state.failNextEmails.push(failure);
      return { status: 201, body: failure };
    }
    case 'GET /admin/clock':
      return { status: 200, body: clockView(state) };
    case 'POST /admin/clock': {
      const { advanceMinutes } = jsonBody(request);
      if (typeof advanceMinutes !== 'number' || !Number.isFinite(advanceMinutes) || advanceMinutes < 0) {
        throw badRequest('BadRequest', 'advanceMinutes must be a non-negative number.', 'advanceMinutes');
      }
      state.clockOffsetMs += advanceMinutes * 60_000;
      return { status: 200, body: clockView(state) };
    }
    default:
      throw notFound(`No admin operation ${route}.`);
  }
}

function clockView(state: EmulatorState) {
  return { now: new Date(state.now()).toISOString(), offsetMinutes: state.clockOffsetMs / 60_000 };
}

/** A partial ResourceSettings, each field checked (this API is for tests and operators, not the app). */
function resourceChanges(body: Record<string, unknown>): Partial<ResourceSettings> {
  const changes: Partial<ResourceSettings> = {};
  const list = (value: unknown, field: string) => {
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
      throw badRequest('BadRequest', `${field} must be a list of strings.`, field);
    return value as string[];
  };
  const count = (value: unknown, field: string) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
      throw badRequest('BadRequest', `${field} must be a non-negative integer.`, field);
    return value;
  };
  for (const [field, value] of Object.entries(body)) {
    if (!(field in DEFAULT_RESOURCE_SETTINGS)) throw badRequest('BadRequest', `Unknown resource setting ${field}.`, field);
    if (field === 'smsNumbers' || field === 'emailDomains') changes[field] = list(value, field);
    else if (field === 'emailProfile') {
      if (value !== 'azure-managed' && value !== 'custom-domain' && value !== 'raised')
        throw badRequest('BadRequest', 'emailProfile must be azure-managed, custom-domain or raised.', field);
      changes.emailProfile = value;
    } else if (field === 'revocationDelayMs' || field === 'emailRunningPolls') changes[field] = count(value, field);
  }
  return changes;
}
