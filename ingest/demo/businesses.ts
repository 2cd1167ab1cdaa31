import type { BusinessHours, ProcessingLocation, ProcessingLocationInput } from '../../db/registry';
import { demoReview } from './demoRecords';

export type DemoChannel = 'whatsapp' | 'messenger' | 'instagram' | 'sms';
export type TemplateCategory = 'marketing' | 'utility' | 'authentication';

export interface NotificationTemplate {
  name: string;
  category: Exclude<TemplateCategory, 'marketing'>;
  weight: number;
  /** Share of recipients who write back (and so get an answer). */
  replyRate: number;
}

export interface MarketingProfile {
  campaignsPerMonth: number;
  /** Local hour campaigns go out. */
  sendHour: number;
  templates: string[];
  /** Per delivered campaign message. */
  reactions: { reply: number; optOut: number; block: number; report: number; mute: number };
  /** Of those who opted out, the share who opt in again later. */
  optInAgain: number;
  /**
   * Campaigns planned by name on top of the random ones, e.g. one that drives customers away
   * beside one that doesn't: `at` is the share of the period elapsed, `annoyance` multiplies
   * the opt-out, block, report and mute rates of its sends.
   */
  showcase?: { name: string; template: string; at: number; size: number; annoyance: number }[];
}

export interface Staffing {
  /** A bot answers every customer at once, around the clock. */
  bot: boolean;
  /** Share of bot conversations handed over to a person. */
  handover: number;
  /** Median minutes for a person to answer within opening hours. */
  agentMedianMinutes: number;
  unanswered: number;
  /** Away messages / auto-acknowledgements (sender automation: never a reply). */
  autoAck: 'always' | 'after-hours' | 'never';
}

/** A demo location: always a country (no international organisation in the demo). */
export type DemoLocation = ProcessingLocationInput & { country: string };

/** A demo business: its registry entry plus how its customers and staff behave. */
export interface DemoBusiness {
  id: string;
  name: string;
  sector: string;
  verified: boolean;
  timezone: string;
  hours: BusinessHours;
  locations: DemoLocation[];
  /** Relative number of conversations. */
  volume: number;
  /** Conversation kinds: customer-initiated, utility/authentication notifications, marketing. */
  mix: { inbound: number; notification: number; marketing: number };
  channels: [DemoChannel, number][];
  customerCountries: [string, number][];
  staffing: Staffing;
  notifications: NotificationTemplate[];
  marketing: MarketingProfile;
  /**
   * Conversations processed outside the primary location (processed_in), by country. A country
   * not among `locations` shows up as undeclared processing in the residency report.
   */
  processedElsewhere: [string, number][];
  /** WhatsApp webhooks give wa_id without "+": some integrations pass it on as is. */
  waIdWithoutPlus: boolean;
  /**
   * Share of conversations a person answers in the WhatsApp Business app on the number shared
   * with the Cloud API (coexistence): message.sent with source business_app.
   */
  appReplies?: number;
  /**
   * Share of customer-initiated WhatsApp conversations that start from a click-to-WhatsApp ad:
   * everything the business sends in the next 72 hours is free (pricing free_entry_point).
   */
  adEntry?: number;
  /** A day of disruption (share of the period elapsed) that brings a surge of customer messages. */
  surge?: { at: number; share: number };
}

type Day = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
const ALL_DAYS: Day[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const WEEKDAYS: Day[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

function hours(days: Day[], from: string, to: string, more: BusinessHours = {}): BusinessHours {
  const out: BusinessHours = {};
  for (const day of days) out[day] = [[from, to]];
  return { ...out, ...more };
}

const AROUND_THE_CLOCK = hours(ALL_DAYS, '00:00', '24:00');

const location = (
  country: string, processor: string, mechanism: ProcessingLocation['mechanism'], primary = false,
  role: ProcessingLocation['role'] = 'processor',
): DemoLocation => ({ country, processor, role, mechanism, primary });

const quietMarketing = (templates: string[], sendHour: number, campaignsPerMonth = 2): MarketingProfile => ({
  campaignsPerMonth, sendHour, templates,
  reactions: { reply: 0.03, optOut: 0.012, block: 0.004, report: 0.001, mute: 0.006 },
  optInAgain: 0.15,
});

export const DEMO_BUSINESSES: readonly DemoBusiness[] = [
  {
    id: 'aer-skyways', name: 'Aer Skyways', sector: 'airline', verified: true, timezone: 'Europe/Dublin',
    hours: AROUND_THE_CLOCK,
    locations: [
      location('IE', 'Aer Skyways DAC', 'eea', true, 'controller'),
      location('US', 'Meta Platforms (WhatsApp Cloud API)', 'dpf'),
      location('IN', 'SkyServe Contact Centres Pvt Ltd', 'scc'),
    ],
    volume: 14, mix: { inbound: 0.35, notification: 0.55, marketing: 0.1 },
    channels: [['whatsapp', 85], ['messenger', 15]],
    customerCountries: [['IE', 30], ['GB', 16], ['DE', 8], ['FR', 7], ['ES', 6], ['IT', 5], ['NL', 4], ['PL', 5], ['PT', 3], ['SE', 2], ['US', 8], ['CA', 3], ['GG', 1], ['JE', 1], ['IN', 1]],
    staffing: { bot: true, handover: 0.3, agentMedianMinutes: 12, unanswered: 0.02, autoAck: 'never' },
    notifications: [
      { name: 'checkin_reminder', category: 'utility', weight: 4, replyRate: 0.06 },
      { name: 'boarding_pass', category: 'utility', weight: 4, replyRate: 0.03 },
      { name: 'flight_delay', category: 'utility', weight: 1, replyRate: 0.2 },
      { name: 'gate_change', category: 'utility', weight: 1, replyRate: 0.05 },
      { name: 'baggage_update', category: 'utility', weight: 0.5, replyRate: 0.15 },
    ],
    marketing: {
      ...quietMarketing(['fare_sale', 'new_route_announcement'], 11),
      // Two big campaigns for the Campaigns page: a blast that makes customers leave, sent 1-2.5
      // days before the end (its 24 hours all seen; yesterday, where the alert rules look, for a
      // start after 08:24 UTC), and an autumn sale as well received as the rest.
      showcase: [
        { name: 'flash_fare_blast', template: 'flash_fare_blast', at: 0.985, size: 4, annoyance: 9 },
        { name: 'autumn_fare_sale', template: 'fare_sale', at: 0.7, size: 4, annoyance: 0.7 },
      ],
    },
    processedElsewhere: [['IN', 0.18], ['US', 0.05]],
    waIdWithoutPlus: true,
    surge: { at: 0.62, share: 0.12 },
  },
  {
    id: 'hanse-bank', name: 'Hanse Direktbank', sector: 'bank', verified: true, timezone: 'Europe/Berlin',
    hours: hours(WEEKDAYS, '08:00', '20:00', { sat: [['09:00', '14:00']] }),
    locations: [
      location('DE', 'Hanse Direktbank AG', 'eea', true, 'controller'),
      location('NL', 'SecureSMS B.V. (one-time passwords)', 'eea'),
      location('CH', 'FraudGuard AG', 'adequacy'),
    ],
    volume: 12, mix: { inbound: 0.3, notification: 0.65, marketing: 0.05 },
    channels: [['whatsapp', 80], ['sms', 20]],
    customerCountries: [['DE', 70], ['AT', 5], ['PL', 5], ['NL', 3], ['TR', 5], ['RU', 2], ['CH', 3], ['IT', 3], ['GB', 2], ['SE', 2]],
    staffing: { bot: false, handover: 0, agentMedianMinutes: 9, unanswered: 0.03, autoAck: 'after-hours' },
    notifications: [
      { name: 'otp_login', category: 'authentication', weight: 6, replyRate: 0 },
      { name: 'otp_payment_confirmation', category: 'authentication', weight: 3, replyRate: 0 },
      { name: 'fraud_alert', category: 'utility', weight: 1, replyRate: 0.35 },
      { name: 'card_blocked', category: 'utility', weight: 0.4, replyRate: 0.4 },
    ],
    marketing: quietMarketing(['savings_rate_offer'], 10, 1),
    processedElsewhere: [['NL', 0.25], ['CH', 0.05]],
    waIdWithoutPlus: false,
  },
  {
    id: 'banco-atlantico', name: 'Banco Atlântico', sector: 'bank', verified: true, timezone: 'America/Sao_Paulo',
    hours: hours(WEEKDAYS, '09:00', '18:00'),
    locations: [
      location('BR', 'Banco Atlântico S.A.', 'adequacy', true, 'controller'),
      location('PT', 'Atlântico Europa, Sucursal em Portugal', 'eea'),
      location('US', 'CloudCore Inc. (DPF certified)', 'dpf'),
    ],
    volume: 9, mix: { inbound: 0.4, notification: 0.55, marketing: 0.05 },
    channels: [['whatsapp', 100]],
    customerCountries: [['BR', 78], ['PT', 12], ['US', 4], ['JP', 3], ['ES', 2], ['IT', 1]],
    staffing: { bot: false, handover: 0, agentMedianMinutes: 25, unanswered: 0.08, autoAck: 'always' },
    notifications: [
      { name: 'codigo_verificacao', category: 'authentication', weight: 5, replyRate: 0 },
      { name: 'alerta_fraude', category: 'utility', weight: 1, replyRate: 0.3 },
      { name: 'pix_recebido', category: 'utility', weight: 3, replyRate: 0.02 },
    ],
    marketing: quietMarketing(['oferta_credito'], 12, 2),
    processedElsewhere: [['PT', 0.1], ['US', 0.1]],
    waIdWithoutPlus: true,
  },
  {
    id: 'lumiere-beaute', name: 'Lumière Beauté', sector: 'cosmetics retail', verified: true, timezone: 'Europe/Paris',
    hours: hours(WEEKDAYS, '09:00', '19:00', { sat: [['10:00', '18:00']] }),
    locations: [
      location('FR', 'Lumière Beauté SAS', 'eea', true, 'controller'),
      location('US', 'BrightSend Inc. (campaign platform, not DPF certified)', 'scc'),
    ],
    volume: 8, mix: { inbound: 0.45, notification: 0.2, marketing: 0.35 },
    channels: [['whatsapp', 55], ['instagram', 35], ['messenger', 10]],
    customerCountries: [['FR', 50], ['BE', 8], ['CH', 6], ['IT', 8], ['ES', 6], ['DE', 6], ['GB', 5], ['US', 4], ['AE', 3], ['JM', 1]],
    staffing: { bot: false, handover: 0, agentMedianMinutes: 35, unanswered: 0.1, autoAck: 'after-hours' },
    notifications: [
      { name: 'order_confirmation', category: 'utility', weight: 3, replyRate: 0.05 },
      { name: 'shipping_update', category: 'utility', weight: 2, replyRate: 0.05 },
    ],
    marketing: {
      ...quietMarketing(['new_collection', 'loyalty_points_reminder', 'flash_sale'], 18, 5),
      reactions: { reply: 0.04, optOut: 0.02, block: 0.008, report: 0.002, mute: 0.02 },
    },
    processedElsewhere: [['US', 0.3]],
    waIdWithoutPlus: false,
    // A boutique team that answers many chats from the phone app, and runs Instagram ads to WhatsApp.
    appReplies: 0.35,
    adEntry: 0.1,
  },
  {
    id: 'moda-rapida', name: 'Moda Rápida', sector: 'online fashion', verified: false, timezone: 'Europe/Madrid',
    hours: hours(WEEKDAYS, '10:00', '20:00', { sat: [['10:00', '14:00']] }),
    locations: [
      location('ES', 'Moda Rápida Online S.L.', 'eea', true, 'controller'),
      location('MA', 'Atlas Contact Services SARL', 'scc'),
    ],
    // The aggressive marketer: many campaigns and high block, report and opt-out rates.
    volume: 10, mix: { inbound: 0.2, notification: 0.1, marketing: 0.7 },
    channels: [['whatsapp', 60], ['instagram', 40]],
    customerCountries: [['ES', 50], ['PT', 10], ['IT', 10], ['FR', 8], ['MX', 10], ['DE', 4], ['NL', 3], ['GB', 3], ['MA', 2]],
    staffing: { bot: false, handover: 0, agentMedianMinutes: 90, unanswered: 0.25, autoAck: 'always' },
    notifications: [{ name: 'order_shipped', category: 'utility', weight: 1, replyRate: 0.05 }],
    marketing: {
      campaignsPerMonth: 12, sendHour: 21, templates: ['flash_sale_24h', 'last_chance', 'cart_reminder', 'mega_rebajas'],
      reactions: { reply: 0.02, optOut: 0.07, block: 0.045, report: 0.018, mute: 0.03 },
      optInAgain: 0.05,
    },
    processedElsewhere: [['MA', 0.35]],
    waIdWithoutPlus: true,
    adEntry: 0.15,
  },
  {
    id: 'northwind-apparel', name: 'Northwind Apparel', sector: 'online fashion', verified: true, timezone: 'America/New_York',
    hours: hours(WEEKDAYS, '09:00', '17:00'),
    locations: [
      location('US', 'Northwind Apparel Inc. (DPF certified)', 'dpf', true, 'controller'),
      location('CA', 'MapleDesk Support Ltd', 'adequacy'),
    ],
    volume: 9, mix: { inbound: 0.45, notification: 0.25, marketing: 0.3 },
    channels: [['whatsapp', 45], ['messenger', 35], ['instagram', 20]],
    customerCountries: [['US', 64], ['CA', 15], ['GB', 5], ['DE', 3], ['IE', 2], ['JM', 4], ['MX', 5], ['AU', 2]],
    staffing: { bot: false, handover: 0, agentMedianMinutes: 18, unanswered: 0.05, autoAck: 'after-hours' },
    notifications: [
      { name: 'order_confirmation', category: 'utility', weight: 3, replyRate: 0.04 },
      { name: 'delivery_update', category: 'utility', weight: 2, replyRate: 0.04 },
      { name: 'return_label', category: 'utility', weight: 0.5, replyRate: 0.1 },
    ],
    marketing: quietMarketing(['weekend_deals', 'back_in_stock'], 12, 4),
    processedElsewhere: [['CA', 0.3]],
    waIdWithoutPlus: false,
    adEntry: 0.08,
  },
  {
    id: 'telenova-care', name: 'Telenova Customer Care', sector: 'telecom', verified: true, timezone: 'Europe/Amsterdam',
    hours: hours(WEEKDAYS, '08:00', '22:00', { sat: [['09:00', '18:00']], sun: [['10:00', '16:00']] }),
    locations: [
      location('NL', 'Telenova Nederland B.V.', 'eea', true, 'controller'),
      location('IN', 'Telenova Global Services Pvt Ltd', 'bcr'),
      location('PH', 'Telenova Shared Services Manila Inc.', 'bcr'),
    ],
    volume: 11, mix: { inbound: 0.7, notification: 0.22, marketing: 0.08 },
    channels: [['whatsapp', 75], ['messenger', 25]],
    customerCountries: [['NL', 60], ['BE', 8], ['DE', 8], ['PL', 6], ['TR', 5], ['MA', 4], ['GB', 3], ['SR', 3], ['FR', 3]],
    staffing: { bot: true, handover: 0.55, agentMedianMinutes: 20, unanswered: 0.04, autoAck: 'never' },
    notifications: [
      { name: 'bill_ready', category: 'utility', weight: 3, replyRate: 0.08 },
      { name: 'outage_notice', category: 'utility', weight: 1, replyRate: 0.25 },
      { name: 'sim_swap_code', category: 'authentication', weight: 1, replyRate: 0 },
    ],
    marketing: quietMarketing(['unlimited_data_upgrade'], 17, 2),
    processedElsewhere: [['IN', 0.25], ['PH', 0.15]],
    waIdWithoutPlus: true,
  },
  {
    id: 'bazaarly', name: 'Bazaarly Marketplace', sector: 'marketplace and payments', verified: true, timezone: 'Europe/Berlin',
    hours: AROUND_THE_CLOCK,
    locations: [
      location('DE', 'Bazaarly GmbH', 'eea', true, 'controller'),
      location('IE', 'Bazaarly Payments Europe Ltd', 'eea'),
      location('US', 'Meta Platforms (WhatsApp Cloud API)', 'dpf'),
      // Seller-support contractor without any transfer mechanism: EEA customers are exposed.
      location('RU', 'OOO Helpdesk Plus (seller support)', 'none'),
    ],
    volume: 11, mix: { inbound: 0.45, notification: 0.45, marketing: 0.1 },
    channels: [['whatsapp', 80], ['messenger', 20]],
    customerCountries: [['DE', 40], ['AT', 6], ['PL', 10], ['FR', 8], ['IT', 6], ['ES', 5], ['NL', 5], ['SE', 4], ['RU', 6], ['UA', 3], ['NG', 4], ['GB', 3]],
    staffing: { bot: true, handover: 0.35, agentMedianMinutes: 30, unanswered: 0.06, autoAck: 'never' },
    notifications: [
      { name: 'payment_code', category: 'authentication', weight: 3, replyRate: 0 },
      { name: 'payment_received', category: 'utility', weight: 3, replyRate: 0.03 },
      { name: 'order_dispatched', category: 'utility', weight: 2, replyRate: 0.05 },
      { name: 'refund_issued', category: 'utility', weight: 0.5, replyRate: 0.1 },
    ],
    marketing: quietMarketing(['deals_of_the_week'], 19, 4),
    processedElsewhere: [['RU', 0.14], ['IE', 0.2]],
    waIdWithoutPlus: false,
  },
  {
    id: 'tiffin-express', name: 'Tiffin Express', sector: 'food delivery', verified: false, timezone: 'Asia/Kolkata',
    hours: hours(ALL_DAYS, '07:00', '23:30'),
    locations: [location('IN', 'Tiffin Express Pvt Ltd', 'none', true, 'controller')],
    volume: 8, mix: { inbound: 0.4, notification: 0.45, marketing: 0.15 },
    channels: [['whatsapp', 100]],
    customerCountries: [['IN', 92], ['AE', 3], ['GB', 2], ['DE', 1], ['US', 2]],
    staffing: { bot: false, handover: 0, agentMedianMinutes: 6, unanswered: 0.05, autoAck: 'after-hours' },
    notifications: [
      { name: 'order_otp', category: 'authentication', weight: 2, replyRate: 0 },
      { name: 'rider_on_the_way', category: 'utility', weight: 3, replyRate: 0.04 },
      { name: 'order_delivered', category: 'utility', weight: 2, replyRate: 0.03 },
    ],
    marketing: quietMarketing(['lunch_combo_offer', 'festival_specials'], 11, 6),
    // Processing seen in Singapore that the business never declared.
    processedElsewhere: [['SG', 0.08]],
    waIdWithoutPlus: true,
    adEntry: 0.06,
  },
  {
    id: 'sakura-hotels', name: 'Sakura Hotels & Resorts', sector: 'hotel chain', verified: true, timezone: 'Asia/Tokyo',
    hours: hours(ALL_DAYS, '07:00', '23:00'),
    locations: [
      location('JP', 'Sakura Hotels K.K.', 'adequacy', true, 'controller'),
      location('SG', 'StayRes Pte Ltd (reservations)', 'scc'),
    ],
    volume: 7, mix: { inbound: 0.5, notification: 0.4, marketing: 0.1 },
    channels: [['whatsapp', 60], ['messenger', 20], ['instagram', 20]],
    customerCountries: [['JP', 45], ['US', 12], ['KR', 6], ['DE', 5], ['FR', 5], ['GB', 5], ['AU', 4], ['SG', 3], ['IT', 3], ['ES', 3], ['BR', 3], ['CA', 3], ['CH', 3]],
    staffing: { bot: false, handover: 0, agentMedianMinutes: 8, unanswered: 0.03, autoAck: 'after-hours' },
    notifications: [
      { name: 'booking_confirmation', category: 'utility', weight: 3, replyRate: 0.1 },
      { name: 'pre_arrival_checkin', category: 'utility', weight: 2, replyRate: 0.15 },
      { name: 'checkout_receipt', category: 'utility', weight: 1, replyRate: 0.02 },
    ],
    marketing: quietMarketing(['cherry_blossom_packages'], 10, 1),
    processedElsewhere: [['SG', 0.3]],
    waIdWithoutPlus: false,
  },
  {
    id: 'parcelpoint', name: 'ParcelPoint', sector: 'parcel delivery', verified: true, timezone: 'Europe/Warsaw',
    hours: hours(WEEKDAYS, '07:00', '19:00', { sat: [['08:00', '14:00']] }),
    locations: [
      location('PL', 'ParcelPoint Sp. z o.o.', 'eea', true, 'controller'),
      location('GB', 'TrackRight Ltd (tracking platform)', 'adequacy'),
    ],
    volume: 10, mix: { inbound: 0.3, notification: 0.65, marketing: 0.05 },
    channels: [['whatsapp', 85], ['sms', 15]],
    customerCountries: [['PL', 55], ['DE', 12], ['CZ', 5], ['SE', 5], ['GB', 5], ['UA', 8], ['NL', 5], ['IE', 3], ['NG', 2]],
    staffing: { bot: false, handover: 0, agentMedianMinutes: 40, unanswered: 0.07, autoAck: 'always' },
    notifications: [
      { name: 'delivery_window', category: 'utility', weight: 4, replyRate: 0.05 },
      { name: 'parcel_locker_code', category: 'authentication', weight: 2, replyRate: 0 },
      { name: 'delivery_failed', category: 'utility', weight: 1, replyRate: 0.3 },
    ],
    marketing: quietMarketing(['send_a_parcel_discount'], 12, 1),
    // CZ: a depot partner's scanning system that nobody declared; inside the EEA, so shown as an
    // undeclared location without changing the flag.
    processedElsewhere: [['GB', 0.4], ['CZ', 0.08]],
    waIdWithoutPlus: true,
  },
  {
    id: 'shieldsure', name: 'ShieldSure Travel Insurance', sector: 'insurance', verified: true, timezone: 'Europe/London',
    hours: hours(WEEKDAYS, '08:30', '17:30'),
    locations: [
      location('GB', 'ShieldSure Ltd', 'adequacy', true, 'controller'),
      location('IE', 'ShieldSure Europe DAC', 'eea'),
      // Emergency assistance abroad: transfers needed to help the insured (GDPR Art. 49).
      location('ZA', 'Cape Medical Assist (Pty) Ltd', 'derogation'),
      location('AE', 'Gulf Assistance LLC', 'derogation'),
    ],
    volume: 6, mix: { inbound: 0.55, notification: 0.35, marketing: 0.1 },
    channels: [['whatsapp', 100]],
    customerCountries: [['GB', 58], ['GG', 5], ['JE', 5], ['IE', 10], ['ZA', 5], ['AE', 3], ['US', 3], ['NG', 3], ['IN', 3], ['JM', 3], ['ES', 2]],
    staffing: { bot: false, handover: 0, agentMedianMinutes: 45, unanswered: 0.06, autoAck: 'after-hours' },
    notifications: [
      { name: 'policy_documents', category: 'utility', weight: 2, replyRate: 0.05 },
      { name: 'claim_status_update', category: 'utility', weight: 2, replyRate: 0.25 },
      { name: 'login_code', category: 'authentication', weight: 1, replyRate: 0 },
    ],
    marketing: quietMarketing(['annual_cover_renewal'], 9, 1),
    processedElsewhere: [['IE', 0.2], ['ZA', 0.06], ['AE', 0.05]],
    waIdWithoutPlus: false,
  },
  {
    id: 'apotheke24', name: 'Apotheke 24 Versand', sector: 'pharmacy', verified: false, timezone: 'Europe/Berlin',
    hours: hours(WEEKDAYS, '08:00', '18:00', { sat: [['09:00', '13:00']] }),
    locations: [location('DE', 'Apotheke 24 Versand GmbH', 'eea', true, 'controller')],
    volume: 6, mix: { inbound: 0.55, notification: 0.4, marketing: 0.05 },
    channels: [['whatsapp', 100]],
    customerCountries: [['DE', 84], ['AT', 6], ['CH', 4], ['PL', 2], ['RU', 3], ['IT', 1]],
    staffing: { bot: false, handover: 0, agentMedianMinutes: 15, unanswered: 0.04, autoAck: 'after-hours' },
    notifications: [
      { name: 'prescription_received', category: 'utility', weight: 2, replyRate: 0.1 },
      { name: 'order_shipped', category: 'utility', weight: 2, replyRate: 0.03 },
      { name: 'refill_reminder', category: 'utility', weight: 1, replyRate: 0.2 },
    ],
    marketing: quietMarketing(['winter_health_offer'], 10, 1),
    processedElsewhere: [],
    waIdWithoutPlus: false,
    appReplies: 0.15,
  },
];

/** The body of PUT /v1/businesses/:id for a demo business whose period ends at `endMs`. */
export function registrationBody(business: DemoBusiness, endMs: number) {
  return {
    name: business.name,
    sector: business.sector,
    verified: business.verified,
    timezone: business.timezone,
    business_hours: business.hours,
    processing_locations: business.locations.map((l) => ({
      country: l.country,
      processor: l.processor,
      role: l.role,
      mechanism: l.mechanism,
      primary: l.primary,
      ...demoReview(business.id, l, endMs),
      importer_subject_to_gdpr: l.importerSubjectToGdpr ?? false,
    })),
  };
}
