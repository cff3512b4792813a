import { escapeHtml, formatWhen } from './compose';
import { formatLocaleOf, languageOf, type Locale } from './texts';

/**
 * The lost-link email (docs/api.md "Lost link"), in the structure of texts.ts: one object per
 * language; a reader whose language has none gets the business's default. Every language has every
 * text (the record is over every locale), so a missing translation fails the build, never a send.
 */
export interface LookupTexts {
  greeting: (name: string) => string;
  subject: (business: string) => string;
  lead: (business: string) => string;
  /** One line per appointment: what and when. */
  item: (what: string, when: string) => string;
  with: (service: string, provider: string) => string;
  joinLabel: string;
  manageLabel: string;
  /** Why they got it, and that nothing happens if they did not ask. */
  notice: string;
  signOff: (business: string) => string;
}

const en: LookupTexts = {
  greeting: (name) => `Hello ${name},`,
  subject: (business) => `Your appointments at ${business}`,
  lead: (business) => `you asked for the links to your upcoming appointments at ${business}. Here they are:`,
  item: (what, when) => `${what}, ${when}`,
  with: (service, provider) => `${service} with ${provider}`,
  joinLabel: 'Join the video visit',
  manageLabel: 'Reschedule or cancel',
  notice: 'If you did not ask for this email, you can ignore it: nothing has changed.',
  signOff: (business) => `${business}`,
};

const de: LookupTexts = {
  greeting: (name) => `Hallo ${name},`,
  subject: (business) => `Ihre Termine bei ${business}`,
  lead: (business) => `Sie haben die Links zu Ihren kommenden Terminen bei ${business} angefordert. Hier sind sie:`,
  item: (what, when) => `${what}, ${when}`,
  with: (service, provider) => `${service} bei ${provider}`,
  joinLabel: 'Zur Videosprechstunde',
  manageLabel: 'Verschieben oder absagen',
  notice: 'Wenn Sie diese E-Mail nicht angefordert haben, können Sie sie ignorieren: Es hat sich nichts geändert.',
  signOff: (business) => `${business}`,
};

const fr: LookupTexts = {
  greeting: (name) => `Bonjour ${name},`,
  subject: (business) => `Vos rendez-vous chez ${business}`,
  lead: (business) => `vous avez demandé les liens de vos prochains rendez-vous chez ${business}. Les voici :`,
  item: (what, when) => `${what}, ${when}`,
  with: (service, provider) => `${service} avec ${provider}`,
  joinLabel: 'Rejoindre la consultation vidéo',
  manageLabel: 'Déplacer ou annuler',
  notice: "Si vous n'avez pas demandé cet e-mail, vous pouvez l'ignorer : rien n'a changé.",
  signOff: (business) => `${business}`,
};

const es: LookupTexts = {
  greeting: (name) => `Hola ${name}:`,
  subject: (business) => `Sus citas en ${business}`,
  lead: (business) => `ha solicitado los enlaces de sus próximas citas en ${business}. Aquí los tiene:`,
  item: (what, when) => `${what}, ${when}`,
  with: (service, provider) => `${service} con ${provider}`,
  joinLabel: 'Unirse a la videoconsulta',
  manageLabel: 'Cambiar o cancelar',
  notice: 'Si no ha solicitado este correo, puede ignorarlo: no ha cambiado nada.',
  signOff: (business) => `${business}`,
};

export const LOOKUP_TRANSLATIONS: Readonly<Record<Locale, LookupTexts>> = { en, de, fr, es };

/** One upcoming appointment in the email, with links that carry a token minted for this email. */
export interface LookupItem {
  serviceName: string;
  providerName: string;
  start: number;
  end: number;
  links: { join: string; manage: string };
}

export interface LookupFacts {
  consumerName: string;
  businessName: string;
  /** IANA zone the times are shown in (the consumer's, else the business's). */
  timeZone: string;
  /** BCP 47; the business's default language when no translation exists. */
  locale?: string;
  defaultLocale?: Locale;
  items: LookupItem[];
}

/** The lost-link email: subject, plain text and HTML, every appointment with its two links. */
export function composeLookupMessage(facts: LookupFacts): { subject: string; plainText: string; html: string } {
  const language = languageOf(facts.locale, facts.defaultLocale);
  const texts = LOOKUP_TRANSLATIONS[language];
  // Dates follow the full locale when its language is the one written (de-AT keeps Austrian month names).
  const formatLocale = formatLocaleOf(facts.locale, language);
  const lines = [texts.greeting(facts.consumerName), '', texts.lead(facts.businessName), ''];
  const html = [`<p>${escapeHtml(texts.greeting(facts.consumerName))}</p>`, `<p>${escapeHtml(texts.lead(facts.businessName))}</p>`, '<ul>'];
  for (const item of facts.items) {
    const line = texts.item(
      texts.with(item.serviceName, item.providerName),
      formatWhen(item.start, item.end, facts.timeZone, formatLocale),
    );
    lines.push(`- ${line}`, `  ${texts.joinLabel}: ${item.links.join}`, `  ${texts.manageLabel}: ${item.links.manage}`, '');
    html.push(
      `<li><p>${escapeHtml(line)}</p><p><a href="${escapeHtml(item.links.join)}">${escapeHtml(texts.joinLabel)}</a> · <a href="${escapeHtml(item.links.manage)}">${escapeHtml(texts.manageLabel)}</a></p></li>`,
    );
  }
  html.push('</ul>', `<p>${escapeHtml(texts.notice)}</p>`, `<p>${escapeHtml(texts.signOff(facts.businessName))}</p>`);
  lines.push(texts.notice, '', texts.signOff(facts.businessName));
  return { subject: texts.subject(facts.businessName), plainText: lines.join('\n'), html: html.join('\n') };
}
