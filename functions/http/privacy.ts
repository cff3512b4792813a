import { app } from '@azure/functions';
import { eraseAppointmentConsumer } from '../../shared/app/privacy/erase-consumer';
import { withdrawConsent } from '../../shared/app/privacy/sms-consent';
import { appointmentCredentialsOf } from '../../shared/adapters/auth/request-caller';
import { endpoint, json, parseWith, readJsonBody } from '../../shared/adapters/http/endpoint';
import { AppointmentParams, appointmentView } from '../../shared/adapters/http/schemas/appointments';
import { SmsConsentBody } from '../../shared/adapters/http/schemas/privacy';
import { getServices } from '../../shared/composition-root';

app.http('withdrawSmsConsent', {
  route: 'appointments/{appointmentId}/sms-consent',
  methods: ['POST', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { booking, staffAuth } = getServices();
    const credentials = await appointmentCredentialsOf(staffAuth, request);
    const { appointmentId } = parseWith(AppointmentParams, request.params);
    await readJsonBody(request, SmsConsentBody);
    const appointment = await withdrawConsent(booking, appointmentId, credentials);
    return json(200, appointmentView(appointment), { ETag: `"${appointment.version}"`, 'Cache-Control': 'no-store' });
  }),
});

app.http('eraseAppointmentConsumer', {
  route: 'appointments/{appointmentId}/erase',
  methods: ['POST', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { privacy, staffAuth } = getServices();
    const credentials = await appointmentCredentialsOf(staffAuth, request);
    const { appointmentId } = parseWith(AppointmentParams, request.params);
    const appointment = await eraseAppointmentConsumer(privacy.erasure, appointmentId, credentials);
    return json(200, appointmentView(appointment), { ETag: `"${appointment.version}"`, 'Cache-Control': 'no-store' });
  }),
});
