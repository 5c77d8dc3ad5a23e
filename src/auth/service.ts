/**
 * AuthService: the one object the registry routes talk to. It turns credentials into a Principal
 * (basic auth, bearer token or anonymous), answers authorize() for each request, issues tokens with
 * the intersection of requested and permitted actions, and records logins in the audit log.
 */
import { PortcullisError } from '../core/index.ts';
import { robotSecretMatches } from './accounts.ts';
import { appendAudit } from './audit.ts';
import type { AuditEvent } from './audit-record.ts';
import { allowedActions, allowedRegistryActions, projectOf } from './authorize.ts';
import { bearerChallenge, type BearerError } from './challenge.ts';
import type { Credentials } from './credentials.ts';
import { loadOrCreateSigningKey, type SigningKey } from './keys.ts';
import { LoginThrottle } from './login-throttle.ts';
import { decoyHash, verifyPassword } from './password.ts';
import type { AuthStore } from './store.ts';
import { issueToken, verifyToken, type TokenSettings } from './tokens.ts';
import { ROBOT_PREFIX, type AccessEntry, type AccessRequest, type Action, type Principal, type RobotRecord } from './types.ts';

export interface AuthServiceOptions {
  store: AuthStore;
  /** Derives the key that encrypts the token signing key at rest (keys.ts). */
  serverSecret: string;
  /** Service name: the `service` of challenges and the `aud` of tokens, e.g. "registry.example:5000". */
  service: string;
  /** Absolute URL of the token endpoint, the challenge's `realm`. */
  realm: string;
  /** `iss` of tokens; defaults to "portcullis". */
  issuer?: string;
  tokenTtlSeconds?: number;
  /** Failed-login limits; defaults to 10 failures per name and address in 15 minutes. */
  throttle?: LoginThrottle;
}

export interface TokenResponse {
  token: string;
  access_token: string;
  expires_in: number;
  issued_at: string;
}

export function loginName(principal: Principal): string {
  switch (principal.kind) {
    case 'anonymous':
      return '';
    case 'user':
      return principal.name;
    case 'robot':
      return `${ROBOT_PREFIX}${principal.name}`;
  }
}

export class AuthService {
  readonly store: AuthStore;
  readonly realm: string;
  readonly service: string;
  readonly #key: SigningKey;
  readonly #settings: TokenSettings;
  readonly #throttle: LoginThrottle;

  private constructor(options: AuthServiceOptions, key: SigningKey) {
    this.store = options.store;
    this.realm = options.realm;
    this.service = options.service;
    this.#key = key;
    this.#throttle = options.throttle ?? new LoginThrottle();
    this.#settings = { issuer: options.issuer ?? 'portcullis', service: options.service, ...(options.tokenTtlSeconds !== undefined && { ttlSeconds: options.tokenTtlSeconds }) };
  }

  /** Loads (or on first start creates) the signing key; fails if the server secret cannot decrypt it. */
  static async open(options: AuthServiceOptions): Promise<AuthService> {
    return new AuthService(options, await loadOrCreateSigningKey(options.store, options.serverSecret));
  }

  /** The `WWW-Authenticate` value for a 401 on a registry route. */
  challenge(scopes: readonly AccessEntry[] = [], error?: BearerError): string {
    return bearerChallenge(this.realm, this.service, scopes, error);
  }

  audit(event: AuditEvent): void {
    appendAudit(this.store, event);
  }

  /**
   * Checks a user or robot login; undefined (and an audited failure) when it does not hold. A LIMIT
   * error when this name has failed too often from this address (see login-throttle.ts).
   */
  async login(username: string, password: string, ip: string): Promise<Principal | undefined> {
    const waitMs = this.#throttle.retryAfterMs(username, ip);
    if (waitMs > 0) {
      this.audit({ actor: username, action: 'login.failed', target: this.service, ip, outcome: 'denied', detail: { reason: 'too many failed logins' } });
      throw new PortcullisError('LIMIT', `too many failed logins for ${JSON.stringify(username.slice(0, 80))}; retry in ${Math.ceil(waitMs / 1000)} s`);
    }
    const principal = username.startsWith(ROBOT_PREFIX) ? this.#robotLogin(username.slice(ROBOT_PREFIX.length), password) : await this.#userLogin(username, password);
    if (principal === undefined) {
      this.#throttle.recordFailure(username, ip);
      this.audit({ actor: username, action: 'login.failed', target: this.service, ip, outcome: 'failed' });
    } else {
      this.#throttle.recordSuccess(username, ip);
    }
    return principal;
  }

  async #userLogin(name: string, password: string): Promise<Principal | undefined> {
    const user = this.store.getUser(name);
    // Unknown users cost a full scrypt too, so timing does not reveal which names exist.
    const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
    if (user === undefined || user.disabled || !matches) return undefined;
    return { kind: 'user', name: user.name, admin: user.admin };
  }

  #robotLogin(name: string, secret: string): Principal | undefined {
    const robot = this.store.getRobot(name);
    if (robot === undefined || !robotSecretMatches(secret, robot)) return undefined;
    return this.#liveRobot(robot);
  }

  /** The robot as a principal, or undefined when it is revoked or expired. */
  #liveRobot(robot: RobotRecord | undefined): Principal | undefined {
    if (robot === undefined || robot.revoked) return undefined;
    if (robot.expiresAt !== undefined && Date.parse(robot.expiresAt) <= Date.now()) return undefined;
    return { kind: 'robot', name: robot.name, scopes: robot.scopes, scanner: robot.scanner };
  }

  /**
   * Who sent a registry request. Anonymous without credentials; AUTH error for bad credentials or a
   * bad token. A bearer principal is re-read from the store (revoked robots and disabled users stop
   * at once) and limited to the token's access claim.
   */
  async authenticate(credentials: Credentials, ip: string): Promise<Principal> {
    switch (credentials.scheme) {
      case 'none':
        return { kind: 'anonymous' };
      case 'basic': {
        const principal = await this.login(credentials.username, credentials.password, ip);
        if (principal === undefined) throw new PortcullisError('AUTH', 'invalid username or password');
        return principal;
      }
      case 'bearer': {
        const { subject, access } = await verifyToken(credentials.token, this.#key, this.#settings);
        const principal = this.#principalOf(subject);
        if (principal === undefined) throw new PortcullisError('AUTH', `token subject ${JSON.stringify(subject.slice(0, 80))} no longer has access`);
        return { ...principal, limitTo: access };
      }
    }
  }

  #principalOf(subject: string): Principal | undefined {
    if (subject === '') return { kind: 'anonymous' };
    if (subject.startsWith(ROBOT_PREFIX)) return this.#liveRobot(this.store.getRobot(subject.slice(ROBOT_PREFIX.length)));
    const user = this.store.getUser(subject);
    return user === undefined || user.disabled ? undefined : { kind: 'user', name: user.name, admin: user.admin };
  }

  /** The requested actions the principal may perform on the repository; [] when none. */
  authorize(principal: Principal, request: AccessRequest): Action[] {
    const project = projectOf(request.repository);
    const role = principal.kind === 'user' ? this.store.getRole(project, principal.name) : undefined;
    return allowedActions({ principal, request, project: this.store.getProject(project), role });
  }

  /** Registry-wide actions (`registry:catalog:*`) the principal may perform; [] when none. */
  authorizeRegistry(principal: Principal, name: string, actions: readonly string[]): string[] {
    return allowedRegistryActions(principal, name, actions);
  }

  /** Grants for each requested scope: the permitted subset, entries with no action left dropped. */
  grant(principal: Principal, scopes: readonly AccessEntry[], ip: string): AccessEntry[] {
    const granted: AccessEntry[] = [];
    for (const scope of scopes) {
      const actions =
        scope.type === 'repository'
          ? this.authorize(principal, { repository: scope.name, actions: scope.actions, ip })
          : scope.type === 'registry'
            ? this.authorizeRegistry(principal, scope.name, scope.actions)
            : [];
      if (actions.length > 0) granted.push({ type: scope.type, name: scope.name, actions });
    }
    return granted;
  }

  /** Issues a token for the principal with the permitted part of `scopes`, and audits it. */
  async issue(principal: Principal, scopes: readonly AccessEntry[], ip: string): Promise<TokenResponse> {
    const access = this.grant(principal, scopes, ip);
    const subject = loginName(principal);
    const { token, expiresIn, issuedAt } = await issueToken(this.#key, this.#settings, subject, access);
    const granted = access.map((entry) => `${entry.type}:${entry.name}:${entry.actions.join(',')}`).join(' ');
    this.audit({ actor: subject || 'anonymous', action: 'token.issue', target: this.service, ip, outcome: 'ok', detail: { granted } });
    return { token, access_token: token, expires_in: expiresIn, issued_at: issuedAt.toISOString() };
  }
}
