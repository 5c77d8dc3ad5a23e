/**
 * Checking credentials before they are saved, as `docker login` does: `GET /v2/` with them,
 * answering the registry's challenge (Basic, or the token flow). The session API works per
 * repository, so the token scope names a placeholder repository: a token server still has to
 * authenticate the user to issue it, and `/v2/` needs no repository rights.
 */
import type { Logger } from '../core/index.ts';
import type { Credentials } from './auth-file.ts';
import { RegistrySession } from './session.ts';

const PLACEHOLDER_REPOSITORY = 'portcullis-login-check';

export async function checkLogin(domain: string, credentials: Credentials, options: { insecure?: boolean; logger?: Logger } = {}): Promise<void> {
  const session = new RegistrySession({ domain, credentials, ...options });
  const response = await session.request({ method: 'GET', repository: PLACEHOLDER_REPOSITORY, actions: ['pull'], path: '/v2/', what: 'logging in' });
  await response.body?.cancel().catch(() => {});
}
