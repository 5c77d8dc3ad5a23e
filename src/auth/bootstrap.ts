/**
 * First start: when the store has no users, create the admin. Its password comes from
 * PORTCULLIS_ADMIN_PASSWORD when set; otherwise a strong one is generated and returned once so the
 * caller can print it. It is never logged here and never stored in clear.
 */
import { createUser } from './accounts.ts';
import { generatePassword } from './password.ts';
import type { AuthStore } from './store.ts';

export const ADMIN_PASSWORD_ENV = 'PORTCULLIS_ADMIN_PASSWORD';
export const INITIAL_ADMIN = 'admin';

export type BootstrapResult =
  | { created: false }
  | { created: true; username: string; passwordSource: 'env' }
  | { created: true; username: string; passwordSource: 'generated'; generatedPassword: string };

export async function ensureInitialAdmin(store: AuthStore, env: NodeJS.ProcessEnv = process.env): Promise<BootstrapResult> {
  if (store.countUsers() > 0) return { created: false };
  const fromEnv = env[ADMIN_PASSWORD_ENV];
  const password = fromEnv !== undefined && fromEnv !== '' ? fromEnv : generatePassword();
  await createUser(store, { name: 'system', ip: '' }, INITIAL_ADMIN, password, { admin: true });
  return fromEnv !== undefined && fromEnv !== ''
    ? { created: true, username: INITIAL_ADMIN, passwordSource: 'env' }
    : { created: true, username: INITIAL_ADMIN, passwordSource: 'generated', generatedPassword: password };
}
