/**
 * Repository patterns for robot scopes: `team/app` (exact), `team/*` (one segment), `team/**`
 * (anything under team). Hand-written because the grammar is two wildcards and a compiled regex per
 * pattern is all the matcher needs; a glob library would also accept braces, classes and negation.
 */
import { PortcullisError } from '../core/index.ts';

const PATTERN = /^[a-z0-9._\-*]+(?:\/[a-z0-9._\-*]+)*$/;
const MAX_PATTERN_LENGTH = 255;

export function validateRepositoryPattern(pattern: string): void {
  if (pattern.length === 0 || pattern.length > MAX_PATTERN_LENGTH || !PATTERN.test(pattern) || /\*{3,}/.test(pattern)) {
    throw new PortcullisError('INPUT', `invalid repository pattern ${JSON.stringify(pattern.slice(0, 80))}: lowercase path with * or ** wildcards`);
  }
}

export function compileRepositoryPattern(pattern: string): RegExp {
  validateRepositoryPattern(pattern);
  const body = pattern
    .split(/(\*\*|\*)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.]/g, '\\.')))
    .join('');
  return new RegExp(`^${body}$`);
}

export function matchesRepositoryPattern(pattern: string, repository: string): boolean {
  return compileRepositoryPattern(pattern).test(repository);
}
