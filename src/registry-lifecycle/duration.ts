/**
 * Durations on command lines and in API queries: a whole number and a unit, `90s`, `30m`, `1h`,
 * `7d`. Bounds are the caller's: a GC grace of zero is meaningful, a timer every zero seconds is not.
 */
import { inputError } from '../core/index.ts';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d{1,9})(s|m|h|d)$/;

export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm'] as const) {
    const size = UNIT_MS[unit] ?? 1;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms / 1000)}s`;
}

/** Milliseconds of a duration between `min` and `max` (inclusive); INPUT error otherwise. */
export function parseDuration(value: unknown, what: string, bounds: { min: number; max: number }): number {
  const match = typeof value === 'string' ? DURATION.exec(value) : null;
  if (match === null) throw inputError(`${what} takes a duration such as 90s, 30m, 1h or 7d, got ${JSON.stringify(String(value).slice(0, 40))}`);
  const ms = Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 1000);
  if (ms < bounds.min || ms > bounds.max) throw inputError(`${what} must be from ${formatDuration(bounds.min)} to ${formatDuration(bounds.max)}, got ${value}`);
  return ms;
}
