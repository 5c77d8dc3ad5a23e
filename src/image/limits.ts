import type { ReadLimits } from './types.ts';

/** Defaults sized for real images: generous for legitimate content, fatal for bombs. */
export const DEFAULT_LIMITS: ReadLimits = {
  maxUncompressedBytes: 16 * 1024 ** 3,
  maxEntries: 2_000_000,
  maxFileBytes: 256 * 1024 ** 2,
  maxManifestBytes: 4 * 1024 ** 2,
};

export function resolveLimits(overrides: Partial<ReadLimits> | undefined): ReadLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}
