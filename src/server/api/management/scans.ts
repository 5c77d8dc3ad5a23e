/**
 * Scan results and re-scans: the stored report of an image (in the API's own shape, or as the
 * `portcullis scan` formats: scan JSON, SARIF, CycloneDX), severity summaries per image and across
 * the registry, a re-scan of one image from its layers, and a re-match of every stored image.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { projectOf } from '../../../auth/index.ts';
import { parseImageDocument } from '../../../oci/index.ts';
import { parseProject } from '../../../registry-policy/index.ts';
import type { VulnerabilitySummary } from '../../../registry-scan/index.ts';
import { buildScanReport, formatSarif, formatScanCycloneDx, formatScanJson } from '../../../scan/report/index.ts';
import { ApiError, requireAdmin, requireRepositoryAction } from '../json-api.ts';
import { addSummary, emptySummary, scanReportView, scanStatus } from './artifact-view.ts';
import { type ApiContext, audit, digestParam, knownQuery, queryParam, repositoryParam } from './context.ts';
import { mayPull } from './repositories.ts';

const FORMATS = ['json', 'sarif', 'cyclonedx'] as const;
type ReportFormat = (typeof FORMATS)[number];

/** Scan rows read per query while totalling the registry. */
const SUMMARY_BATCH = 1000;

/** One of the scan command's report formats, from the stored inventory and findings. */
function sendFormatted(context: ApiContext, reply: FastifyReply, repository: string, digest: string, format: ReportFormat): FastifyReply {
  const result = context.scanner.scanResult(digest);
  if (result === undefined) throw new ApiError('NOT_FOUND', `${repository}@${digest} has no stored scan`);
  const report = buildScanReport({ inventory: result.inventory, findings: result.findings, toolVersion: context.version, now: new Date(context.now()) });
  switch (format) {
    case 'json':
      return reply.type('application/json').send(formatScanJson(report));
    case 'sarif':
      return reply.type('application/sarif+json').send(formatSarif(report));
    case 'cyclonedx':
      return reply.type('application/vnd.cyclonedx+json').send(formatScanCycloneDx(report, { inventory: result.inventory, toolVersion: context.version, timestamp: new Date(result.matchedAt) }));
  }
}

export function registerScanRoutes(scope: FastifyInstance, context: ApiContext): void {
  scope.get('/repositories/:name/artifacts/:digest/scan', async (request, reply) => {
    knownQuery(request, ['format']);
    const repository = repositoryParam(request);
    const digest = digestParam(request);
    await requireRepositoryAction(request, repository, 'pull');
    await context.registry.manifests.get(repository, digest);
    const format = queryParam(request, 'format');
    if (format === undefined) return scanReportView(context, repository, digest);
    const known = FORMATS.find((candidate) => candidate === format);
    if (known === undefined) throw new ApiError('INVALID_ARGUMENT', `format must be one of ${FORMATS.join(', ')}`);
    return sendFormatted(context, reply, repository, digest, known);
  });

  scope.post('/repositories/:name/artifacts/:digest/scan', async (request, reply) => {
    const repository = repositoryParam(request);
    const digest = digestParam(request);
    const principal = await requireRepositoryAction(request, repository, 'push');
    const record = await context.registry.manifests.get(repository, digest);
    let kind: string;
    try {
      kind = parseImageDocument(record.content, record.mediaType, { maxBytes: context.registry.limits.maxManifestBytes }).kind;
    } catch {
      kind = 'artifact';
    }
    if (kind !== 'manifest') throw new ApiError('FAILED_PRECONDITION', `${repository}@${digest} is not an image manifest: scan the image manifests of an index one by one`);
    const job = context.scanner.rescan(repository, digest);
    audit(context, request, principal, { action: 'scan.request', target: `${repository}@${digest}` });
    const status = scanStatus(context.scanner, digest);
    return reply.code(202).send({
      repository,
      digest,
      state: status.state,
      job: { state: job.state, attempts: job.attempts, updatedAt: new Date(job.updatedAt).toISOString(), ...(job.lastError !== undefined && { lastError: job.lastError }) },
    });
  });

  scope.get('/repositories/:name/artifacts/:digest/vulnerabilities/summary', async (request) => {
    const repository = repositoryParam(request);
    const digest = digestParam(request);
    await requireRepositoryAction(request, repository, 'pull');
    await context.registry.manifests.get(repository, digest);
    const status = scanStatus(context.scanner, digest);
    return { repository, digest, state: status.state, ...(status.completedAt !== undefined && { completedAt: status.completedAt }), summary: status.summary ?? emptySummary() };
  });

  scope.get('/vulnerabilities/summary', async (request) => {
    knownQuery(request, ['project']);
    const projectFilter = queryParam(request, 'project');
    const project = projectFilter === undefined ? undefined : parseProject(projectFilter);
    const total = emptySummary();
    const byRepository = new Map<string, { images: number; summary: VulnerabilitySummary }>();
    const allowed = new Map<string, boolean>();
    let after: string | undefined;
    for (;;) {
      const batch = context.scanner.listScans({ limit: SUMMARY_BATCH, ...(after !== undefined && { after }) });
      for (const scan of batch) {
        if (project !== undefined && projectOf(scan.repository) !== project) continue;
        let may = allowed.get(scan.repository);
        if (may === undefined) allowed.set(scan.repository, (may = await mayPull(request, context, scan.repository)));
        if (!may) continue;
        const entry = byRepository.get(scan.repository) ?? { images: 0, summary: emptySummary() };
        entry.images += 1;
        addSummary(entry.summary, scan.summary);
        addSummary(total, scan.summary);
        byRepository.set(scan.repository, entry);
      }
      if (batch.length < SUMMARY_BATCH) break;
      after = batch.at(-1)?.digest;
    }
    const repositories = [...byRepository].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([repository, entry]) => ({ repository, ...entry }));
    return { summary: total, images: repositories.reduce((sum, entry) => sum + entry.images, 0), repositories };
  });

  scope.post('/rescan', async (request) => {
    const principal = await requireAdmin(request);
    const report = await context.scanner.rescanAll();
    audit(context, request, principal, { action: 'scan.request', target: 'registry', detail: { rescanned: report.rescanned, changed: report.changed.length } });
    return report;
  });
}
