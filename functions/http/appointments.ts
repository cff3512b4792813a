import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { authorizeAppointment } from '../../shared/app/appointments/appointment-access';
import { appointmentCalendar } from '../../shared/app/appointments/appointment-calendar';
import { bookAppointment } from '../../shared/app/appointments/book-appointment';
import { verifiedConsumer } from '../../shared/app/phone-verification';
import { cancelAppointment } from '../../shared/app/appointments/cancel-appointment';
import { rescheduleAppointment } from '../../shared/app/appointments/reschedule-appointment';
import { validateIdempotencyKey } from '../../shared/app/idempotency';
import { appointmentCredentialsOf, callerOf } from '../../shared/adapters/auth/request-caller';
import { endpoint, json, parseWith, readJsonBody, readOptionalJsonBody } from '../../shared/adapters/http/endpoint';
import { BusinessParams } from '../../shared/adapters/http/schemas/businesses';
import {
  AppointmentParams,
  BookingBody,
  CancelBody,
  RescheduleBody,
  appointmentView,
} from '../../shared/adapters/http/schemas/appointments';
import { getServices, servicesFor } from '../../shared/composition-root';

app.http('bookAppointment', {
  route: 'businesses/{businessId}/appointments',
  methods: ['POST', 'OPTIONS'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: endpoint(async ({ request, invocation }) => {
    const { links, staffAuth } = getServices();
    await callerOf(staffAuth, request); // public, but a broken bearer token is a 401 as everywhere
    const { booking } = servicesFor(invocation);
    const { businessId } = parseWith(BusinessParams, request.params);
    const rawKey = request.headers.get('idempotency-key');
    const key = rawKey === null ? undefined : validateIdempotencyKey(rawKey);
    const body = await readJsonBody(request, BookingBody);
    // SMS only to a phone proven with a code; a wrong code is a 400, no code means email only.
    const consumer = await verifiedConsumer(getServices().phoneVerification, businessId, body.consumer);
    const result = await bookAppointment(
      booking,
      businessId,
      { ...body, consumer },
      (appointment, manageToken) => ({
        appointment: appointmentView(appointment),
        manageToken,
        links: links.booking(appointment.id, manageToken),
      }),
      key,
    );
    return json(result.status, result.body, { 'Cache-Control': 'no-store' });
  }),
});

app.http('getAppointment', {
  route: 'appointments/{appointmentId}',
  methods: ['GET', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const credentials = await appointmentCredentialsOf(getServices().staffAuth, request);
    const { appointmentId } = parseWith(AppointmentParams, request.params);
    const { appointment } = await authorizeAppointment(getServices().booking, appointmentId, credentials);
    return json(200, appointmentView(appointment.value), { ETag: `"${appointment.value.version}"`, 'Cache-Control': 'no-store' });
  }),
});

app.http('cancelAppointment', {
  route: 'appointments/{appointmentId}/cancel',
  methods: ['POST', 'OPTIONS'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: endpoint(async ({ request, invocation }) => {
    const credentials = await appointmentCredentialsOf(getServices().staffAuth, request);
    const { appointmentId } = parseWith(AppointmentParams, request.params);
    const body = await readOptionalJsonBody(request, CancelBody);
    const cancelled = await cancelAppointment(servicesFor(invocation).booking, appointmentId, credentials, {
      ...(body?.reason !== undefined ? { reason: body.reason } : {}),
      ifMatch: request.headers.get('if-match'),
    });
    return json(200, appointmentView(cancelled), { ETag: `"${cancelled.version}"` });
  }),
});

app.http('rescheduleAppointment', {
  route: 'appointments/{appointmentId}/reschedule',
  methods: ['POST', 'OPTIONS'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: endpoint(async ({ request, invocation }) => {
    const credentials = await appointmentCredentialsOf(getServices().staffAuth, request);
    const { appointmentId } = parseWith(AppointmentParams, request.params);
    const body = await readJsonBody(request, RescheduleBody);
    const moved = await rescheduleAppointment(servicesFor(invocation).booking, appointmentId, credentials, {
      start: body.start,
      ...(body.providerId !== undefined ? { providerId: body.providerId } : {}),
      ifMatch: request.headers.get('if-match'),
    });
    return json(200, appointmentView(moved), { ETag: `"${moved.version}"` });
  }),
});

app.http('appointmentCalendar', {
  route: 'appointments/{appointmentId}/calendar.ics',
  methods: ['GET', 'OPTIONS'],
  authLevel: 'anonymous',
  handler: endpoint(async ({ request }) => {
    const { booking, links } = getServices();
    const credentials = await appointmentCredentialsOf(getServices().staffAuth, request);
    const { appointmentId } = parseWith(AppointmentParams, request.params);
    const joinUrl = links.join(appointmentId, credentials.manageToken);
    const text = await appointmentCalendar(booking, appointmentId, credentials, joinUrl);
    return {
      status: 200,
      headers: {
        'Content-Type': 'text/calendar; charset=utf-8',
        'Content-Disposition': `attachment; filename="appointment-${appointmentId}.ics"`,
        'Cache-Control': 'no-store',
      },
      body: text,
    };
  }),
});
