/**
 * Times `matchInventory` in this process: one cold run (JIT, the store's parsed-record cache, the
 * comparators' parse caches all empty), then `runs` warm runs whose median is the figure.
 */
import type { Inventory } from '../../src/inventory/index.ts';
import { matchInventory, type AdvisoryLookup } from '../../src/vuln/index.ts';

export interface MatchTiming {
  coldMs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
  findings: number;
  /** Distinct packages with at least one finding. */
  packagesHit: number;
}

function once(inventory: Inventory, lookup: AdvisoryLookup): { ms: number; purls: string[] } {
  const start = performance.now();
  const findings = matchInventory(inventory, lookup);
  return { ms: performance.now() - start, purls: findings.map((finding) => finding.package.purl) };
}

export function timeMatching(inventory: Inventory, lookup: AdvisoryLookup, runs: number): MatchTiming {
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs must be a positive integer, not ${runs}`);
  const cold = once(inventory, lookup);
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const warm = once(inventory, lookup);
    // Every run must see the same data; a different count means the timing measured something else.
    if (warm.purls.length !== cold.purls.length) throw new Error(`run ${run} found ${warm.purls.length} findings, the cold run ${cold.purls.length}`);
    times.push(warm.ms);
  }
  times.sort((a, b) => a - b);
  return {
    coldMs: cold.ms,
    medianMs: times[Math.floor(times.length / 2)]!,
    minMs: times[0]!,
    maxMs: times[times.length - 1]!,
    runs,
    findings: cold.purls.length,
    packagesHit: new Set(cold.purls).size,
  };
}
