/**
 * `portcullis status`'s reading of GET /api/v1/deployments: the server's answer is checked field by
 * field (a proxy or a wrong URL answers something else), then shown as a table or JSON.
 */
import { inputError } from '../core/index.ts';
import { COLUMN_INDENT, columnWidths, printable, renderColumns } from '../sbom/index.ts';
import type { DeploymentsSummary } from './view.ts';

export interface StatusImage {
  image: string;
  digest?: string;
  cluster?: string;
  namespace: string;
  kind: string;
  name: string;
  status: 'compliant' | 'violating' | 'unevaluated';
  breakGlass: boolean;
  reasons: string[];
  evaluatedAt?: string;
}

export interface StatusReport {
  summary: DeploymentsSummary;
  deployments: StatusImage[];
}

const STATUSES = new Set(['compliant', 'violating', 'unevaluated']);
const MAX_IMAGES = 100_000;

function object(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw inputError(`${where} is not a JSON object`);
  return value as Record<string, unknown>;
}

function string(value: unknown, where: string): string {
  if (typeof value !== 'string') throw inputError(`${where} is not a string`);
  return value;
}

function optionalString(value: unknown, where: string): string | undefined {
  return value === undefined ? undefined : string(value, where);
}

function count(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw inputError(`${where} is not a count`);
  return value;
}

/** The /api/v1/deployments answer, validated; throws INPUT naming the first bad field. */
export function parseStatusReport(body: unknown): StatusReport {
  const root = object(body, 'the answer');
  const summary = object(root.summary, 'summary');
  if (!Array.isArray(root.deployments)) throw inputError('deployments is not a list');
  if (root.deployments.length > MAX_IMAGES) throw inputError(`the answer lists more than ${MAX_IMAGES} images`);
  return {
    summary: {
      running: count(summary.running, 'summary.running'),
      compliant: count(summary.compliant, 'summary.compliant'),
      violating: count(summary.violating, 'summary.violating'),
      unevaluated: count(summary.unevaluated, 'summary.unevaluated'),
    },
    deployments: root.deployments.map((entry: unknown, index) => statusImage(entry, `deployments[${index}]`)),
  };
}

function statusImage(value: unknown, where: string): StatusImage {
  const entry = object(value, where);
  const status = string(entry.status, `${where}.status`);
  if (!STATUSES.has(status)) throw inputError(`${where}.status is not compliant, violating or unevaluated`);
  const decision = entry.decision === undefined ? undefined : object(entry.decision, `${where}.decision`);
  const denials = decision?.denials ?? [];
  if (!Array.isArray(denials)) throw inputError(`${where}.decision.denials is not a list`);
  const digest = optionalString(entry.digest, `${where}.digest`);
  const cluster = optionalString(entry.cluster, `${where}.cluster`);
  const evaluatedAt = optionalString(decision?.evaluatedAt, `${where}.decision.evaluatedAt`);
  return {
    image: string(entry.image, `${where}.image`),
    ...(digest !== undefined && { digest }),
    ...(cluster !== undefined && { cluster }),
    namespace: string(entry.namespace, `${where}.namespace`),
    kind: string(entry.kind, `${where}.kind`),
    name: string(entry.name, `${where}.name`),
    status: status as StatusImage['status'],
    breakGlass: entry.breakGlass === true,
    reasons: denials.map((reason: unknown, index) => string(reason, `${where}.decision.denials[${index}]`)),
    ...(evaluatedAt !== undefined && { evaluatedAt }),
  };
}

const HEADINGS = ['STATUS', 'WORKLOAD', 'IMAGE'] as const;

/** The summary line, then one row per image (violations first) with each reason under it. */
export function formatStatusTable(report: StatusReport): string {
  const { summary } = report;
  const lines = [`Running images: ${summary.running}   compliant: ${summary.compliant}   violating: ${summary.violating}   unevaluated: ${summary.unevaluated}`];
  if (report.deployments.length === 0) return lines.join('\n');
  const order = { violating: 0, unevaluated: 1, compliant: 2 } as const;
  const images = [...report.deployments].sort((a, b) => order[a.status] - order[b.status]);
  const rows = images.map((image) => [
    image.status + (image.breakGlass ? ' (break-glass)' : ''),
    printable(`${image.cluster === undefined ? '' : `${image.cluster}:`}${image.kind} ${image.namespace}/${image.name}`),
    printable(image.digest === undefined || image.image.includes('@') ? image.image : `${image.image} (${image.digest})`),
  ]);
  const widths = columnWidths(HEADINGS, rows);
  lines.push('', COLUMN_INDENT + renderColumns(HEADINGS, widths));
  images.forEach((image, index) => {
    lines.push(COLUMN_INDENT + renderColumns(rows[index] ?? [], widths));
    for (const reason of image.reasons) lines.push(`${COLUMN_INDENT}    - ${printable(reason)}`);
  });
  return lines.join('\n');
}
