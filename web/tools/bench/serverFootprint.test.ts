import { describe, expect, it } from 'vitest';
import { phaseOfPeak } from './serverFootprint';

const MiB = 2 ** 20;
const phase = (name: string, peakMiB: number, rssMiB: number) => ({ phase: name, peakRssBytes: peakMiB * MiB, rssBytes: rssMiB * MiB });

describe('phaseOfPeak', () => {
  it('names the phase in which the peak so far last rose', () => {
    expect(phaseOfPeak([phase('warm reports', 700, 650), phase('HTTP ingest', 900, 800), phase('reports under ingest', 900, 850)])).toBe('HTTP ingest');
    expect(phaseOfPeak([phase('warm reports', 700, 650), phase('HTTP ingest', 900, 800), phase('reports under ingest', 1000, 850)])).toBe('reports under ingest');
    expect(phaseOfPeak([phase('warm reports', 700, 650), phase('HTTP ingest', 700, 600)])).toBe('warm reports');
  });

  it('names none when nothing was sampled', () => {
    expect(phaseOfPeak([])).toBeUndefined();
  });
});
