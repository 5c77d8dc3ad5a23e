/**
 * Slows password guessing: after `maxFailures` failed logins for one (login name, client address)
 * within `windowMs`, further attempts from that pair are refused without checking the password
 * until the window has passed. Keyed by the pair so an attacker elsewhere cannot lock a user out.
 * In memory and bounded: the oldest entries are dropped first when `maxEntries` is reached.
 */
export interface LoginThrottleOptions {
  maxFailures?: number;
  windowMs?: number;
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  /** When the first failure of the current window happened. */
  since: number;
}

export class LoginThrottle {
  readonly #entries = new Map<string, Entry>();
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: LoginThrottleOptions = {}) {
    this.#maxFailures = options.maxFailures ?? 10;
    this.#windowMs = options.windowMs ?? 15 * 60_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry !== undefined && this.#now() - entry.since >= this.#windowMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Milliseconds until the pair may try again, or 0 when it may try now. */
  retryAfterMs(username: string, ip: string): number {
    const entry = this.#live(`${ip}\u0000${username}`);
    if (entry === undefined || entry.failures < this.#maxFailures) return 0;
    return entry.since + this.#windowMs - this.#now();
  }

  recordFailure(username: string, ip: string): void {
    const key = `${ip}\u0000${username}`;
    const entry = this.#live(key);
    if (entry !== undefined) {
      entry.failures++;
      return;
    }
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { failures: 1, since: this.#now() });
  }

  recordSuccess(username: string, ip: string): void {
    this.#entries.delete(`${ip}\u0000${username}`);
  }
}
