import type { TestEvent } from '../../testing/eventsDb';

/**
 * The campaigns report's definition (issue 23), written straight from its text as loops over all
 * events, deliberately naive: the SQL of both stores must agree with it on every figure, as the
 * metrics' cross-check does (reports/crossCheck.test.ts).
 *
 * - A message is its events under one key: the platform's message id, else the send's own event
 *   id. Its send is its earliest `message.sent`; its category the one a delivered/read status
 *   reported, else the send's (as the business report's template rows).
 * - A template send is a message whose send names a template. A row is one (template, category,
 *   campaign) over the template sends of the period: the send's instant in [from, to), on the
 *   channel asked for.
 * - A reaction (`customer.blocked`, `customer.muted`, `customer.reported`, `customer.opted_out`) is
 *   attributed to the most recent template send of the business to that customer at or before it,
 *   of any period, when that send is at most 24 hours before it (the `_24h` counts) or at most 7
 *   days before it (the `_7d` counts). Two sends at the same instant: the greater (template,
 *   category, campaign) wins, a rule both stores can apply to what they hold (their message keys
 *   differ: a pseudonym in one, its hash in the other), and any order of arrival gives the same.
 *   A reaction before any template send is attributed to none.
 * - The `_24h` / `_7d` counts are distinct customers with such a reaction attributed to a send of
 *   the row; rates divide by `recipients`, the distinct customers sent the row's template sends.
 */

export const REACTIONS = {
  'customer.blocked': 'blocked',
  'customer.muted': 'muted',
  'customer.reported': 'reported',
  'customer.opted_out': 'opted_out',
} as const;
type Reaction = (typeof REACTIONS)[keyof typeof REACTIONS];

export const PLATFORM_LIMIT_CODES = [131049, 130472];
const DAY_MS = 86_400_000;

export interface NaiveCampaignRow {
  template: string | null;
  category: string | null;
  campaign: string | null;
  /** The Monday of the sends' ISO week, days since 1970-01-01; null unless grouped by week. */
  week: number | null;
  sent: number;
  recipients: number;
  delivered: number;
  read: number;
  limited: number;
  charged: number;
  attributed_24h: Record<Reaction, number>;
  attributed_7d: Record<Reaction, number>;
}

interface Message {
  key: string;
  business: string;
  send: (TestEvent & { campaign?: string | null }) | undefined;
  sentAtMs: number;
  statusCategory: string | null;
  delivered: boolean;
  read: boolean;
  limited: boolean;
  pricing: string | null;
}

const minText = (a: string | null, b: string | null | undefined) => (b == null ? a : a === null || b < a ? b : a);

function messagesOf(events: readonly (TestEvent & { campaign?: string | null })[]): Message[] {
  const byKey = new Map<string, Message>();
  events.forEach((e, i) => {
    if (!['message.sent', 'message.delivered', 'message.read', 'message.failed'].includes(e.type)) return;
    if (e.type !== 'message.sent' && !e.message) return;
    const key = `${e.business ?? 'acme'}\u0000${e.message ?? e.id ?? `event-${i}`}`;
    let m = byKey.get(key);
    if (!m) {
      m = { key, business: e.business ?? 'acme', send: undefined, sentAtMs: Infinity, statusCategory: null, delivered: false, read: false, limited: false, pricing: null };
      byKey.set(key, m);
    }
    const at = Date.parse(e.at);
    if (e.type === 'message.sent' && at < m.sentAtMs) {
      m.send = e;
      m.sentAtMs = at;
    }
    if (e.type === 'message.delivered' || e.type === 'message.read') {
      m.delivered = true;
      m.statusCategory = minText(m.statusCategory, e.category);
    }
    if (e.type === 'message.read') m.read = true;
    if (e.type === 'message.failed' && PLATFORM_LIMIT_CODES.includes(e.errorCode ?? -1)) m.limited = true;
    m.pricing = minText(m.pricing, e.pricing);
  });
  return [...byKey.values()];
}

/** Which of two sends at one instant wins: the greater (template, category, campaign), NULL as ''. */
const tieOrder = (m: Message) => [m.send!.template ?? '', m.statusCategory ?? m.send!.category ?? '', m.send!.campaign ?? ''].join('\u0000');

/** The template send a reaction is attributed to within `windowMs`, or undefined. */
function attributedSend(sends: readonly Message[], business: string, customer: string, atMs: number, windowMs: number): Message | undefined {
  let best: Message | undefined;
  for (const m of sends) {
    if (m.business !== business || m.send!.customer !== customer || m.sentAtMs > atMs) continue;
    if (!best || m.sentAtMs > best.sentAtMs || (m.sentAtMs === best.sentAtMs && tieOrder(m) > tieOrder(best))) best = m;
  }
  return best && atMs - best.sentAtMs <= windowMs ? best : undefined;
}

export interface NaiveScope {
  business: string;
  fromMs: number;
  toMs: number;
  channel?: string;
  /** 'row' (default): per template, category, campaign; 'campaign': per campaign; 'template_week': per template and ISO week. */
  grouping?: 'row' | 'campaign' | 'template_week';
}

type RowKey = [string | null, string | null, string | null, number | null];

/** The row a send counts in, under the scope's grouping. */
function rowKeyOf(m: Message, grouping: NaiveScope['grouping']): RowKey {
  const template = m.send!.template!;
  const day = Math.floor(m.sentAtMs / DAY_MS);
  // 1970-01-01 was a Thursday: the week's Monday is 3 days before day 0's.
  const monday = day - ((day + 3) % 7 + 7) % 7;
  switch (grouping ?? 'row') {
    case 'row':
      return [template, m.statusCategory ?? m.send!.category ?? null, m.send!.campaign ?? null, null];
    case 'campaign':
      return [null, null, m.send!.campaign ?? null, null];
    case 'template_week':
      return [template, null, null, monday];
  }
}

export function naiveCampaignRows(events: readonly (TestEvent & { campaign?: string | null })[], scope: NaiveScope): NaiveCampaignRow[] {
  const sends = messagesOf(events).filter((m) => m.send !== undefined && m.send.template != null);
  const rowKey = (m: Message) => JSON.stringify(rowKeyOf(m, scope.grouping));
  const inRow = new Map<string, Message[]>();
  for (const m of sends) {
    if (m.business !== scope.business || m.sentAtMs < scope.fromMs || m.sentAtMs >= scope.toMs) continue;
    if (scope.channel !== undefined && (m.send!.channel ?? 'whatsapp') !== scope.channel) continue;
    inRow.set(rowKey(m), [...(inRow.get(rowKey(m)) ?? []), m]);
  }
  const attributed = { '24h': new Map<string, Record<Reaction, Set<string>>>(), '7d': new Map<string, Record<Reaction, Set<string>>>() };
  for (const e of events) {
    const reaction = (REACTIONS as Record<string, Reaction | undefined>)[e.type];
    if (!reaction || (e.business ?? 'acme') !== scope.business) continue;
    for (const [window, ms] of [['24h', DAY_MS], ['7d', 7 * DAY_MS]] as const) {
      const send = attributedSend(sends, scope.business, e.customer, Date.parse(e.at), ms);
      if (!send || !inRow.get(rowKey(send))?.includes(send)) continue;
      const sets = attributed[window].get(rowKey(send)) ?? emptySets();
      sets[reaction].add(e.customer);
      attributed[window].set(rowKey(send), sets);
    }
  }
  return [...inRow].map(([key, messages]) => {
    const [template, category, campaign, week] = JSON.parse(key) as RowKey;
    const sizes = (window: '24h' | '7d') => {
      const sets = attributed[window].get(key) ?? emptySets();
      return Object.fromEntries(Object.entries(sets).map(([r, s]) => [r, s.size])) as Record<Reaction, number>;
    };
    return {
      template, category, campaign, week,
      sent: messages.length,
      recipients: new Set(messages.map((m) => m.send!.customer)).size,
      delivered: messages.filter((m) => m.delivered).length,
      read: messages.filter((m) => m.read).length,
      limited: messages.filter((m) => m.limited).length,
      charged: messages.filter((m) => m.pricing === 'regular').length,
      attributed_24h: sizes('24h'),
      attributed_7d: sizes('7d'),
    };
  }).sort((a, b) => compareText(a.template, b.template) || compareText(a.category, b.category) || compareText(a.campaign, b.campaign) || (a.week ?? -1) - (b.week ?? -1));
}

/** Text order with NULL first, as the SQL's ORDER BY ... NULLS FIRST (ASCII names: code units are bytes). */
function compareText(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

function emptySets(): Record<Reaction, Set<string>> {
  return { blocked: new Set(), muted: new Set(), reported: new Set(), opted_out: new Set() };
}
