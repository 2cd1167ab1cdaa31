import type { CATEGORIES, PRICING_TYPES } from '../events/eventSchema';
import type { DemoBusiness, DemoChannel, MarketingProfile, NotificationTemplate } from './businesses';
import type { CustomerPool, DemoCustomer } from './customers';
import { conversationId, eventId, messageId } from './identifiers';
import type { LocalClock, OpeningHours } from './openingHours';
import type { Random } from './random';

export type DemoEventType =
  | 'message.received' | 'message.sent' | 'message.delivered' | 'message.read' | 'message.failed'
  | 'customer.blocked' | 'customer.unblocked' | 'customer.muted' | 'customer.unmuted'
  | 'customer.opted_out' | 'customer.opted_in' | 'customer.reported';

export type Category = (typeof CATEGORIES)[number];
export type Pricing = (typeof PRICING_TYPES)[number];

/** An event exactly as POST /v1/events takes it. */
export interface DemoEvent {
  id: string;
  business: string;
  type: DemoEventType;
  channel: DemoChannel;
  customer: string;
  customer_aliases?: string[];
  customer_country?: string;
  conversation?: string;
  message?: string;
  at: string;
  sender?: 'agent' | 'bot' | 'automation';
  category?: Category;
  template?: string;
  /** A marketing send's campaign tag. */
  campaign?: string;
  processed_in?: string;
  error_code?: number;
  pricing?: Pricing;
  source?: 'business_app';
}

export interface Campaign {
  /** The tag its sends carry, e.g. fare_sale_0412. */
  name: string;
  at: number;
  template: string;
  size: number;
  /** Multiplies the business's opt-out, block, report and mute rates for this campaign's sends. */
  annoyance: number;
}

/** A business with what its simulation needs: clock, hours, customers, campaigns and state. */
export interface BusinessModel {
  profile: DemoBusiness;
  clock: LocalClock;
  opening: OpeningHours;
  pool: CustomerPool;
  campaigns: Campaign[];
  /** Start of the surge day, if the business has one. */
  surgeAt: number | undefined;
  /** Customers who opted out or blocked: campaigns skip them. */
  unreachable: Set<DemoCustomer>;
}

export interface Period {
  start: number;
  end: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A click-to-WhatsApp ad opens a free entry point window of 72 hours. */
const ENTRY_POINT_WINDOW = 72 * HOUR;
/** Share of WhatsApp sends whose integration reports them as service, without pricing, and learns the billing category and pricing from the delivered status (as with Meta's v24 webhooks). */
const PRICED_ON_DELIVERY = 0.05;
/** Share of WhatsApp marketing sends Meta does not deliver: its per-user marketing cap (131049) or its marketing experiment (130472). */
const PLATFORM_LIMITED = 0.04;
/** Share of customer-initiated WhatsApp conversations followed by a utility template (a confirmation) while the customer service window is open. */
const UTILITY_IN_WINDOW = 0.1;
/** Where a business-initiated authentication message to a customer there is billed at the international rate. */
const AUTHENTICATION_INTERNATIONAL = new Set(['IN', 'ID', 'EG', 'MY', 'NG', 'PK', 'SA', 'ZA', 'AE']);

// When people write, by local hour, and how much less at weekends.
const HOURLY_ACTIVITY = [
  0.08, 0.04, 0.03, 0.03, 0.04, 0.08, 0.2, 0.45, 0.75, 0.95, 1, 0.95,
  0.9, 0.92, 0.95, 0.9, 0.85, 0.8, 0.8, 0.85, 0.85, 0.75, 0.5, 0.25,
];
const WEEKDAY_ACTIVITY = [0.65, 1, 0.95, 0.95, 0.95, 0.9, 0.75];

/** A moment customers are plausibly active, with slow growth over the period. */
export function activeTime(rng: Random, clock: LocalClock, period: Period): number {
  const span = period.end - period.start;
  for (;;) {
    const fraction = rng.next();
    const t = period.start + fraction * span;
    const weight = HOURLY_ACTIVITY[clock.hourOfDay(t)]! * WEEKDAY_ACTIVITY[clock.weekday(t)]! * (0.8 + 0.2 * fraction);
    if (rng.next() < weight) return t;
  }
}

/** One conversation's events, in the order they happened (mostly). */
class Thread {
  readonly events: DemoEvent[] = [];
  readonly conversation: string;
  /** When the customer last wrote: the customer service window is open for 24 hours after. */
  customerWroteAt: number | undefined;
  /** When the customer wrote from a click-to-WhatsApp ad, if the conversation started so. */
  entryPointAt: number | undefined;
  /** The campaign whose template this thread's marketing send is, if any: its tag goes on the send. */
  campaign: Campaign | undefined;

  constructor(
    private readonly rng: Random,
    private readonly model: BusinessModel,
    private readonly period: Period,
    readonly customer: DemoCustomer,
    private readonly processedIn: string | undefined,
  ) {
    this.conversation = conversationId(rng, customer.channel);
  }

  /** Adds an event; one after the end of the period has not happened yet and is left out. */
  #push(type: DemoEventType, at: number, inConversation = true): DemoEvent {
    const { customer } = this;
    // A customer who starts hiding the number is known by the BSUID alone from then on.
    const numberHidden = customer.hidesNumberFrom !== undefined && customer.linked === true &&
      at >= this.period.start + customer.hidesNumberFrom * (this.period.end - this.period.start);
    const event: DemoEvent = {
      id: eventId(this.rng),
      business: this.model.profile.id,
      type,
      channel: customer.channel,
      customer: numberHidden ? customer.bsuid! : customer.id,
      at: new Date(Math.round(at)).toISOString(),
    };
    if (customer.bsuid !== undefined && !numberHidden && customer.id !== customer.bsuid) event.customer_aliases = [customer.bsuid];
    // A BSUID names its country in its prefix.
    if (!customer.isPhone && customer.bsuid === undefined) event.customer_country = customer.country;
    if (inConversation) event.conversation = this.conversation;
    if (this.processedIn) event.processed_in = this.processedIn;
    if (at >= this.period.start && at <= this.period.end) {
      this.events.push(event);
      if (event.customer_aliases) customer.linked = true;
    }
    return event;
  }

  received(at: number): void {
    this.#push('message.received', at).message = messageId(this.rng, this.customer.channel);
    if (this.customerWroteAt === undefined || at > this.customerWroteAt) this.customerWroteAt = at;
  }

  /** WhatsApp's pricing type of a send: free in an open entry point or customer service window, except marketing and authentication. */
  pricing(at: number, category: Category): Pricing {
    if (this.entryPointAt !== undefined && at >= this.entryPointAt && at - this.entryPointAt <= ENTRY_POINT_WINDOW) return 'free_entry_point';
    const windowOpen = this.customerWroteAt !== undefined && at >= this.customerWroteAt && at - this.customerWroteAt <= DAY;
    return category === 'service' || (category === 'utility' && windowOpen) ? 'free_customer_service' : 'regular';
  }

  /**
   * A message from the business with its delivery statuses; the time it was read, if it was.
   * fromApp: typed in the WhatsApp Business app (an agent's service reply).
   */
  sent(at: number, sender: 'agent' | 'bot' | 'automation', category: Category, template?: string, attentive = false, fromApp = false): Delivery {
    const { rng } = this;
    const channel = this.customer.channel;
    const message = messageId(rng, channel);
    const sent = this.#push('message.sent', at);
    sent.message = message;
    sent.sender = sender;
    sent.category = category;
    if (template) sent.template = template;
    if (template && this.campaign) sent.campaign = this.campaign.name;
    if (fromApp) sent.source = 'business_app';
    let pricing: Pricing | undefined;
    let pricedOnDelivery = false;
    // An app reply's echo is not billed and carries no pricing.
    if (channel === 'whatsapp' && !fromApp) {
      pricing = this.pricing(at, category);
      pricedOnDelivery = !fromApp && rng.chance(PRICED_ON_DELIVERY);
      // The send as the integration knew it: a service message, price unknown.
      if (pricedOnDelivery) sent.category = 'service';
      else sent.pricing = pricing;
    }
    const errorCode = failure(rng, channel, category);
    if (errorCode !== undefined) {
      const failed = this.#push('message.failed', at + rng.logNormal(3 * SECOND, 1));
      failed.message = message;
      failed.error_code = errorCode;
      return { delivered: undefined, read: undefined };
    }
    const delivered = at + (rng.chance(0.05) ? rng.exponential(3 * HOUR) : rng.logNormal(1.5 * SECOND, 0.8));
    const status = this.#push('message.delivered', delivered);
    status.message = message;
    if (pricedOnDelivery) {
      status.category = category;
      status.pricing = pricing;
    }
    // SMS has no read receipts.
    if (channel === 'sms' || !rng.chance(READ_RATE[category])) return { delivered, read: undefined };
    const read = delivered + (attentive ? rng.logNormal(40 * SECOND, 1.2) : rng.logNormal(12 * MINUTE, 1.6));
    this.#push('message.read', read).message = message;
    return { delivered, read };
  }

  customerEvent(type: DemoEventType, at: number, inConversation = true): void {
    this.#push(type, at, inConversation);
  }
}

interface Delivery {
  delivered: number | undefined;
  read: number | undefined;
}

const READ_RATE: Record<Category, number> = {
  service: 0.93, utility: 0.8, authentication: 0.7, authentication_international: 0.7, marketing: 0.5, marketing_lite: 0.5,
  referral_conversion: 0.6,
};

/** The error code of a send that is not delivered, or undefined for one that is. */
function failure(rng: Random, channel: DemoChannel, category: Category): number | undefined {
  const marketing = category === 'marketing' || category === 'marketing_lite';
  if (channel === 'whatsapp' && marketing) {
    // Meta's per-user cap on marketing messages (and, rarely, its marketing experiment): the
    // platform holds the message back; nothing is wrong with the number.
    if (rng.chance(PLATFORM_LIMITED)) return rng.chance(0.9) ? 131049 : 130472;
    return rng.chance(0.015) ? rng.weighted([[131026, 50], [131050, 35], [131000, 15]]) : undefined;
  }
  if (!rng.chance(marketing ? 0.04 : 0.012)) return undefined;
  if (channel === 'messenger' || channel === 'instagram') return rng.weighted([[551, 6], [10, 2], [200, 1]]);
  return rng.weighted([[131026, 60], [130429, 15], [131047, 10], [131000, 10], [131053, 5]]);
}

/** When a person answers a message that came in at t: quickly when open, next opening otherwise. */
function agentAnswer(rng: Random, model: BusinessModel, t: number, medianMinutes: number): number {
  const { opening, clock } = model;
  const hour = clock.hourOfDay(t);
  // Lunch and Monday mornings are busy.
  const load = (hour >= 12 && hour < 14 ? 1.5 : 1) * (clock.weekday(t) === 1 && hour < 12 ? 1.4 : 1);
  const opensAt = opening.nextOpening(t);
  if (opensAt === t) {
    const at = t + rng.logNormal(medianMinutes * MINUTE * load, 1);
    return opening.isOpen(at) ? at : opening.nextOpening(at) + rng.logNormal(medianMinutes * 2 * MINUTE, 0.8);
  }
  // The overnight queue is worked through in the first hours after opening.
  return opensAt + rng.logNormal(medianMinutes * 2 * MINUTE, 0.9);
}

/** The business's side of a conversation after the customer wrote at firstAt .. lastAt. */
function respond(rng: Random, model: BusinessModel, thread: Thread, firstAt: number, lastAt: number): void {
  const { staffing, appReplies = 0 } = model.profile;
  const whatsapp = thread.customer.channel === 'whatsapp';
  // Whoever takes the conversation answers all of it from the same place.
  const fromApp = whatsapp && rng.chance(appReplies);
  let customerAt = lastAt;
  if (staffing.bot) {
    let answer = thread.sent(firstAt + rng.logNormal(2.5 * SECOND, 0.5), 'bot', 'service', undefined, true);
    for (let k = rng.weighted([[0, 4], [1, 3], [2, 2], [3, 1]]); k > 0; k--) {
      customerAt = (answer.read ?? answer.delivered ?? customerAt) + rng.logNormal(30 * SECOND, 0.8);
      thread.received(customerAt);
      answer = thread.sent(customerAt + rng.logNormal(2 * SECOND, 0.5), 'bot', 'service', undefined, true);
    }
    if (!rng.chance(staffing.handover)) return;
  } else if (rng.chance(staffing.unanswered * (model.opening.isOpen(firstAt) ? 0.6 : 1.8))) {
    // Left without an answer: a few people give up on the business for good.
    if (rng.chance(0.04)) thread.customerEvent('customer.blocked', lastAt + rng.logNormal(2 * DAY, 0.7));
    return;
  }
  let exchanges = rng.weighted([[0, 35], [1, 30], [2, 20], [3, 10], [4, 5]]);
  for (let first = true; ; first = false) {
    const at = agentAnswer(rng, model, customerAt, first ? staffing.agentMedianMinutes : staffing.agentMedianMinutes / 3);
    // After 24 hours the customer service window is closed: WhatsApp then needs a template.
    const late = whatsapp && at - customerAt > DAY;
    // The Business app cannot send templates: a late answer goes through the API.
    const answer = late ? thread.sent(at, 'agent', 'utility', 'support_follow_up') : thread.sent(at, 'agent', 'service', undefined, true, fromApp);
    if (exchanges-- <= 0 || answer.read === undefined) return;
    customerAt = answer.read + rng.logNormal(90 * SECOND, 1);
    thread.received(customerAt);
  }
}

function customerInitiated(rng: Random, model: BusinessModel, thread: Thread, start: number): void {
  const { autoAck } = model.profile.staffing;
  let lastAt = start;
  thread.received(start);
  for (let more = rng.weighted([[0, 60], [1, 30], [2, 10]]); more > 0; more--) {
    lastAt += rng.logNormal(25 * SECOND, 0.8);
    thread.received(lastAt);
  }
  if (autoAck === 'always' || (autoAck === 'after-hours' && !model.opening.isOpen(start))) {
    thread.sent(start + rng.logNormal(1.5 * SECOND, 0.4), 'automation', 'service', undefined, true);
  }
  respond(rng, model, thread, start, lastAt);
  const utility = model.profile.notifications.filter((t) => t.category === 'utility');
  if (thread.customer.channel === 'whatsapp' && utility.length > 0 && rng.chance(UTILITY_IN_WINDOW)) {
    // A confirmation (order, booking, documents) while the customer service window is open.
    const wroteAt = thread.customerWroteAt!;
    const at = wroteAt + Math.min(rng.logNormal(20 * MINUTE, 1.2), DAY - MINUTE);
    thread.sent(at, 'automation', 'utility', rng.weighted(utility.map((t) => [t.name, t.weight] as const)));
  }
}

/** The primary location's country: where the business is. */
const homeCountry = (business: DemoBusiness) => business.locations.find((l) => l.primary)?.country;

// Template sends (notifications and campaigns) come from systems, not people: sender automation.
function notification(rng: Random, model: BusinessModel, thread: Thread, start: number): void {
  const template: NotificationTemplate = rng.weighted(model.profile.notifications.map((t) => [t, t.weight] as const));
  const { customer } = thread;
  // Codes to customers in some markets, from a business elsewhere, are billed at an international rate.
  const category: Category = template.category === 'authentication' && customer.channel === 'whatsapp' &&
      AUTHENTICATION_INTERNATIONAL.has(customer.country) && customer.country !== homeCountry(model.profile)
    ? 'authentication_international'
    : template.category;
  let delivery = thread.sent(start, 'automation', category, template.name);
  if (template.category === 'authentication' && delivery.read === undefined && rng.chance(0.3)) {
    // The code did not arrive in time: the customer asks for another one.
    delivery = thread.sent(start + rng.logNormal(70 * SECOND, 0.4), 'automation', category, template.name);
  }
  if (delivery.read !== undefined && rng.chance(template.replyRate)) {
    const at = delivery.read + rng.logNormal(3 * MINUTE, 1);
    thread.received(at);
    respond(rng, model, thread, at, at);
  }
}

function marketing(rng: Random, model: BusinessModel, thread: Thread, start: number, template: string): void {
  const { optInAgain } = model.profile.marketing;
  const reactions = reactionsTo(model.profile.marketing.reactions, thread.campaign?.annoyance ?? 1);
  const delivery = thread.sent(start, 'automation', 'marketing', template);
  if (delivery.delivered === undefined) return;
  // People react to the notification preview too, not only to messages they open.
  const seen = delivery.read ?? delivery.delivered + rng.logNormal(5 * HOUR, 1);
  const { customer } = thread;
  let u = rng.next();
  if ((u -= reactions.optOut) < 0) {
    thread.customerEvent('customer.opted_out', seen + rng.logNormal(90 * SECOND, 0.8));
    model.unreachable.add(customer);
    if (rng.chance(optInAgain)) thread.customerEvent('customer.opted_in', seen + rng.exponential(20 * DAY), false);
  } else if ((u -= reactions.block) < 0) {
    const at = seen + rng.logNormal(3 * MINUTE, 1);
    thread.customerEvent('customer.blocked', at);
    if (rng.chance(Math.min(1, reactions.report / reactions.block))) thread.customerEvent('customer.reported', at + rng.logNormal(5 * SECOND, 0.5));
    model.unreachable.add(customer);
    if (rng.chance(0.05)) thread.customerEvent('customer.unblocked', at + rng.exponential(15 * DAY), false);
  } else if ((u -= reactions.mute) < 0) {
    const at = seen + rng.logNormal(2 * MINUTE, 1);
    thread.customerEvent('customer.muted', at);
    if (rng.chance(0.1)) thread.customerEvent('customer.unmuted', at + rng.exponential(20 * DAY), false);
  } else if ((u -= reactions.reply) < 0) {
    const at = seen + rng.logNormal(4 * MINUTE, 1);
    thread.received(at);
    respond(rng, model, thread, at, at);
  }
}

/** The business's reaction rates with the negative ones scaled by a campaign's annoyance (their sum kept below 1). */
function reactionsTo(base: MarketingProfile['reactions'], annoyance: number): MarketingProfile['reactions'] {
  const negative = (base.optOut + base.block + base.mute) * annoyance;
  const scale = negative > 0.9 ? (0.9 / negative) * annoyance : annoyance;
  return { reply: base.reply, optOut: base.optOut * scale, block: base.block * scale, report: base.report * scale, mute: base.mute * scale };
}

function processingCountry(rng: Random, business: DemoBusiness): string | undefined {
  let u = rng.next();
  for (const [country, share] of business.processedElsewhere) {
    if ((u -= share) < 0) return country;
  }
  return undefined;
}

/** Simulates one conversation of the business, starting inside the period: its events within the period. */
export function simulateConversation(rng: Random, model: BusinessModel, period: Period): DemoEvent[] {
  const { profile } = model;
  const kind = rng.weighted([['inbound', profile.mix.inbound], ['notification', profile.mix.notification], ['marketing', profile.mix.marketing]] as const);
  const processedIn = processingCountry(rng, profile);
  if (kind === 'marketing') {
    let customer = model.pool.pick(rng);
    for (let tries = 0; model.unreachable.has(customer) && tries < 5; tries++) customer = model.pool.pick(rng);
    if (model.unreachable.has(customer)) return [];
    const campaign = model.campaigns.length > 0 && rng.chance(0.85)
      ? rng.weighted(model.campaigns.map((c) => [c, c.size] as const))
      : undefined;
    const start = campaign ? campaign.at + rng.exponential(20 * MINUTE) : activeTime(rng, model.clock, period);
    const thread = new Thread(rng, model, period, customer, processedIn);
    thread.campaign = campaign;
    marketing(rng, model, thread, Math.min(start, period.end), campaign?.template ?? rng.pick(profile.marketing.templates));
    return thread.events;
  }
  const thread = new Thread(rng, model, period, model.pool.pick(rng), processedIn);
  if (kind === 'inbound') {
    const surge = model.surgeAt !== undefined && profile.surge && rng.chance(profile.surge.share);
    const start = surge ? model.surgeAt! + 5 * HOUR + rng.exponential(5 * HOUR) : activeTime(rng, model.clock, period);
    if (thread.customer.channel === 'whatsapp' && rng.chance(profile.adEntry ?? 0)) thread.entryPointAt = Math.min(start, period.end);
    customerInitiated(rng, model, thread, Math.min(start, period.end));
  } else {
    notification(rng, model, thread, activeTime(rng, model.clock, period));
  }
  return thread.events;
}
