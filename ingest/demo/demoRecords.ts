import type { ProcessingRecords } from '../../db/processingRecords';
import type { DemoBusiness, DemoLocation } from './businesses';

// The demo's records of processing (PUT /v1/businesses/{id}/records) and transfer reviews (the
// tia_date / next_review of some processing locations). Review dates are relative to the demo's
// end, so the privacy page always shows one review overdue and others due later.

const DAY = 86_400_000;

interface Review {
  /** The transfer impact assessment, this many days before the demo's end. */
  tiaDaysBefore: number;
  /** Its next review, this many days after the demo's end (negative: overdue). */
  nextReviewDaysAfter: number;
}

const REVIEWS: Record<string, Record<string, Review>> = {
  'aer-skyways': {
    'Meta Platforms (WhatsApp Cloud API)': { tiaDaysBefore: 400, nextReviewDaysAfter: -35 },
    'SkyServe Contact Centres Pvt Ltd': { tiaDaysBefore: 120, nextReviewDaysAfter: 245 },
  },
  'banco-atlantico': { 'CloudCore Inc. (DPF certified)': { tiaDaysBefore: 200, nextReviewDaysAfter: 165 } },
  'lumiere-beaute': { 'BrightSend Inc. (campaign platform, not DPF certified)': { tiaDaysBefore: 90, nextReviewDaysAfter: 60 } },
  'telenova-care': { 'Telenova Global Services Pvt Ltd': { tiaDaysBefore: 30, nextReviewDaysAfter: 335 } },
};

const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A location's review dates for a demo ending at `endMs` (both null when it has none). */
export function demoReview(business: string, location: DemoLocation, endMs: number): { tia_date: string | null; next_review: string | null } {
  const review = REVIEWS[business]?.[location.processor];
  if (!review) return { tia_date: null, next_review: null };
  return { tia_date: dateOf(endMs - review.tiaDaysBefore * DAY), next_review: dateOf(endMs + review.nextReviewDaysAfter * DAY) };
}

const ADDRESSES: Record<string, string> = {
  'aer-skyways': '1 Airport Road, Dublin, Ireland',
  'hanse-bank': 'Ballindamm 7, 20095 Hamburg, Germany',
  'banco-atlantico': 'Avenida Paulista 1000, São Paulo, Brazil',
  'lumiere-beaute': '12 rue de Rivoli, 75004 Paris, France',
  'moda-rapida': 'Calle de Serrano 41, 28001 Madrid, Spain',
  'northwind-apparel': '350 Fifth Avenue, New York, NY, United States',
  'telenova-care': 'Stationsplein 1, 1012 AB Amsterdam, Netherlands',
  bazaarly: 'Friedrichstraße 68, 10117 Berlin, Germany',
  'tiffin-express': '14 MG Road, Bengaluru, India',
  'sakura-hotels': '2-1 Marunouchi, Chiyoda-ku, Tokyo, Japan',
  parcelpoint: 'ul. Marszałkowska 84, 00-514 Warsaw, Poland',
  shieldsure: '20 Fenchurch Street, London, United Kingdom',
  apotheke24: 'Kurfürstendamm 21, 10719 Berlin, Germany',
};

/** Numbers whose Cloud API data is stored locally (data_localization_region). */
const LOCAL_STORAGE: Record<string, string> = { 'hanse-bank': 'DE', 'aer-skyways': 'DE' };

/** The records of processing a demo business declares; `index` makes its WhatsApp number id. */
export function demoRecords(business: DemoBusiness, index: number): ProcessingRecords {
  const controller = business.locations.find((l) => l.role === 'controller')?.processor ?? business.name;
  const domain = `${business.id}.example`;
  const purposes: ProcessingRecords['purposes'] = [
    { id: 'customer_care', description: 'Answering customers\' messages', legal_basis: 'contract', retention_days: 365 },
  ];
  if (business.mix.notification > 0) {
    purposes.push({ id: 'service_notifications', description: 'Notifications about customers\' orders, bookings and accounts', legal_basis: 'contract', retention_days: 180 });
  }
  if (business.mix.marketing > 0) {
    purposes.push({ id: 'marketing', description: 'Campaign messages to customers who opted in', legal_basis: 'consent', retention_days: 180 });
  }
  const whatsapp = business.channels.some(([channel]) => channel === 'whatsapp');
  return {
    controller: { name: controller, address: ADDRESSES[business.id] ?? business.name, contact: `privacy@${domain}` },
    dpo: { name: `Data Protection Officer, ${business.name}`, email: `dpo@${domain}` },
    purposes,
    whatsapp_numbers: whatsapp
      ? [{ phone_number_id: `1065403522${String(42900 + index)}`, data_localization_region: LOCAL_STORAGE[business.id] ?? null }]
      : [],
  };
}
