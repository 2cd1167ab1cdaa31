import { describe, expect, it } from 'vitest';
import { METRIC_GROUPS, METRICS } from '../../metrics/definitions';
import { metricTables } from './metricTables';

// The PDF's metric tables are headed by the catalogue: one table per group, its short labels.
describe('PDF metric tables', () => {
  it('head each group\'s table with the catalogue\'s short labels, in catalogue order', () => {
    const content = metricTables('Business', [], 10) as unknown as ({ text?: string } & { table?: { body: unknown[][] } })[];
    const titles = content.filter((c) => c.table === undefined).map((c) => JSON.stringify(c));
    const headers = content.filter((c) => c.table !== undefined).map((c) => JSON.stringify(c.table!.body[0]));
    expect(headers).toHaveLength(METRIC_GROUPS.length);
    METRIC_GROUPS.forEach((group, i) => {
      expect(titles[i]).toContain(group.title);
      for (const metric of METRICS.filter((m) => m.group === group.id)) expect(headers[i], metric.id).toContain(JSON.stringify(metric.shortLabel));
    });
  });
});
