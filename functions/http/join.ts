import { app, type HttpRequest } from '@azure/functions';
import type { AppointmentCredentials } from '../../shared/app/appointments/appointment-access';
import { joinAppointment } from '../../shared/app/join/join-appointment';
import { callerOf } from '../../shared/adapters/auth/request-caller';
import { endpoint, json, parseWith, readOptionalJsonBody } from '../../shared/adapters/http/endpoint';
import { AppointmentParams } from '../../shared/adapters/http/schemas/appointments';
import { JoinBody, joinView } from '../../shared/adapters/http/schemas/join';
import { getServices } from '../../shared/composition-root';

/** Staff bearer token, or the consumer's manage token from the header or the `token` query parameter. */
async function credentialsOf(request: HttpRequest): Promise<AppointmentCredentials> {
  const caller = await callerOf(getServices().staffAuth, request);
  const manageToken = request.headers.get('x-appointment-token') ?? request.query.get('token') ?? undefined;
  return { caller, ...(manageToken ? { manageToken } : {}) };
}

app.http('joinAppointment', {
  route: 'appointments/{appointmentId}/join',
  methods: ['POST', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const credentials = await credentialsOf(request);
    const { appointmentId } = parseWith(AppointmentParams, request.params);
    await readOptionalJsonBody(request, JoinBody);
    const joined = await joinAppointment(getServices().join, appointmentId, credentials);
    // The answer carries an access token.
    return json(200, joinView(joined), { 'Cache-Control': 'no-store' });
  }),
});
