/**
 * Token scopes as the distribution token spec writes them: `repository:team/app:pull,push`,
 * `repository(plugin):team/app:pull`, `registry:catalog:*`. One `scope` query parameter may hold
 * several scopes separated by spaces, and a request may repeat the parameter.
 *
 * Scopes arrive from anonymous clients, so the parser bounds their number and length and refuses
 * names outside the repository grammar with an INPUT error the token endpoint turns into a 400.
 */
import { isRepository, PortcullisError } from '../core/index.ts';
import type { AccessEntry } from './types.ts';

export const MAX_SCOPES = 32;
export const MAX_SCOPE_LENGTH = 512;
const RESOURCE_TYPE = /^[a-z0-9]+(?:\([a-z0-9]+\))?$/;
const ACTION = /^(?:[a-z]+|\*)$/;

export function parseScope(text: string): AccessEntry {
  const show = JSON.stringify(text.slice(0, 120));
  if (text.length > MAX_SCOPE_LENGTH) throw new PortcullisError('LIMIT', `scope is longer than ${MAX_SCOPE_LENGTH} characters`);
  // type and actions never contain ':', a name may (old clients prefix "host:port/"): split at both ends.
  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  if (first === -1 || first === last) throw new PortcullisError('INPUT', `malformed scope ${show}: expected TYPE:NAME:ACTIONS`);
  const typeWithClass = text.slice(0, first);
  const name = text.slice(first + 1, last);
  const actions = text.slice(last + 1).split(',').filter((action) => action !== '');
  if (!RESOURCE_TYPE.test(typeWithClass)) throw new PortcullisError('INPUT', `malformed scope ${show}: bad resource type`);
  if (!actions.every((action) => ACTION.test(action))) throw new PortcullisError('INPUT', `malformed scope ${show}: bad action`);
  const type = typeWithClass.replace(/\(.*\)$/, '');
  if (type === 'repository' && !isRepository(name)) throw new PortcullisError('INPUT', `malformed scope ${show}: invalid repository name`);
  return { type, name, actions: [...new Set(actions)] };
}

/** Every scope in the request's `scope` parameters, in order. */
export function parseScopes(params: readonly string[]): AccessEntry[] {
  const texts = params.flatMap((param) => param.split(' ')).filter((text) => text !== '');
  if (texts.length > MAX_SCOPES) throw new PortcullisError('LIMIT', `more than ${MAX_SCOPES} scopes requested`);
  return texts.map(parseScope);
}

export function formatScope(entry: AccessEntry): string {
  return `${entry.type}:${entry.name}:${entry.actions.join(',')}`;
}
