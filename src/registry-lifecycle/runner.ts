/**
 * The retention runner: reads a project's rules and artifacts, plans (planner.ts), and unless it
 * is a dry run deletes what the plan says through the registry's own delete path, so immutable tags,
 * events and webhooks apply as for any delete. Every deletion (and every failed one) is audited.
 * Blobs are not touched: they go at the next garbage collection.
 */
import type { AuditEvent } from '../auth/index.ts';
import { type Logger, silentLogger } from '../core/index.ts';
import type { RegistryService } from '../registry/index.ts';
import { type LabelReader, projectRepositories, readRepository } from './artifacts.ts';
import { type RepositoryPlan, planRetention } from './planner.ts';
import type { LifecycleStore } from './store.ts';

export interface RetentionRunOptions {
  registry: RegistryService;
  store: LifecycleStore;
  labels: LabelReader;
  /** Only this project; every project with retention rules when absent. */
  project?: string;
  dryRun: boolean;
  now: number;
  /** Who runs it, for the audit log: a user, or "system" for the schedule. */
  actor: { name: string; ip: string };
  /** Appends to the audit log (src/auth appendAudit); absent when the data directory has none. */
  audit?: (event: AuditEvent) => void;
  logger?: Logger;
}

export interface RetentionFailure {
  repository: string;
  digest: string;
  error: string;
}

export interface ProjectRetention {
  project: string;
  repositories: RepositoryPlan[];
}

export interface RetentionReport {
  dryRun: boolean;
  projects: ProjectRetention[];
  /** Artifacts deleted (or, in a dry run, that would be). */
  deleted: number;
  retained: number;
  failures: RetentionFailure[];
}

export async function runRetention(options: RetentionRunOptions): Promise<RetentionReport> {
  const projects = options.project !== undefined ? [options.project] : options.store.retentionProjects();
  const report: RetentionReport = { dryRun: options.dryRun, projects: [], deleted: 0, retained: 0, failures: [] };
  for (const project of projects) {
    const rules = options.store.retentionRules(project);
    const repositories = rules.length === 0 ? [] : await Promise.all((await projectRepositories(options.registry, project)).map((repository) => readRepository(options.registry, repository, options.labels)));
    const plans = planRetention({ rules, immutable: options.store.immutability(), repositories, now: options.now });
    report.projects.push({ project, repositories: plans });
    for (const plan of plans) {
      report.retained += plan.retained.length;
      if (options.dryRun) report.deleted += plan.deleted.length;
      else await applyPlan(plan, options, report);
    }
  }
  return report;
}

async function applyPlan(plan: RepositoryPlan, options: RetentionRunOptions, report: RetentionReport): Promise<void> {
  const logger = options.logger ?? silentLogger;
  const { repository } = plan;
  for (const artifact of plan.deleted) {
    const target = `${repository}@${artifact.digest}`;
    const detail = { by: 'retention', reason: artifact.reason, tags: artifact.tags.join(',') };
    try {
      // A tag pushed since the plan was made means someone still wants it: leave it to the next run.
      const tags = await options.registry.tagsOf(repository, artifact.digest);
      if (tags.some((tag) => !artifact.tags.includes(tag))) throw new Error(`tagged ${tags.join(', ')} since the plan was made`);
      await options.registry.manifests.delete(repository, artifact.digest);
      report.deleted++;
      options.audit?.({ actor: options.actor.name, action: 'delete', target, ip: options.actor.ip, outcome: 'ok', detail });
      logger.info(`retention: deleted ${target} (${artifact.reason})`);
    } catch (error) {
      const message = (error as Error).message;
      report.failures.push({ repository, digest: artifact.digest, error: message });
      options.audit?.({ actor: options.actor.name, action: 'delete', target, ip: options.actor.ip, outcome: 'failed', detail: { ...detail, error: message } });
      logger.warn(`retention: could not delete ${target}: ${message}`);
    }
  }
}
