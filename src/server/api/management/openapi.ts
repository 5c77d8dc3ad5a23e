/**
 * The OpenAPI 3.1 document of the management API, served at /api/v1/openapi.json. Written by hand
 * beside the routes (the routes check their input in code, not through Fastify schemas, so there
 * is nothing to generate it from); a test walks the registered routes and fails on any route
 * missing here, and validates real answers against these schemas.
 */
import type { FastifyInstance } from 'fastify';
import { MAX_PAGE } from './context.ts';
import { SCHEMAS } from './openapi-schemas.ts';

type Parameter = Record<string, unknown>;

const path = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }): Parameter => ({ name, in: 'path', required: true, description, schema });
const query = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }): Parameter => ({ name, in: 'query', required: false, description, schema });

const P = {
  name: path('name', 'repository name as one URL-encoded segment (team%2Fapp)', { type: 'string', maxLength: 255 }),
  digest: path('digest', 'manifest digest', { type: 'string', pattern: '^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$' }),
  key: path('key', 'label key: lowercase letters, digits, ".", "_", "-"', { type: 'string', pattern: '^[a-z][a-z0-9._-]{0,62}$' }),
  project: path('project', 'project name (first segment of its repositories)'),
  user: path('user', 'user name'),
  robot: path('robot', 'robot name, without the robot$ prefix'),
  id: path('id', 'exception id', { type: 'string', pattern: '^[0-9]+$' }),
  n: query('n', `page size (default 100, at most ${MAX_PAGE}; larger is capped)`, { type: 'integer', minimum: 1 }),
  last: query('last', 'last entry of the previous page (from the Link header)'),
};
const PAGE = [P.n, P.last];

const json = (schema: string) => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } });
const error = (description: string) => ({ description, ...json('Error') });
const LINK = { Link: { description: 'next page: <url>; rel="next", when the page is full', schema: { type: 'string' } } };

interface Operation {
  summary: string;
  access: string;
  parameters?: Parameter[];
  body?: string;
  /** Status and schema of the success answer; no schema for 204. */
  ok: [number, string | undefined];
  paged?: boolean;
  /** Other content types the success answer may take. */
  alternatives?: Record<string, unknown>;
}

function operation(op: Operation): Record<string, unknown> {
  const [status, schema] = op.ok;
  const success: Record<string, unknown> = { description: schema ?? 'done' };
  if (schema !== undefined) Object.assign(success, { content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } }, ...op.alternatives } });
  if (op.paged === true) success.headers = LINK;
  return {
    summary: op.summary,
    description: `Access: ${op.access}.`,
    ...(op.parameters !== undefined && { parameters: op.parameters }),
    ...(op.body !== undefined && { requestBody: { required: true, ...json(op.body) } }),
    responses: {
      [String(status)]: success,
      '400': error('invalid input: bad parameter, body, unknown field or malformed JSON'),
      '401': error('authentication required (Basic or Bearer)'),
      '403': error('the caller lacks the access named in the description'),
      '404': error('no such resource'),
      default: error('any other error, in the same form'),
    },
  };
}

const ARTIFACT = [P.name, P.digest];

const PATHS: Record<string, Record<string, Operation>> = {
  '/repositories': { get: { summary: 'List repositories the caller may pull', access: 'any caller; only pullable repositories are listed', parameters: [query('project', 'only repositories of this project'), ...PAGE], ok: [200, 'RepositoryList'], paged: true } },
  '/repositories/{name}': {
    get: { summary: 'Show a repository', access: 'pull on the repository', parameters: [P.name], ok: [200, 'Repository'] },
    delete: { summary: 'Delete a repository with every manifest and tag', access: 'delete on the repository', parameters: [P.name], ok: [204, undefined] },
  },
  '/repositories/{name}/tags': { get: { summary: 'List tags with the digest each points to', access: 'pull on the repository', parameters: [P.name, ...PAGE], ok: [200, 'TagList'], paged: true } },
  '/repositories/{name}/artifacts': {
    get: { summary: 'List artifacts (manifests) with tags, labels and scan state', access: 'pull on the repository', parameters: [P.name, ...PAGE], ok: [200, 'ArtifactList'], paged: true },
  },
  '/repositories/{name}/artifacts/{digest}': {
    get: { summary: 'Show an artifact', access: 'pull on the repository', parameters: ARTIFACT, ok: [200, 'Artifact'] },
    delete: { summary: 'Delete an artifact and its tags', access: 'delete on the repository', parameters: ARTIFACT, ok: [204, undefined] },
  },
  '/repositories/{name}/artifacts/{digest}/scan': {
    get: {
      summary: 'The stored scan report of an image',
      access: 'pull on the repository',
      parameters: [...ARTIFACT, query('format', 'another report format: the scan command\'s JSON, SARIF 2.1.0 or CycloneDX 1.6', { type: 'string', enum: ['json', 'sarif', 'cyclonedx'] })],
      ok: [200, 'ScanReport'],
      alternatives: { 'application/sarif+json': { schema: { type: 'object' } }, 'application/vnd.cyclonedx+json': { schema: { type: 'object' } } },
    },
    post: { summary: 'Scan the image again from its layers (queued)', access: 'push on the repository', parameters: ARTIFACT, ok: [202, 'ScanRequested'] },
  },
  '/repositories/{name}/artifacts/{digest}/vulnerabilities/summary': {
    get: { summary: 'Findings per severity of one image', access: 'pull on the repository', parameters: ARTIFACT, ok: [200, 'ArtifactVulnerabilitySummary'] },
  },
  '/repositories/{name}/artifacts/{digest}/labels': { get: { summary: 'Labels of an artifact', access: 'pull on the repository', parameters: ARTIFACT, ok: [200, 'Labels'] } },
  '/repositories/{name}/artifacts/{digest}/labels/{key}': {
    put: { summary: 'Set a label', access: 'maintainer of the repository\'s project', parameters: [...ARTIFACT, P.key], body: 'LabelValue', ok: [200, 'Labels'] },
    delete: { summary: 'Remove a label', access: 'maintainer of the repository\'s project', parameters: [...ARTIFACT, P.key], ok: [200, 'Labels'] },
  },
  '/vulnerabilities/summary': {
    get: { summary: 'Findings per severity across the registry, per repository', access: 'any caller; only pullable repositories count', parameters: [query('project', 'only repositories of this project')], ok: [200, 'RegistryVulnerabilitySummary'] },
  },
  '/rescan': { post: { summary: 'Re-match every stored image against the advisory database', access: 'system administrator', ok: [200, 'RescanReport'] } },
  '/projects': { get: { summary: 'List projects', access: 'authenticated; members see their projects, everyone public ones, admins all', ok: [200, 'ProjectList'] } },
  '/projects/{project}': { put: { summary: 'Create or change a project', access: 'system administrator to create; the project\'s admin role to change', parameters: [P.project], body: 'ProjectInput', ok: [200, 'Project'] } },
  '/projects/{project}/members': { get: { summary: 'List members and roles', access: 'member of the project, or public project', parameters: [P.project], ok: [200, 'MemberList'] } },
  '/projects/{project}/members/{user}': {
    put: { summary: 'Give a user a role', access: 'the project\'s admin role', parameters: [P.project, P.user], body: 'MemberInput', ok: [200, 'Member'] },
    delete: { summary: 'Remove a member', access: 'the project\'s admin role', parameters: [P.project, P.user], ok: [204, undefined] },
  },
  '/projects/{project}/pull-policy': {
    get: { summary: 'The project\'s pull gate', access: 'member of the project, or public project', parameters: [P.project], ok: [200, 'PullPolicy'] },
    put: { summary: 'Set the project\'s pull gate (replaces it)', access: 'maintainer of the project', parameters: [P.project], body: 'PullPolicyInput', ok: [200, 'PullPolicy'] },
    delete: { summary: 'Remove the project\'s pull gate', access: 'maintainer of the project', parameters: [P.project], ok: [204, undefined] },
  },
  '/projects/{project}/exceptions': {
    get: { summary: 'Exceptions that apply to the project\'s images', access: 'member of the project, or public project', parameters: [P.project, query('all', 'include expired exceptions', { type: 'string', enum: ['true', 'false'] })], ok: [200, 'ExceptionList'] },
    post: { summary: 'Let images with a finding through the gate until the expiry', access: 'maintainer of the project; system administrator for digest-scoped exceptions', parameters: [P.project], body: 'NewException', ok: [201, 'Exception'] },
  },
  '/projects/{project}/exceptions/{id}': { delete: { summary: 'Remove an exception', access: 'maintainer of the project; system administrator for digest-scoped exceptions', parameters: [P.project, P.id], ok: [204, undefined] } },
  '/users': {
    get: { summary: 'List users', access: 'system administrator', ok: [200, 'UserList'] },
    post: { summary: 'Create a user', access: 'system administrator', body: 'NewUser', ok: [201, 'User'] },
  },
  '/users/{user}': {
    patch: { summary: 'Change a user\'s password, admin or disabled flag', access: 'system administrator', parameters: [P.user], body: 'UserChange', ok: [200, 'User'] },
    delete: { summary: 'Delete a user and their memberships', access: 'system administrator', parameters: [P.user], ok: [204, undefined] },
  },
  '/robots': {
    get: { summary: 'List robot accounts (never their secrets)', access: 'system administrator', ok: [200, 'RobotList'] },
    post: { summary: 'Create a robot account; its secret is answered once', access: 'system administrator', body: 'NewRobot', ok: [201, 'CreatedRobot'] },
  },
  '/robots/{robot}': { delete: { summary: 'Delete a robot account', access: 'system administrator', parameters: [P.robot], ok: [204, undefined] } },
  '/robots/{robot}/revoke': { post: { summary: 'Refuse the robot\'s secret and tokens from now on', access: 'system administrator', parameters: [P.robot], ok: [200, 'Robot'] } },
  '/audit': {
    get: {
      summary: 'Audit records, newest first',
      access: 'system administrator',
      parameters: [query('actor', 'only records of this actor'), query('action', 'only this action (push, policy.change, ...)'), query('since', 'ISO 8601: at or after', { type: 'string', format: 'date-time' }), query('until', 'ISO 8601: before', { type: 'string', format: 'date-time' }), P.n, query('last', 'seq of the last record of the previous page')],
      ok: [200, 'AuditList'],
      paged: true,
    },
  },
  '/audit/verify': { get: { summary: 'Check the audit log\'s hash chain', access: 'system administrator', ok: [200, 'AuditVerification'] } },
  '/system/info': { get: { summary: 'Version, storage and scan queue', access: 'authenticated', ok: [200, 'SystemInfo'] } },
};

/** The document; `version` is Portcullis' own. */
export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {
    '/openapi.json': { get: { summary: 'This document', description: 'Access: anyone.', security: [], responses: { '200': { description: 'OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } } } },
  };
  for (const [route, operations] of Object.entries(PATHS)) {
    paths[route] = Object.fromEntries(Object.entries(operations).map(([method, op]) => [method, operation(op)]));
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Portcullis management API', version, description: 'Repositories, artifacts, scan results, labels, pull gates, accounts and the audit log of a Portcullis registry (docs/management-api.md).' },
    servers: [{ url: '/api/v1' }],
    security: [{ basic: [] }, { bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        basic: { type: 'http', scheme: 'basic', description: 'a user, or robot$NAME with the robot secret' },
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'a token from the registry\'s /token endpoint' },
      },
      schemas: SCHEMAS,
    },
  };
}

export function registerOpenApiRoute(scope: FastifyInstance, version: string): void {
  const document = openApiDocument(version);
  scope.get('/openapi.json', async () => document);
}
