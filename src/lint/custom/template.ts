/**
 * Finding message templates: literal text with `{{ CEL }}` placeholders, compiled with the rule so a
 * bad placeholder is a load error like a bad expression.
 */
import { celToText, compileCel, positionIn, type RuleScope } from './cel.ts';

export type Template = (context: Record<string, unknown>) => string;

const PLACEHOLDER = /\{\{([\s\S]*?)\}\}/g;

/** The compiled template, or a problem description naming the placeholder. */
export function compileTemplate(text: string, scope: RuleScope): Template | string {
  const parts: Array<string | ((context: Record<string, unknown>) => unknown)> = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const source = match[1] ?? '';
    const compiled = compileCel(source.trim(), scope);
    if (!compiled.ok) {
      const at = positionIn(source.trim(), compiled.problem.offset);
      return `message placeholder {{${source}}}: CEL ${compiled.problem.message} at column ${at.column}`;
    }
    parts.push(text.slice(last, match.index), compiled.program);
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return (context) =>
    parts
      .map((part) => {
        if (typeof part === 'string') return part;
        try {
          return celToText(part(context));
        } catch {
          return '?'; // a message must never hide the finding it belongs to
        }
      })
      .join('');
}
