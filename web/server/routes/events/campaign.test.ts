import { describe, expect, it } from 'vitest';
import { queryRows } from '../../../../db/duckdb';
import { CURRENT_MESSAGE_FACTS } from '../../../../db/messageFacts';
import { useTestRuntimes, type TestRuntime } from '../../testing/testRuntime';

// POST /v1/events with a campaign tag on message.sent: stored on the event and carried into the
// message's facts as its earliest send's campaign; refused off message.sent and outside the tag
// alphabet.

const NOW = Date.parse('2026-11-20T12:00:00Z');
const runtimes = useTestRuntimes({ now: () => NOW });

const sent = (id: string, message: string, at: string, extra: Record<string, unknown> = {}) => ({
  id, business: 'acme', type: 'message.sent', channel: 'whatsapp', customer: '+39 333 123 4567', conversation: 't1', message, at,
  sender: 'automation', category: 'marketing', template: 'spring_offer', ...extra,
});

async function started(): Promise<{ rt: TestRuntime; key: string }> {
  const rt = await runtimes.start();
  await rt.registerBusiness('acme');
  return { rt, key: await rt.createKey('acme') };
}

async function post(rt: TestRuntime, key: string, events: unknown[], status = 200) {
  const res = await rt.postEvents(key, events);
  expect(res.status).toBe(status);
  return (await res.json()) as { accepted: number; rejected: { index: number; field: string | null; error: string }[] };
}

const storedCampaigns = async (rt: TestRuntime) => (await queryRows<{ at: string; campaign: string | null }>(rt.deps.store.connection,
  `SELECT strftime(occurred_at AT TIME ZONE 'UTC', '%H:%M') AS at, campaign FROM events WHERE type = 'message.sent' ORDER BY occurred_at`));
const factCampaigns = async (rt: TestRuntime) => (await queryRows<{ at: string; campaign: string | null }>(rt.deps.store.connection,
  `SELECT strftime(sent_at AT TIME ZONE 'UTC', '%H:%M') AS at, campaign FROM ${CURRENT_MESSAGE_FACTS} AS f ORDER BY sent_at`));

describe('campaign on message.sent', () => {
  it("is stored on the send and becomes the message's campaign; a later send of it with another does not change it", async () => {
    const { rt, key } = await started();
    expect(await post(rt, key, [
      sent('s1', 'wamid.1', '2026-11-19T09:00:00Z', { campaign: 'Spring_Sale.2026-11' }),
      sent('s2', 'wamid.2', '2026-11-19T09:30:00Z'),
    ])).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect(await post(rt, key, [sent('s3', 'wamid.1', '2026-11-19T10:00:00Z', { campaign: 'resend-b' })])).toMatchObject({ accepted: 1 });
    expect(await storedCampaigns(rt)).toEqual([
      { at: '09:00', campaign: 'Spring_Sale.2026-11' }, { at: '09:30', campaign: null }, { at: '10:00', campaign: 'resend-b' },
    ]);
    expect(await factCampaigns(rt)).toEqual([{ at: '09:00', campaign: 'Spring_Sale.2026-11' }, { at: '09:30', campaign: null }]);
  });

  it("takes the earliest send's campaign when that send arrives last", async () => {
    const { rt, key } = await started();
    await post(rt, key, [sent('late', 'wamid.9', '2026-11-19T11:00:00Z', { campaign: 'retry_wave' })]);
    await post(rt, key, [sent('early', 'wamid.9', '2026-11-19T08:00:00Z', { campaign: 'first_wave' })]);
    expect(await factCampaigns(rt)).toEqual([{ at: '08:00', campaign: 'first_wave' }]);
  });

  it('refuses a campaign outside the tag alphabet, with digits of a phone number, or on another event type, and stores none of them', async () => {
    const { rt, key } = await started();
    const reply = await post(rt, key, [
      sent('a', 'wamid.a', '2026-11-19T09:00:00Z', { campaign: 'jane.doe@example.com' }),
      sent('b', 'wamid.b', '2026-11-19T09:00:00Z', { campaign: '0151-2345-6789' }),
      { id: 'c', business: 'acme', type: 'message.delivered', channel: 'whatsapp', customer: '+39 333 123 4567', conversation: 't1', message: 'wamid.c', at: '2026-11-19T09:01:00Z', campaign: 'spring_sale' },
    ], 422);
    expect(reply.accepted).toBe(0);
    expect(reply.rejected.map((r) => [r.index, r.field])).toEqual([[0, 'campaign'], [1, 'campaign'], [2, 'campaign']]);
    expect(reply.rejected[0]!.error).toMatch(/A-Z, a-z, 0-9, _, - and \./);
    expect(reply.rejected[1]!.error).toMatch(/7 or more digits/);
    expect(reply.rejected[2]!.error).toBe('campaign is only allowed on message.sent');
    expect(JSON.stringify(reply)).not.toMatch(/jane|2345/);
    expect(await queryRows(rt.deps.store.connection, 'SELECT * FROM events')).toEqual([]);
  });
});
