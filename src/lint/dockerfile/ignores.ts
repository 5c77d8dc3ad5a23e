/**
 * Inline ignores: `# portcullis:ignore=PC-DF-001,PC-DF-004 reason text`. Directly above an
 * instruction (in the comment block touching it) the ignore covers that instruction's lines; in the
 * comments at the top of the file, separated from the first instruction by a blank line, it covers
 * the whole file. Ignored findings stay in the report, marked suppressed with the reason; an ignore
 * without a reason is itself a finding (PC-DF-031), so every exception is explained. Ids match
 * without regard to case, as custom rule ids may be written in lower case.
 */
import type { CheckDefinition, LintFinding } from '../model.ts';
import type { ParsedDockerfile } from './model.ts';

export const IGNORE_WITHOUT_REASON: Omit<CheckDefinition, 'kind'> = {
  id: 'PC-DF-031',
  title: 'Inline ignore without a reason',
  severity: 'LOW',
  description: 'An ignore comment without a reason hides a finding without telling reviewers why the risk is accepted.',
  fix: 'Write the reason after the ids: `# portcullis:ignore=PC-DF-004 runs under a user namespace`.',
  compliance: {},
};

const DIRECTIVE = /^portcullis:ignore=(\S*)(?:\s+(.*))?$/i;
const NO_REASON = '(no reason given)';

export interface InlineIgnore {
  line: number;
  /** Known check ids, upper case. */
  ids: string[];
  reason: string;
  /** Lines covered: one instruction's, or every line of the file. */
  scope: { from: number; to: number } | 'file';
}

export interface ReadIgnores {
  ignores: InlineIgnore[];
  /** PC-DF-031 findings: ignores without a reason. */
  findings: LintFinding[];
  warnings: string[];
}

export function readIgnores(dockerfile: ParsedDockerfile, file: string, knownIds: ReadonlySet<string>): ReadIgnores {
  const result: ReadIgnores = { ignores: [], findings: [], warnings: [] };
  const known = new Set([...knownIds].map((id) => id.toUpperCase()));
  const commentLines = new Set(dockerfile.comments.map((comment) => comment.line));
  const firstInstruction = dockerfile.instructions[0]?.line ?? Number.POSITIVE_INFINITY;
  for (const comment of dockerfile.comments) {
    const match = DIRECTIVE.exec(comment.text);
    if (match === null) continue;
    const ids = (match[1] ?? '').split(',').map((id) => id.trim().toUpperCase()).filter((id) => id !== '');
    const unknown = ids.filter((id) => !known.has(id));
    if (ids.length === 0) result.warnings.push(`line ${comment.line}: portcullis:ignore names no check id`);
    for (const id of unknown) result.warnings.push(`line ${comment.line}: portcullis:ignore names unknown check ${id}`);
    const reason = (match[2] ?? '').trim();
    if (reason === '') {
      result.findings.push({
        checkId: IGNORE_WITHOUT_REASON.id,
        severity: IGNORE_WITHOUT_REASON.severity,
        message: `portcullis:ignore=${ids.join(',')} gives no reason`,
        file,
        line: comment.line,
      });
    }
    const next = dockerfile.instructions.find((instruction) => instruction.line > comment.line);
    const attached = next !== undefined && range(comment.line + 1, next.line).every((line) => commentLines.has(line));
    let scope: InlineIgnore['scope'];
    if (attached) scope = { from: next.line, to: next.endLine };
    else if (comment.line < firstInstruction) scope = 'file';
    else {
      result.warnings.push(`line ${comment.line}: portcullis:ignore is not directly above an instruction, so it ignores nothing`);
      continue;
    }
    result.ignores.push({ line: comment.line, ids: ids.filter((id) => known.has(id)), reason: reason === '' ? NO_REASON : reason, scope });
  }
  return result;
}

/** The findings with those an ignore covers marked suppressed (the first matching ignore's reason). */
export function applyIgnores(findings: readonly LintFinding[], ignores: readonly InlineIgnore[]): LintFinding[] {
  return findings.map((finding) => {
    const ignore = ignores.find(
      (each) => each.ids.includes(finding.checkId.toUpperCase()) && (each.scope === 'file' || (finding.line >= each.scope.from && finding.line <= each.scope.to)),
    );
    return ignore === undefined ? finding : { ...finding, suppressed: { reason: ignore.reason } };
  });
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, index) => from + index);
}
