/**
 * Matching rules against repositories and tags. Patterns are compiled once per rule set: the
 * immutability check runs on every push of a tag.
 */
import { compileRepositoryPattern, projectOf } from '../auth/index.ts';
import { type ImmutabilityRule, compileTagPattern, describeImmutabilityRule } from './model.ts';

/** The repository's path inside its project: `app/api` for `team/app/api`, `` for `team` itself. */
export function pathInProject(repository: string): string {
  const slash = repository.indexOf('/');
  return slash === -1 ? '' : repository.slice(slash + 1);
}

/** A repository pattern (relative to the project) as a predicate over full repository names. */
export function repositoryMatcher(pattern: string): (repository: string) => boolean {
  const compiled = compileRepositoryPattern(pattern);
  return (repository) => compiled.test(pathInProject(repository));
}

export function tagMatcher(pattern: string): (tag: string) => boolean {
  const compiled = compileTagPattern(pattern);
  return (tag) => compiled.test(tag);
}

interface CompiledImmutability {
  repository: (repository: string) => boolean;
  tag: (tag: string) => boolean;
  description: string;
}

/** The immutability rules of every project, answering "which rule protects this tag?". */
export class ImmutabilityIndex {
  readonly #byProject = new Map<string, CompiledImmutability[]>();

  constructor(rules: ReadonlyMap<string, readonly ImmutabilityRule[]>) {
    for (const [project, list] of rules) {
      this.#byProject.set(
        project,
        list.map((rule) => ({ repository: repositoryMatcher(rule.repositories), tag: tagMatcher(rule.tags), description: describeImmutabilityRule(rule) })),
      );
    }
  }

  /** The first rule of the repository's project protecting `tag`, described; undefined if none. */
  ruleFor(repository: string, tag: string): string | undefined {
    const rules = this.#byProject.get(projectOf(repository)) ?? [];
    return rules.find((rule) => rule.repository(repository) && rule.tag(tag))?.description;
  }
}
