/**
 * The feedback-loop part of `portcullis admin`: project pull gates, exceptions and labels, kept in
 * the data directory's policy.db (src/registry-policy). Like the account commands, every change is
 * appended to the audit log in auth.db as a `policy.change` by the local user.
 */
import { type Actor, appendAudit, type SqliteAuthStore } from '../../auth/index.ts';
import { PortcullisError, parseDigest } from '../../core/index.ts';
import {
  GATE_SEVERITIES,
  type PolicyException,
  type PolicyStore,
  type ProjectGate,
  parseExceptionScope,
  parseExpiry,
  parseGraceOption,
  parseProject,
  parseSeverity,
} from '../../registry-policy/index.ts';
import type { Severity } from '../../vuln/index.ts';
import { usageError } from '../args.ts';

export interface PolicyValues {
  'min-severity'?: string | undefined;
  'block-unscanned'?: boolean | undefined;
  grace?: string[] | undefined;
  off?: boolean | undefined;
  digest?: string | undefined;
  repository?: string | undefined;
  reason?: string | undefined;
  owner?: string | undefined;
  expires?: string | undefined;
  all?: boolean | undefined;
}

export interface PolicyContext {
  policy: PolicyStore;
  auth: SqliteAuthStore;
  actor: Actor;
  values: PolicyValues;
  args: string[];
  now: number;
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function want(args: string[], count: number, usage: string): string[] {
  if (args.length !== count) throw usageError(`usage: portcullis admin ${usage}`);
  return args;
}

function audit(context: PolicyContext, target: string, detail: Record<string, string | number | boolean>): void {
  appendAudit(context.auth, { actor: context.actor.name, action: 'policy.change', target, ip: context.actor.ip, outcome: 'ok', detail });
}

export function describeGate(gate: ProjectGate): string {
  const grace = GATE_SEVERITIES.filter((severity) => gate.graceDays[severity] !== undefined).map((severity) => `${severity}=${gate.graceDays[severity]}d`);
  return [gate.project, gate.minSeverity ?? '-', gate.blockUnscanned ? 'block-unscanned' : 'allow-unscanned', grace.length > 0 ? `grace ${grace.join(',')}` : 'no-grace'].join('\t');
}

/** `project gate PROJECT [--min-severity LEVEL] [--block-unscanned] [--grace LEVEL=DAYS]... | --off` and `project gates`. */
export function gateCommand(context: PolicyContext, sub: 'gate' | 'gates'): void {
  const { policy, values, args } = context;
  if (sub === 'gates') {
    want(args, 0, 'project gates');
    for (const gate of policy.gates()) print(describeGate(gate));
    return;
  }
  const [name = ''] = want(args, 1, 'project gate PROJECT [--min-severity LEVEL] [--block-unscanned] [--grace LEVEL=DAYS]... | --off');
  const project = parseProject(name);
  if (context.auth.getProject(project) === undefined) throw new PortcullisError('NOT_FOUND', `no project ${JSON.stringify(project)}: create it with portcullis admin project put`);
  if (values.off === true) {
    if (values['min-severity'] !== undefined || values['block-unscanned'] === true || (values.grace?.length ?? 0) > 0) throw usageError('--off takes no other gate option');
    const removed = policy.deleteGate(project);
    audit(context, project, { gate: 'off' });
    print(removed ? `project ${project}: pull gate removed` : `project ${project} had no pull gate`);
    return;
  }
  const graceDays: Partial<Record<Severity, number>> = {};
  for (const option of values.grace ?? []) {
    const [severity, days] = parseGraceOption(option);
    graceDays[severity] = days;
  }
  const minSeverity = values['min-severity'] === undefined ? undefined : parseSeverity(values['min-severity'], '--min-severity');
  if (minSeverity === undefined && values['block-unscanned'] !== true) throw usageError('project gate needs --min-severity LEVEL, --block-unscanned, or --off');
  const gate = policy.setGate({ project, ...(minSeverity !== undefined && { minSeverity }), blockUnscanned: values['block-unscanned'] === true, graceDays });
  const line = describeGate(gate);
  audit(context, project, { gate: line.replaceAll('\t', ' ') });
  print(line);
}

function describeException(exception: PolicyException, now: number): string {
  const scope = exception.scope.kind === 'digest' ? `digest ${exception.scope.digest}` : `repository ${exception.scope.repository}`;
  const state = exception.expiresAt > now ? 'active' : 'expired';
  return [String(exception.id), exception.vulnerability, scope, exception.owner, new Date(exception.expiresAt).toISOString(), state, exception.reason].join('\t');
}

/** `exception add VULN (--digest D | --repository R) --reason TEXT --owner WHO --expires WHEN`, `list [--all]`, `delete ID`. */
export function exceptionCommand(context: PolicyContext): void {
  const { policy, values, now } = context;
  const [sub, ...rest] = context.args;
  switch (sub) {
    case 'add': {
      const [vulnerability = ''] = want(rest, 1, 'exception add VULN (--digest DIGEST | --repository REPO) --reason TEXT --owner WHO --expires WHEN');
      const scope = parseExceptionScope({ digest: values.digest, repository: values.repository });
      const expiresAt = parseExpiry(values.expires, now);
      const exception = policy.addException({ vulnerability, scope, reason: values.reason ?? '', owner: values.owner ?? '', expiresAt }, now);
      const target = exception.scope.kind === 'digest' ? exception.scope.digest : exception.scope.repository;
      audit(context, target, { exception: exception.id, vulnerability: exception.vulnerability, owner: exception.owner, expires: new Date(expiresAt).toISOString(), reason: exception.reason });
      print(`exception ${exception.id}: ${describeException(exception, now).split('\t').slice(1, 5).join(' ')}`);
      return;
    }
    case 'list':
      want(rest, 0, 'exception list [--all]');
      for (const exception of policy.exceptions({ includeExpired: values.all === true, now })) print(describeException(exception, now));
      return;
    case 'delete': {
      const [id = ''] = want(rest, 1, 'exception delete ID');
      if (!/^\d{1,15}$/.test(id)) throw usageError(`exception delete takes the numeric id exception list shows, got ${JSON.stringify(id.slice(0, 40))}`);
      if (!policy.deleteException(Number(id))) throw new PortcullisError('NOT_FOUND', `no exception ${id}`);
      audit(context, `exception ${id}`, { exception: Number(id), deleted: true });
      print(`deleted exception ${id}`);
      return;
    }
    default:
      throw usageError(`admin exception takes add, list or delete, got ${JSON.stringify(sub ?? '')}`);
  }
}

/** `label set DIGEST KEY=VALUE...` (`KEY=` removes the label) and `label list DIGEST`. */
export function labelCommand(context: PolicyContext): void {
  const [sub, digest = '', ...pairs] = context.args;
  switch (sub) {
    case 'set': {
      if (pairs.length === 0) throw usageError('usage: portcullis admin label set DIGEST KEY=VALUE... (KEY= removes a label)');
      const changes: Record<string, string | undefined> = {};
      for (const pair of pairs) {
        const equals = pair.indexOf('=');
        if (equals <= 0) throw usageError(`labels are KEY=VALUE, got ${JSON.stringify(pair.slice(0, 60))}`);
        const value = pair.slice(equals + 1);
        changes[pair.slice(0, equals)] = value === '' ? undefined : value;
      }
      const labels = context.policy.setLabels(digest, changes);
      audit(context, digest, { labels: pairs.join(' ') });
      for (const [key, value] of Object.entries(labels)) print(`${key}=${value}`);
      return;
    }
    case 'list':
      if (pairs.length > 0) throw usageError('usage: portcullis admin label list DIGEST');
      parseDigest(digest, 'image digest');
      for (const [key, value] of Object.entries(context.policy.labels(digest))) print(`${key}=${value}`);
      return;
    default:
      throw usageError(`admin label takes set or list, got ${JSON.stringify(sub ?? '')}`);
  }
}
