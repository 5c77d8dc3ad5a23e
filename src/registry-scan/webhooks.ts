/**
 * Webhook delivery. An event becomes one durable `webhook` job per receiver URL, with the body
 * fixed at that moment, so a retry after a restart sends the very same bytes. Each POST carries
 * the event type, a delivery id, a timestamp and `X-Portcullis-Signature: sha256=<hex>`, the
 * HMAC-SHA256 of the body under the shared secret. Failures are retried with exponential backoff up
 * to a bounded number of attempts. The secret lives only in memory and is never logged.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { PortcullisError, inputError } from '../core/index.ts';
import type { Severity } from '../vuln/index.ts';
import type { JobLane } from './job-runner.ts';
import type { Job, JobStore } from './job-store.ts';
import type { WebhookEvent, WebhookEventType } from './webhook-events.ts';

export const SIGNATURE_HEADER = 'x-portcullis-signature';
export const DELIVERY_HEADER = 'x-portcullis-delivery';
export const TIMESTAMP_HEADER = 'x-portcullis-timestamp';
export const EVENT_HEADER = 'x-portcullis-event';

export interface WebhookOptions {
  /** Receivers; every event goes to each. */
  urls: readonly string[];
  /** Shared secret for the HMAC signature; without one, deliveries are unsigned. */
  secret?: string;
  /** "findings.new" lists only findings at or above this level (default HIGH). */
  minSeverity?: Severity;
  /** Attempts per delivery before it is marked failed (default 8). */
  maxAttempts?: number;
  /** Delay before the first retry; doubles each attempt (default 5 s). */
  baseDelayMs?: number;
  /** Longest delay between attempts (default 10 min). */
  maxDelayMs?: number;
  /** Time a receiver has to answer (default 10 s). */
  timeoutMs?: number;
  /** Deliveries in flight at once (default 4). */
  concurrency?: number;
}

interface DeliveryPayload {
  url: string;
  type: WebhookEventType;
  deliveryId: string;
  body: string;
}

/** `sha256=<hex>`: the HMAC-SHA256 of `body` under `secret`. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Checks that each URL is an absolute http(s) URL without credentials in it. */
export function parseWebhookUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new PortcullisError('USAGE', `webhook URL ${JSON.stringify(value)} is not a URL`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PortcullisError('USAGE', `webhook URL ${value} must be http or https`);
  if (url.username !== '' || url.password !== '') throw new PortcullisError('USAGE', 'webhook URLs may not carry credentials; use --webhook-secret-file');
  return url.href;
}

function parseDelivery(job: Job): DeliveryPayload {
  const value: unknown = JSON.parse(job.payload);
  const payload = value as Partial<DeliveryPayload>;
  if (typeof payload.url !== 'string' || typeof payload.type !== 'string' || typeof payload.deliveryId !== 'string' || typeof payload.body !== 'string') {
    throw inputError(`webhook job ${job.key} has a malformed payload`);
  }
  return payload as DeliveryPayload;
}

export class Webhooks {
  readonly minSeverity: Severity;
  readonly #options: WebhookOptions;
  readonly #jobs: JobStore;
  readonly #now: () => number;
  readonly #wake: () => void;

  constructor(options: WebhookOptions, jobs: JobStore, now: () => number, wake: () => void) {
    this.#options = options;
    this.minSeverity = options.minSeverity ?? 'HIGH';
    this.#jobs = jobs;
    this.#now = now;
    this.#wake = wake;
  }

  /** Queues the event for every receiver; returns the delivery ids. */
  publish(event: WebhookEvent): string[] {
    const ids: string[] = [];
    for (const url of this.#options.urls) {
      const deliveryId = randomUUID();
      const body = JSON.stringify({ id: deliveryId, type: event.type, occurredAt: new Date(this.#now()).toISOString(), data: event.data });
      const payload: DeliveryPayload = { url, type: event.type, deliveryId, body };
      this.#jobs.enqueue('webhook', `webhook:${deliveryId}`, payload, { maxAttempts: this.#options.maxAttempts ?? 8 });
      ids.push(deliveryId);
    }
    if (ids.length > 0) this.#wake();
    return ids;
  }

  lane(): JobLane {
    const base = this.#options.baseDelayMs ?? 5000;
    const max = this.#options.maxDelayMs ?? 600_000;
    return {
      kind: 'webhook',
      concurrency: this.#options.concurrency ?? 4,
      handle: (job) => this.#deliver(parseDelivery(job)),
      retryDelay: (attempt) => Math.min(base * 2 ** (attempt - 1), max),
    };
  }

  async #deliver(delivery: DeliveryPayload): Promise<void> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'portcullis-webhook',
      [EVENT_HEADER]: delivery.type,
      [DELIVERY_HEADER]: delivery.deliveryId,
      [TIMESTAMP_HEADER]: String(Math.floor(this.#now() / 1000)),
    };
    if (this.#options.secret !== undefined) headers[SIGNATURE_HEADER] = signBody(this.#options.secret, delivery.body);
    let response: Response;
    try {
      response = await fetch(delivery.url, {
        method: 'POST',
        headers,
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new PortcullisError('NETWORK', `webhook ${delivery.url}: ${(error as Error).message}`, { cause: error });
    }
    await response.body?.cancel();
    if (response.status < 200 || response.status > 299) throw new PortcullisError('NETWORK', `webhook ${delivery.url} answered ${response.status}`);
  }
}
