/**
 * Redaction: the only form in which a secret leaves the engine. At most the first and last four
 * characters are kept (fewer for short secrets, so at least half is always hidden) around a
 * fixed-width middle, so the length of the secret is not revealed either.
 */
const MIDDLE = '…';
const MAX_KEPT = 4;

export function redact(secret: string): string {
  const chars = [...secret];
  const kept = Math.min(MAX_KEPT, Math.floor(chars.length / 4));
  if (kept === 0) return MIDDLE;
  // Line breaks inside a kept edge (a PEM body) would split a table row: shown as spaces.
  const edge = (part: string[]) => part.join('').replace(/[\r\n\t]/g, ' ');
  return `${edge(chars.slice(0, kept))}${MIDDLE}${edge(chars.slice(chars.length - kept))}`;
}
