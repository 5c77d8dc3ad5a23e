/**
 * JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of every body the management API sends and
 * accepts: the `components.schemas` of its OpenAPI document. Response schemas are closed
 * (`additionalProperties: false`) so the tests that validate real answers catch drift both ways.
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const string = { type: 'string' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const integer = { type: 'integer', minimum: 0 } as const;
const boolean = { type: 'boolean' } as const;
const digest = { type: 'string', pattern: '^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$' } as const;
const severity = { type: 'string', enum: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NONE', 'UNKNOWN'] } as const;
const gateSeverity = { type: 'string', enum: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] } as const;
const scanState = { type: 'string', enum: ['completed', 'pending', 'failed', 'none'] } as const;
const jobState = { type: 'string', enum: ['queued', 'running', 'done', 'failed'] } as const;
const stringMap = { type: 'object', additionalProperties: string } as const;

/** A closed object: every property listed, `required` ones always present. */
function object(properties: Record<string, unknown>, required: string[] = Object.keys(properties)): Record<string, unknown> {
  return { type: 'object', properties, required, additionalProperties: false };
}

const list = (key: string, item: string) => object({ [key]: { type: 'array', items: ref(item) } });

const summary = object(Object.fromEntries(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN', 'NONE', 'total'].map((key) => [key, integer])));

export const SCHEMAS: Record<string, unknown> = {
  Error: object({ error: object({ code: { type: 'integer' }, message: string, status: string }) }),
  VulnerabilitySummary: summary,
  ScanStatus: object({ state: scanState, completedAt: dateTime, summary: ref('VulnerabilitySummary'), error: string }, ['state']),
  Repository: object({ name: string, project: string }),
  RepositoryList: list('repositories', 'Repository'),
  Tag: object({ name: string, digest }),
  TagList: list('tags', 'Tag'),
  Artifact: object(
    { digest, mediaType: string, artifactType: string, subject: digest, size: integer, createdAt: dateTime, tags: { type: 'array', items: string }, labels: stringMap, scan: ref('ScanStatus') },
    ['digest', 'mediaType', 'size', 'createdAt', 'tags', 'labels', 'scan'],
  ),
  ArtifactList: list('artifacts', 'Artifact'),
  ScanFinding: object(
    {
      id: string,
      aliases: { type: 'array', items: string },
      severity,
      package: object({ name: string, version: string, ecosystem: string, purl: string }, ['name', 'version']),
      fixedVersion: string,
      status: { type: 'string', enum: ['fixed', 'unfixed', 'will-not-fix'] },
      firstSeen: dateTime,
    },
    ['id', 'aliases', 'severity', 'package', 'status'],
  ),
  ScanReport: object(
    { repository: string, digest, state: scanState, completedAt: dateTime, summary: ref('VulnerabilitySummary'), labels: stringMap, findings: { type: 'array', items: ref('ScanFinding') } },
    ['repository', 'digest', 'state', 'summary', 'labels', 'findings'],
  ),
  ArtifactVulnerabilitySummary: object({ repository: string, digest, state: scanState, completedAt: dateTime, summary: ref('VulnerabilitySummary') }, ['repository', 'digest', 'state', 'summary']),
  RegistryVulnerabilitySummary: object({
    summary: ref('VulnerabilitySummary'),
    images: integer,
    repositories: { type: 'array', items: object({ repository: string, images: integer, summary: ref('VulnerabilitySummary') }) },
  }),
  ScanRequested: object({ repository: string, digest, state: scanState, job: object({ state: jobState, attempts: integer, updatedAt: dateTime, lastError: string }, ['state', 'attempts', 'updatedAt']) }),
  RescanReport: object(
    {
      changed: { type: 'array', items: object({ digest, repository: string, added: { type: 'array', items: { type: 'object' } }, fixed: { type: 'array', items: { type: 'object' } } }) },
      rescanned: integer,
      matchedAt: { type: 'integer', description: 'milliseconds since the epoch' },
      advisoryDatabase: object({ path: string, updatedAt: string }, ['path']),
    },
    ['changed', 'rescanned', 'matchedAt'],
  ),
  Labels: object({ labels: stringMap }),
  LabelValue: object({ value: { type: 'string', maxLength: 256 } }),
  PullPolicy: object(
    { project: string, enabled: boolean, minSeverity: gateSeverity, blockUnscanned: boolean, graceDays: { type: 'object', additionalProperties: integer } },
    ['project', 'enabled', 'blockUnscanned', 'graceDays'],
  ),
  PullPolicyInput: object(
    { minSeverity: { anyOf: [gateSeverity, { type: 'null' }] }, blockUnscanned: boolean, graceDays: { type: 'object', additionalProperties: { type: 'integer', minimum: 0, maximum: 365 } } },
    [],
  ),
  Exception: object(
    { id: integer, vulnerability: string, repository: string, digest, reason: string, owner: string, expiresAt: dateTime, createdAt: dateTime, active: boolean },
    ['id', 'vulnerability', 'reason', 'owner', 'expiresAt', 'createdAt', 'active'],
  ),
  ExceptionList: list('exceptions', 'Exception'),
  NewException: object(
    {
      vulnerability: { type: 'string', examples: ['CVE-2024-37890'] },
      repository: string,
      digest,
      reason: { type: 'string', maxLength: 1000 },
      owner: { type: 'string', maxLength: 128 },
      expires: { type: 'string', description: 'ISO 8601 time with a zone, or a duration such as 30d or 12h' },
    },
    ['vulnerability', 'reason', 'owner', 'expires'],
  ),
  Project: object({ name: string, public: boolean, ipAllowlist: { type: 'array', items: string } }),
  ProjectList: list('projects', 'Project'),
  ProjectInput: object({ public: boolean, ipAllowlist: { type: 'array', items: string, maxItems: 256 } }, []),
  Member: object({ user: string, role: { type: 'string', enum: ['admin', 'maintainer', 'developer', 'guest'] } }),
  MemberList: list('members', 'Member'),
  MemberInput: object({ role: { type: 'string', enum: ['admin', 'maintainer', 'developer', 'guest'] } }),
  User: object({ name: string, admin: boolean, disabled: boolean, createdAt: dateTime }),
  UserList: list('users', 'User'),
  NewUser: object({ name: string, password: string, admin: boolean }, ['name', 'password']),
  UserChange: object({ password: string, admin: boolean, disabled: boolean }, []),
  RobotScope: object({ pattern: string, actions: { type: 'array', items: { type: 'string', enum: ['pull', 'push', 'delete', '*'] } } }),
  Robot: object(
    { name: string, login: string, description: string, scopes: { type: 'array', items: ref('RobotScope') }, scanner: boolean, createdAt: dateTime, expiresAt: dateTime, revoked: boolean },
    ['name', 'login', 'description', 'scopes', 'scanner', 'createdAt', 'revoked'],
  ),
  RobotList: list('robots', 'Robot'),
  NewRobot: object({ name: string, description: string, scopes: { type: 'array', items: ref('RobotScope'), maxItems: 64 }, scanner: boolean, expiresAt: dateTime }, ['name']),
  CreatedRobot: object(
    {
      name: string,
      login: string,
      description: string,
      scopes: { type: 'array', items: ref('RobotScope') },
      scanner: boolean,
      createdAt: dateTime,
      expiresAt: dateTime,
      revoked: boolean,
      secret: { type: 'string', description: 'shown once: it is stored only as a hash' },
    },
    ['name', 'login', 'description', 'scopes', 'scanner', 'createdAt', 'revoked', 'secret'],
  ),
  AuditRecord: object({
    seq: integer,
    at: dateTime,
    actor: string,
    action: string,
    target: string,
    ip: string,
    outcome: { type: 'string', enum: ['ok', 'denied', 'failed'] },
    detail: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    prevHash: string,
    hash: string,
  }),
  AuditList: list('records', 'AuditRecord'),
  AuditVerification: object({ ok: boolean, records: integer, brokenAt: integer, reason: string }, ['ok', 'records']),
  SystemInfo: object(
    {
      version: string,
      accessControl: boolean,
      storage: object({ driver: string, dataDir: string, maxManifestBytes: integer }, ['driver', 'maxManifestBytes']),
      scanner: object({ queue: object({ queued: integer, running: integer, done: integer, failed: integer }), lastScanAt: dateTime }, ['queue']),
    },
  ),
};
