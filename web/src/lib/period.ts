import type { components } from './apiSchema';

/** The report period and filters, kept in the URL so a view can be shared. */

export const PRESETS = [7, 30, 90] as const;
/** The channels to filter by: exactly the API's (checked against its OpenAPI types below). */
export const CHANNELS = ['whatsapp', 'messenger', 'instagram', 'sms', 'rcs', 'webchat'] as const satisfies readonly ApiChannel[];
type ApiChannel = NonNullable<components['schemas']['BusinessReport']['channel']>;
// A channel the API gained and this list lacks fails the type check here.
const everyChannelListed: Exclude<ApiChannel, (typeof CHANNELS)[number]> extends never ? true : never = true;
void everyChannelListed;

export interface Filters {
  from: string;
  to: string;
  channel: string | null;
}

const DAY = 86_400_000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The last `days` days up to and including today (UTC). */
export function presetRange(days: number, today = Date.now()): { from: string; to: string } {
  return { from: isoDate(today - (days - 1) * DAY), to: isoDate(today) };
}

export function filtersFrom(params: URLSearchParams, today = Date.now()): Filters {
  const fallback = presetRange(30, today);
  const from = params.get('from');
  const to = params.get('to');
  const channel = params.get('channel');
  return {
    from: from && DATE.test(from) ? from : fallback.from,
    to: to && DATE.test(to) ? to : fallback.to,
    channel: channel && (CHANNELS as readonly string[]).includes(channel) ? channel : null,
  };
}

export function query(filters: Filters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ from: filters.from, to: filters.to, ...extra });
  if (filters.channel) params.set('channel', filters.channel);
  return params.toString();
}

/** Which preset the period equals, if any (for highlighting the button). */
export function activePreset(filters: Filters, today = Date.now()): number | null {
  return PRESETS.find((days) => {
    const r = presetRange(days, today);
    return r.from === filters.from && r.to === filters.to;
  }) ?? null;
}
