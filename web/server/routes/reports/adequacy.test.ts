import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../testing/testRuntime';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => rt.stop());

describe('GET /v1/reports/adequacy', () => {
  it('lists every adequacy decision with its number, date and source, and the list\'s date', async () => {
    const res = await rt.admin('GET', '/v1/reports/adequacy');
    expect(res.status).toBe(200);
    const list = (await res.json()) as { as_of: string; decisions: { country: string | null; decision: string; date: string; source: string }[] };
    expect(list.as_of).toBe('2026-01-26');
    const byCountry = Object.fromEntries(list.decisions.filter((d) => d.country).map((d) => [d.country, d.decision]));
    expect(byCountry).toMatchObject({
      AD: '2010/625/EU', AR: '2003/490/EC', CA: '2002/2/EC', FO: '2010/146/EU', GG: '2003/821/EC', IL: '2011/61/EU', IM: '2004/411/EC',
      JE: '2008/393/EC', NZ: '2013/65/EU', CH: '2000/518/EC', UY: '2012/484/EU', JP: '(EU) 2019/419', KR: '(EU) 2022/254',
      GB: '(EU) 2021/1772', US: '(EU) 2023/1795', BR: '(EU) 2026/179',
    });
    for (const d of list.decisions) expect(d.source).toMatch(/^https:\/\//);
  });

  it('needs a signed-in role', async () => {
    expect((await rt.app.request('/v1/reports/adequacy')).status).toBe(401);
  });
});
