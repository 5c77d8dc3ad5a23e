/**
 * Break-glass: an annotation that admits a workload whatever the policy says, for emergencies. It
 * never passes silently: the deploy is audited, recorded as a break-glass deployment and announced
 * by webhook (`admission.break_glass`), each alert signed as every Portcullis webhook is
 * (X-Portcullis-Signature, HMAC-SHA256 of the body).
 *
 *   portcullis.dev/break-glass: "<reason>"                     Portcullis's own form
 *   alpha.image-policy.k8s.io/break-glass: "true"              Binary Authorization's form, with the
 *   portcullis.dev/break-glass-reason: "<reason>"              reason (optional) beside it
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../core/index.ts';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signBody, type BreakGlassData } from '../registry-scan/index.ts';

export const BREAK_GLASS_ANNOTATION = 'portcullis.dev/break-glass';
export const BINAUTHZ_BREAK_GLASS_ANNOTATION = 'alpha.image-policy.k8s.io/break-glass';
export const BREAK_GLASS_REASON_ANNOTATION = 'portcullis.dev/break-glass-reason';
export const BREAK_GLASS_EVENT = 'admission.break_glass';

const MAX_REASON_LENGTH = 512;

/** The break-glass reason the annotations give, or undefined when there is no break-glass. */
export function breakGlassReason(annotations: Record<string, string>): string | undefined {
  const own = annotations[BREAK_GLASS_ANNOTATION]?.trim();
  const binauthz = annotations[BINAUTHZ_BREAK_GLASS_ANNOTATION]?.trim().toLowerCase() === 'true';
  const reason = annotations[BREAK_GLASS_REASON_ANNOTATION]?.trim();
  let given: string | undefined;
  if (own !== undefined && own !== '' && own.toLowerCase() !== 'false') given = own.toLowerCase() === 'true' ? (reason ?? 'no reason given') : own;
  else if (binauthz) given = reason !== undefined && reason !== '' ? reason : 'no reason given';
  return given === undefined ? undefined : given.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, MAX_REASON_LENGTH);
}

/** What a break-glass alert says (the `data` of an `admission.break_glass` webhook delivery). */
export type BreakGlassEvent = BreakGlassData;

export interface AlertOptions {
  urls: readonly string[];
  secret?: string;
  /** Time a receiver has to answer (default 5 s). */
  timeoutMs?: number;
  logger: Logger;
  now?: () => number;
}

/**
 * For the standalone webhook (`portcullis admission`, no registry): sends each break-glass event to
 * every URL once, in the background; `portcullis serve` delivers them through its durable, retried
 * webhooks instead. The admission answer does not
 * wait for it: a slow receiver must not hold a deploy that was already allowed.
 */
export function breakGlassAlerter(options: AlertOptions): (event: BreakGlassEvent) => Promise<void> {
  const now = options.now ?? Date.now;
  return async (event) => {
    const deliveries = options.urls.map(async (url) => {
      const deliveryId = randomUUID();
      const body = JSON.stringify({ id: deliveryId, type: BREAK_GLASS_EVENT, occurredAt: new Date(now()).toISOString(), data: event });
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'portcullis-webhook',
        [EVENT_HEADER]: BREAK_GLASS_EVENT,
        [DELIVERY_HEADER]: deliveryId,
        [TIMESTAMP_HEADER]: String(Math.floor(now() / 1000)),
        ...(options.secret !== undefined && { [SIGNATURE_HEADER]: signBody(options.secret, body) }),
      };
      try {
        const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
        await response.body?.cancel();
        if (response.status < 200 || response.status > 299) options.logger.error(`break-glass alert to ${url}: answered ${response.status}`);
      } catch (error) {
        options.logger.error(`break-glass alert to ${url}: ${(error as Error).message}`);
      }
    });
    await Promise.all(deliveries);
  };
}
