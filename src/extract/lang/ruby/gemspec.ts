/**
 * Installed gems: the `specifications/<name>-<version>.gemspec` files RubyGems writes. They are
 * Ruby source, and Portcullis never executes code from an image, so the `name`, `version` and
 * `license(s)` assignments are read as text. RubyGems writes them in a fixed shape
 * (`s.name = "rake".freeze`); hand-written forms with %q{}, %w[] and Gem::Version.new are read too.
 */
import type { ExtractContext, ExtractResult, Extractor, ExtractorFile, FileInfo } from '../../extractor.ts';
import { languagePackage } from '../support/packages.ts';
import { readText } from '../support/file-content.ts';

const SPEC_BLOCK = /Gem::Specification\.new\s*(?:do\s*|\{\s*)\|\s*([A-Za-z_]\w*)\s*\|/;
const ASSIGNMENT = /^[ \t]*([A-Za-z_]\w*)\.(name|version|licenses|license)[ \t]*=[ \t]*(.*)$/gm;
/** A Ruby string literal: "...", '...', or %q/%Q with braces, parentheses or brackets. */
const STRING_LITERAL = /"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|%[qQ]?\{([^}\n]*)\}|%[qQ]?\(([^)\n]*)\)|%[qQ]?\[([^\]\n]*)\]/g;
const WORD_ARRAY = /%w[[{(]([^\])}\n]*)[\])}]/;
/**
 * Names, versions and license lists are short; a longer value is not one RubyGems wrote, and
 * bounding it keeps the literal scan linear on hostile lines.
 */
const MAX_VALUE_CHARS = 2048;

/** Ruby's own default gems (json, uri, net-http, ...) sit in `specifications/default/`. */
function isGemspecPath(path: string): boolean {
  return path.endsWith('.gemspec') && /(^|\/)specifications\/(default\/)?[^/]+$/.test(path);
}

export const gemspecExtractor: Extractor = {
  name: 'lang/gemspec',
  version: 1,

  fileRequired(file: FileInfo): boolean {
    return isGemspecPath(file.path);
  },

  async extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult> {
    const content = await readText(file, context);
    if (content === undefined) return { packages: [] };
    const fields = readAssignments(content);
    const name = fields.get('name')?.[0];
    const version = fields.get('version')?.[0];
    if (name === undefined || version === undefined) {
      context.warn(`gemspec has no readable ${name === undefined ? 'name' : 'version'} assignment; skipped`);
      return { packages: [] };
    }
    const licenses = [...(fields.get('license') ?? []), ...(fields.get('licenses') ?? [])];
    return { packages: [languagePackage({ type: 'gem', name, version, licenses }, file.path)] };
  },
};

/** The literal values assigned to the specification's fields, by field name (first assignment wins). */
function readAssignments(content: string): Map<string, string[]> {
  const receiver = SPEC_BLOCK.exec(content)?.[1];
  const fields = new Map<string, string[]>();
  for (const match of content.matchAll(ASSIGNMENT)) {
    const [, variable, field, value] = match;
    if (field === undefined || value === undefined || (receiver !== undefined && variable !== receiver)) continue;
    if (value.length > MAX_VALUE_CHARS) continue;
    if (fields.has(field)) continue;
    const literals = stringLiterals(value);
    if (literals.length > 0) fields.set(field, literals);
  }
  return fields;
}

function stringLiterals(value: string): string[] {
  const words = WORD_ARRAY.exec(value)?.[1];
  if (words !== undefined) return words.split(/\s+/).filter((word) => word !== '');
  const literals: string[] = [];
  for (const match of value.matchAll(STRING_LITERAL)) {
    const doubleQuoted = match[1];
    const literal = doubleQuoted !== undefined ? unescapeDoubleQuoted(doubleQuoted) : (match[2] ?? match[3] ?? match[4] ?? match[5]);
    if (literal !== undefined && literal.trim() !== '') literals.push(literal.trim());
  }
  return literals;
}

/** The escapes RubyGems emits in names and versions; anything fancier is kept as written. */
function unescapeDoubleQuoted(literal: string): string {
  return literal.replace(/\\(["\\#])/g, '$1');
}
