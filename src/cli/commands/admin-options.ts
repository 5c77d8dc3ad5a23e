/** Parsers for the option values of `portcullis admin` that are more than a plain string. */
import type { RobotScope } from '../../auth/index.ts';
import { usageError } from '../args.ts';

/**
 * `--scope PATTERN:ACTIONS`, e.g. `team/**:pull,push`. Repository patterns never contain `:`, so the
 * last colon splits; the pattern and actions are validated by the auth module when the robot is made.
 */
export function parseRobotScopeOption(value: string): RobotScope {
  const colon = value.lastIndexOf(':');
  if (colon <= 0 || colon === value.length - 1) throw usageError(`--scope takes PATTERN:ACTIONS, e.g. team/app:pull, got ${JSON.stringify(value)}`);
  return { pattern: value.slice(0, colon), actions: value.slice(colon + 1).split(',') as RobotScope['actions'] };
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--expires`: an ISO 8601 time (with a zone, so it means one instant) or a duration from now: 90m, 12h, 30d. */
export function parseExpiry(value: string, now: Date): Date {
  const duration = /^(\d{1,6})([mhd])$/.exec(value);
  if (duration !== null) return new Date(now.getTime() + Number(duration[1]) * (UNIT_MS[duration[2] ?? 'd'] ?? 0));
  const iso = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (iso !== null) {
    const [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    // Date() rolls 2027-02-30 over into March; a day that does not exist is a typo, not an expiry.
    const calendar = new Date(Date.UTC(year, month - 1, day));
    const date = new Date(value);
    if (calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day && !Number.isNaN(date.getTime())) return date;
  }
  throw usageError(`--expires takes an ISO 8601 time with a zone (2027-01-31T00:00:00Z) or a duration (90m, 12h, 30d), got ${JSON.stringify(value)}`);
}
