import { describe, expect, it } from 'vitest';
import { ingestCpu, machineTicks, readCpu, statCpuSeconds, type CpuReading } from './ingestCpu';

describe('statCpuSeconds', () => {
  it('adds user and system ticks, counting fields from the end of the command name', () => {
    // A name with a space and a parenthesis, as a thread may carry.
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 9 0 0 0 250 75 0 0 20 0 7 0 100 0 0';
    expect(statCpuSeconds(stat)).toBeCloseTo(3.25);
  });
});

describe('machineTicks', () => {
  it('counts idle and waiting for the disk as idle, every column in the total', () => {
    expect(machineTicks('cpu  100 10 50 800 40 0 0 0 0 0\ncpu0 1 2 3 4 5 0 0 0 0 0\n')).toEqual({ idle: 840, total: 1000 });
  });
});

const reading = (threads: [number, number][], loaderSeconds: number, idle: number, total: number): CpuReading => ({
  serverThreads: new Map(threads), serverPid: 10, loaderSeconds, machine: { idle, total },
});

describe('ingestCpu', () => {
  it('splits the phase\'s CPU into the main thread, the other threads and the loader, per event', () => {
    const before = reading([[10, 5], [11, 1], [12, 2]], 3, 1000, 4000);
    // Thread 13 started during the phase; thread 12 ended (its time in the phase is not seen).
    const after = reading([[10, 7], [11, 2.5], [13, 0.5]], 3.1, 1340, 5000);
    const cpu = ingestCpu(before, after, 100_000, 5);
    expect(cpu.serverMainUsPerEvent).toBeCloseTo(20);
    expect(cpu.serverOtherThreadsUsPerEvent).toBeCloseTo(20);
    expect(cpu.loaderUsPerEvent).toBeCloseTo(1);
    expect(cpu.serverCores).toBeCloseTo(0.8);
    expect(cpu.machineIdleShare).toBeCloseTo(0.34);
  });

  it('gives zeros for a phase that handled nothing', () => {
    const same = reading([[10, 5]], 1, 10, 20);
    expect(ingestCpu(same, same, 0, 0)).toEqual({ serverMainUsPerEvent: 0, serverOtherThreadsUsPerEvent: 0, loaderUsPerEvent: 0, serverCores: 0, machineIdleShare: 0 });
  });
});

describe('readCpu', () => {
  it('reads a live process\'s threads, its main thread among them', () => {
    const cpu = readCpu(process.pid)!;
    expect(cpu.serverThreads.has(process.pid)).toBe(true);
    expect(cpu.loaderSeconds).toBeGreaterThan(0);
    expect(cpu.machine.total).toBeGreaterThan(cpu.machine.idle);
  });

  it('gives nothing for a process that is gone', () => {
    expect(readCpu(2 ** 22 + 1)).toBeUndefined();
  });
});
