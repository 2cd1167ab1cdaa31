import { describe, expect, it } from 'vitest';
import { formatFigures, runCrashTest } from './crashTest';

// The CI-sized crash test; `npm run test:crash` runs the full 20 cycles.
describe('crash test (CI size)', () => {
  it('loses no acknowledged event, stores none twice and keeps the report facts exact over 5 SIGKILL cycles', async () => {
    const figures = await runCrashTest({ cycles: 5, events: 3_000, batchSize: 150, workers: 3, minUpMs: 150, maxUpMs: 900, seed: 'ci' });
    process.stdout.write(`${formatFigures(figures)}\n`);
    expect(figures.cycles).toBe(5);
    expect(figures.acknowledged).toBe(3_000);
    expect(figures.lost).toBe(0);
    expect(figures.duplicated).toBe(0);
    expect(figures.derivedDiffering).toBe(0);
    expect(figures.storedDistinct).toBe(3_000);
    expect(figures.inFlightAtKills).toBeGreaterThan(0);
    expect(figures.gracefulExitCode).toBe(0);
  }, 120_000);
});
