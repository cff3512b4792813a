import { buildCalendar } from '../../domain/appointments/calendar';
import { authorizeAppointment, type AccessDeps, type AppointmentCredentials } from './appointment-access';

/** The appointment's iCalendar document, in the business's zone, for whoever may read the appointment. */
export async function appointmentCalendar(
  deps: AccessDeps,
  appointmentId: string,
  credentials: AppointmentCredentials,
  joinUrl: string,
): Promise<string> {
  const { appointment } = await authorizeAppointment(deps, appointmentId, credentials);
  const { businessId, serviceId, providerId } = appointment.value;
  const [business, service, provider] = await Promise.all([
    deps.businesses.getBusiness(businessId),
    deps.businesses.getService(businessId, serviceId),
    deps.businesses.getProvider(businessId, providerId),
  ]);
  const timeZone = business?.value.timeZone ?? 'UTC';
  const title = [service?.value.name, provider?.value.displayName].filter(Boolean).join(' with ') || 'Appointment';
  return buildCalendar([{ appointment: appointment.value, title, timeZone, joinUrl }], { timeZone, calendarName: business?.value.name });
}
