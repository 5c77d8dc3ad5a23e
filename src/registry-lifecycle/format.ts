/** Plain-text reports of retention runs and garbage collections, for the CLI and logs. */
import type { GcReport } from '../registry/index.ts';
import type { RetentionReport } from './runner.ts';

function tagList(tags: readonly string[]): string {
  return tags.length === 0 ? '(untagged)' : tags.join(',');
}

export function formatRetentionReport(report: RetentionReport): string {
  const lines: string[] = [];
  for (const { project, repositories } of report.projects) {
    if (repositories.length === 0) lines.push(`${project}: no retention rules apply`);
    for (const plan of repositories) {
      lines.push(plan.repository);
      for (const artifact of plan.deleted) lines.push(`  ${report.dryRun ? 'would delete' : 'delete'}\t${artifact.digest}\t${tagList(artifact.tags)}\t${artifact.reason}`);
      for (const artifact of plan.retained) lines.push(`  keep\t${artifact.digest}\t${tagList(artifact.tags)}\t${artifact.reasons.join('; ')}`);
    }
  }
  for (const failure of report.failures) lines.push(`failed\t${failure.repository}@${failure.digest}\t${failure.error}`);
  const verb = report.dryRun ? 'would be deleted' : 'deleted';
  lines.push(`${report.deleted} artifacts ${verb}, ${report.retained} retained${report.failures.length > 0 ? `, ${report.failures.length} failed` : ''}`);
  return lines.join('\n');
}

export function formatGcReport(report: GcReport, dryRun: boolean): string {
  const verb = dryRun ? 'would be deleted' : 'deleted';
  const lines = report.deleted.map((digest) => `${dryRun ? 'would delete' : 'deleted'}\t${digest}`);
  lines.push(...report.expiredUploads.map((id) => `${dryRun ? 'would remove' : 'removed'} upload\t${id}`));
  lines.push(`${report.deleted.length} blobs ${verb}, ${report.bytesFreed} bytes freed, ${report.kept} blobs kept, ${report.expiredUploads.length} abandoned uploads ${dryRun ? 'would be removed' : 'removed'}`);
  return lines.join('\n');
}
