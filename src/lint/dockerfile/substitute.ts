/**
 * Build-argument substitution in FROM, as BuildKit does it before the first stage: `$NAME`,
 * `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:+alt}`, `${NAME+alt}`. Values come from
 * the ARG instructions before the first FROM (their defaults); a variable with no value is reported
 * so the caller can say the image is decided at build time.
 */
export interface Substitution {
  text: string;
  /** Variables that had no value (neither a default nor a fallback in the expression). */
  unresolved: string[];
}

const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

export function substitute(text: string, values: ReadonlyMap<string, string | undefined>): Substitution {
  const unresolved: string[] = [];
  const result = text.replace(VARIABLE, (_, braced: string | undefined, operator: string | undefined, word: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const value = values.get(name);
    // `:-` and `:+` treat an empty value as unset; `-` and `+` only an absent one.
    const set = operator?.startsWith(':') ? value !== undefined && value !== '' : value !== undefined;
    if (operator?.endsWith('-')) return set ? value! : (word ?? '');
    if (operator?.endsWith('+')) return set ? (word ?? '') : '';
    if (value === undefined) unresolved.push(name);
    return value ?? '';
  });
  return { text: result, unresolved };
}
