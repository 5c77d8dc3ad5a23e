/**
 * Latency figures of repeated runs of one operation: median and p99 by the nearest-rank method
 * (the sample at rank ceil(p/100 * n)), so every figure printed is a time that was measured.
 */
export interface LatencySummary {
  runs: number;
  medianMs: number;
  p99Ms: number;
  minMs: number;
  maxMs: number;
}

/** The sample at percentile `p` (0 < p <= 100) of `sorted` (ascending), by nearest rank. */
export function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('no samples');
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function summarize(samplesMs: readonly number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { runs: sorted.length, medianMs: nearestRank(sorted, 50), p99Ms: nearestRank(sorted, 99), minMs: sorted[0]!, maxMs: sorted.at(-1)! };
}

/** Runs `operation` `runs` times one after the other and returns each run's wall time in ms. */
export async function sampleLatency(runs: number, operation: (run: number) => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = process.hrtime.bigint();
    await operation(run);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples;
}
