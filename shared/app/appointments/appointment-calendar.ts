import { buildCalendar } from '../../domain/appointments/calendar';
import { CALENDAR_TEXTS } from '../../domain/messages/notice-texts';
import { languageOf, TRANSLATIONS } from '../../domain/messages/texts';
import { businessLanguage } from '../ports/business-repository';
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
  // In the consumer's language (the business's when they named none), like the file attached to their emails.
  const { locale } = appointment.value.consumer;
  const language = languageOf(locale, businessLanguage(business?.value));
  const serviceName = service?.value.name;
  const providerName = provider?.value.displayName;
  const title =
    serviceName && providerName
      ? TRANSLATIONS[language].with(serviceName, providerName)
      : serviceName || providerName || CALENDAR_TEXTS[language].untitled;
  return buildCalendar([{ appointment: appointment.value, title, timeZone, joinUrl, language, ...(locale ? { locale } : {}) }], {
    timeZone,
    calendarName: business?.value.name,
  });
}
