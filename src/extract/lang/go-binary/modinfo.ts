/**
 * Parses the module info text a Go binary carries (the format of Go's debug.ParseBuildInfo):
 *
 *   path\t<main package path>
 *   mod\t<main module path>\t<version>[\t<sum>]
 *   dep\t<module path>\t<version>[\t<sum>]
 *   =>\t<replacement path>\t<version>[\t<sum>]     (replaces the module on the line before)
 *   build\t<key>=<value>                           (key and value Go-quoted when needed)
 *
 * Unknown or malformed lines become warnings; the rest is kept.
 */
import { quote } from '../support/fields.ts';
import { unquotePrefix } from './go-quote.ts';

export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  replace?: GoModule;
}

export interface ModInfo {
  /** Import path of the main package ("example.com/app/cmd/app", "command-line-arguments"). */
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  /** Build settings in order ("-ldflags", "CGO_ENABLED", "vcs.revision", ...). */
  build: Array<[string, string]>;
}

/** Warnings about one binary stop here: a hostile module info must not flood the inventory. */
const MAX_WARNINGS = 10;

export function parseModInfo(text: string, warn: (message: string) => void): ModInfo {
  const info: ModInfo = { deps: [], build: [] };
  let warnings = 0;
  const problem = (lineNumber: number, message: string) => {
    warnings++;
    if (warnings <= MAX_WARNINGS) warn(`module info line ${lineNumber}: ${message}`);
  };
  /** The module a following `=>` line replaces. */
  let last: GoModule | undefined;
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    if (line === '') return;
    const tab = line.indexOf('\t');
    const keyword = tab < 0 ? line : line.slice(0, tab);
    const rest = tab < 0 ? '' : line.slice(tab + 1);
    switch (keyword) {
      case 'go':
        return; // the toolchain version; the blob header carries it too
      case 'path':
        info.path = rest;
        return;
      case 'mod':
      case 'dep': {
        const module = readModule(rest);
        if (module === undefined) return problem(lineNumber, `malformed module line ${quote(line)}`);
        if (keyword === 'mod') info.main = module;
        else info.deps.push(module);
        last = module;
        return;
      }
      case '=>': {
        const replacement = readModule(rest);
        if (replacement === undefined) return problem(lineNumber, `malformed replacement line ${quote(line)}`);
        if (last === undefined || last.replace !== undefined) return problem(lineNumber, 'replacement without a module to replace');
        last.replace = replacement;
        return;
      }
      case 'build': {
        const setting = readBuildSetting(rest);
        if (setting === undefined) return problem(lineNumber, `malformed build setting ${quote(line)}`);
        info.build.push(setting);
        return;
      }
      default:
        return problem(lineNumber, `unknown line ${quote(line)}`);
    }
  });
  if (warnings > MAX_WARNINGS) warn(`module info: ${warnings - MAX_WARNINGS} more malformed lines not reported`);
  return info;
}

/** `<path>\t<version>[\t<sum>]`, as Go writes it (a local replacement has "(devel)" or "" as version). */
function readModule(fields: string): GoModule | undefined {
  const [path, version, sum, ...extra] = fields.split('\t');
  if (path === undefined || path === '' || version === undefined || extra.length > 0) return undefined;
  const module: GoModule = { path, version };
  if (sum !== undefined && sum !== '') module.sum = sum;
  return module;
}

function readBuildSetting(text: string): [string, string] | undefined {
  let key: string;
  let afterKey: string;
  if (text.startsWith('"')) {
    const quotedKey = unquotePrefix(text);
    if (quotedKey === undefined) return undefined;
    key = quotedKey.value;
    afterKey = text.slice(quotedKey.length);
    if (!afterKey.startsWith('=')) return undefined;
    afterKey = afterKey.slice(1);
  } else {
    const equals = text.indexOf('=');
    if (equals <= 0) return undefined;
    key = text.slice(0, equals);
    afterKey = text.slice(equals + 1);
  }
  if (!afterKey.startsWith('"')) return [key, afterKey];
  const quotedValue = unquotePrefix(afterKey);
  if (quotedValue === undefined || quotedValue.length !== afterKey.length) return undefined;
  return [key, quotedValue.value];
}
