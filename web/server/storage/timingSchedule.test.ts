import { describe, expect, it } from 'vitest';
import { useTestRuntimes, type TestRuntime } from '../testing/testRuntime';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const PERIOD = 'from=2026-03-01&to=2026-03-10';
const HOUR = 3_600_000;
const ALWAYS_OPEN = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, [['00:00', '24:00']]]));

const { start } = useTestRuntimes({ now: () => NOW, env: { MIN_COHORT: '1' } });

/**
 * Customers writing at 16:30 in Berlin (UTC+1 in March) on the weekdays of 2-6 March, answered
 * the next morning at 09:00 + `minutes`: 17-18 hours on the calendar, 30 + `minutes` minutes of
 * the Monday-Friday 09:00-17:00 hours (businessBody's).
 */
function eveningExchanges(): unknown[] {
  return [2, 3, 4, 5].flatMap((day, i) => {
    const asked = Date.parse(`2026-03-0${day}T15:30:00Z`);
    const base = { business: 'cafe', channel: 'whatsapp', customer: `+49 151 2345 000${i}`, conversation: `c${i}` };
    return [
      { ...base, id: `in${i}`, type: 'message.received', at: new Date(asked).toISOString() },
      { ...base, id: `out${i}`, type: 'message.sent', message: `m${i}`, sender: 'agent', category: 'service', at: new Date(asked + 17 * HOUR + i * 10 * 60_000).toISOString() },
    ];
  });
}

async function frtFigures(rt: TestRuntime): Promise<{ text: string; calendar: number; businessHours: number }> {
  const res = await rt.admin('GET', `/v1/reports/businesses/cafe?${PERIOD}&granularity=day`);
  const text = await res.text();
  const { totals } = JSON.parse(text) as { totals: { frt_median_s: number; frt_bh_median_s: number } };
  return { text, calendar: totals.frt_median_s, businessHours: totals.frt_bh_median_s };
}

describe('stored business-hours timing', () => {
  it('keeps every figure, and a change of hours applies at once, before and after the conversations are timed again', async () => {
    const rt = await start();
    await rt.registerBusiness('cafe');
    const key = await rt.createKey('cafe');
    expect(await (await rt.postEvents(key, eveningExchanges())).json()).toMatchObject({ accepted: 8, rejected: [] });
    await rt.deps.writer.compactFacts();
    const joined = await frtFigures(rt);
    // 17 h 15 min on the calendar, and of it 30 min before closing + 45 min after opening.
    expect(joined.calendar).toBe(17.25 * 3600);
    expect(joined.businessHours).toBe(75 * 60);

    expect(await rt.timeConversations()).toBe(4);
    expect(await rt.timeConversations()).toBe(0);
    expect((await frtFigures(rt)).text).toBe(joined.text);

    // Open around the clock: business hours are calendar time, whatever was stored before.
    await rt.registerBusiness('cafe', { business_hours: ALWAYS_OPEN });
    const reopened = await frtFigures(rt);
    expect(reopened.businessHours).toBe(reopened.calendar);
    expect(await rt.timeConversations()).toBe(4);
    expect((await frtFigures(rt)).text).toBe(reopened.text);
  });
});
