import { parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js/max';
import type { Channel } from '../events/eventSchema';
import { isCountryCode, UNKNOWN_REGION } from '../../db/countries';
import { BoundedCache } from './boundedCache';

// Area codes of the Crown Dependencies (Ofcom). The metadata places only numbers of allocated
// ranges; a fictional or unallocated +44 1481 number is still on Guernsey, with Guernsey's GDPR
// outcome, so the area code decides when the metadata cannot.
const CROWN_DEPENDENCY_AREA_CODES: Record<string, string> = { '1481': 'GG', '1534': 'JE', '1624': 'IM' };

const PHONE_CHANNELS: ReadonlySet<Channel> = new Set(['whatsapp', 'sms', 'rcs']);

export type IdentityKind = 'phone' | 'bsuid' | 'other';

export interface CustomerIdentity {
  /** The value that is pseudonymised: E.164 for a phone number, the id as given otherwise. */
  canonical: string;
  /** ISO 3166-1 alpha-2 region, or ZZ when unknown. */
  region: string;
  /** A phone number, a WhatsApp business-scoped user id, or another id. */
  kind: IdentityKind;
}

/**
 * WhatsApp's business-scoped user id: the user's country code, a dot, up to 128 alphanumerics
 * (`BR.8091...`); a parent BSUID has `ENT.` after the country. The country code is the only part
 * read; the id itself is pseudonymised like any other.
 */
const BSUID = /^([A-Z]{2})\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

/** The country of a BSUID, or undefined when the value is not one (or its prefix is no country). */
export function bsuidCountry(value: string): string | undefined {
  const match = BSUID.exec(value);
  return match && isCountryCode(match[1]!) ? match[1] : undefined;
}

// Digits with the usual separators. WhatsApp's newer user ids (for customers who hide their
// number behind a username) are not numbers, so they are opaque ids even on a phone channel.
const PHONE_LIKE = /^\+?[\d\s().-]+$/;

export function isPhoneIdentifier(channel: Channel, customer: string): boolean {
  return customer.startsWith('+') || (PHONE_CHANNELS.has(channel) && PHONE_LIKE.test(customer));
}

/**
 * Resolves a phone number to E.164 and to the region of the number itself: +1 876 is JM and
 * +44 1481 is GG, not the main country of the calling code. The "max" metadata is needed for
 * that. WhatsApp's wa_id comes without "+"; a number nobody can place still gets a stable
 * pseudonym (from its digits) and region ZZ.
 */
export function phoneIdentity(raw: string): CustomerIdentity {
  return phoneCache.getOrCompute(raw, parsePhoneIdentity);
}

/**
 * Parsing with the "max" metadata costs 10-20 µs a number, and customers come back in many
 * events: the outcome per number as sent is kept in memory only (never on disk or in a log),
 * at most 2 x 50,000 numbers (a few MB). The outcome is a pure function of the text, so a hit
 * is what parsing again would give.
 */
const phoneCache = new BoundedCache<CustomerIdentity>(50_000);

/** Drops every cached phone number (an erasure: the person's number must not stay in memory). */
export function forgetCachedPhoneNumbers(): void {
  phoneCache.clear();
  for (const listener of phoneForgetListeners) listener();
}

const phoneForgetListeners = new Set<() => void>();

/** Called at each forgetCachedPhoneNumbers (the intake threads' caches forget too); returns the unsubscribe. */
export function onForgetCachedPhoneNumbers(listener: () => void): () => void {
  phoneForgetListeners.add(listener);
  return () => phoneForgetListeners.delete(listener);
}

/** How many phone numbers are cached now. */
export const cachedPhoneNumbers = () => phoneCache.size;

/** phoneIdentity without the cache. */
export function parsePhoneIdentity(raw: string): CustomerIdentity {
  const digits = raw.replace(/[\s().-]/g, '');
  const international = digits.startsWith('+') ? digits : digits.startsWith('00') ? `+${digits.slice(2)}` : `+${digits}`;
  const parsed = parsePhoneNumberFromString(international);
  // Frozen: one object is handed to every caller that sends this number.
  if (!parsed) return Object.freeze({ canonical: international, region: UNKNOWN_REGION, kind: 'phone' as const });
  return Object.freeze({ canonical: parsed.number, region: phoneRegion(parsed), kind: 'phone' as const });
}

function phoneRegion(parsed: PhoneNumber): string {
  if (parsed.country) return parsed.country;
  const possible = parsed.getPossibleCountries();
  if (possible.length === 1 && possible[0]) return possible[0];
  if (parsed.countryCallingCode === '44') {
    const area = CROWN_DEPENDENCY_AREA_CODES[parsed.nationalNumber.slice(0, 4)];
    if (area) return area;
  }
  return UNKNOWN_REGION;
}

export function customerIdentity(channel: Channel, customer: string, customerCountry: string | undefined): CustomerIdentity {
  if (isPhoneIdentifier(channel, customer)) {
    const phone = phoneIdentity(customer);
    // A number we cannot place may still come with a declared country.
    if (phone.region === UNKNOWN_REGION && customerCountry) return { ...phone, region: customerCountry };
    return phone;
  }
  // A BSUID names its country; an id that does not may come with a declared one.
  const bsuid = channel === 'whatsapp' ? BSUID.exec(customer) : null;
  const country = bsuid && isCountryCode(bsuid[1]!) ? bsuid[1] : undefined;
  return { canonical: customer, region: country ?? customerCountry ?? UNKNOWN_REGION, kind: bsuid ? 'bsuid' : 'other' };
}
