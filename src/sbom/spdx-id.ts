/**
 * SPDX element identifiers: `SPDXRef-` followed by letters, digits, '.' and '-' only (SPDX 2.3
 * clause 3.2), unique within a document. Names from packages carry anything (spaces, '@', '/',
 * unicode), so each run of other characters becomes one '-', and a clash gets a counter suffix.
 */

/** Longest identifier part kept from a name; long enough to stay readable, short enough to scan. */
const MAX_ID_PART = 200;

export function sanitiseSpdxIdPart(text: string): string {
  // Accented letters keep their base letter ("ü" -> "u") so ids stay recognisable.
  const cleaned = text.normalize('NFKD').replace(/\p{Mn}+/gu, '').replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, MAX_ID_PART);
  return cleaned === '' ? 'unnamed' : cleaned;
}

/** Hands out unique ids in call order, so the same calls in the same order give the same ids. */
export class SpdxIdAllocator {
  readonly #used = new Set<string>();

  /** `SPDXRef-<sanitised parts joined by '-'>`, with `-2`, `-3`, ... appended on a clash. */
  allocate(...parts: string[]): string {
    const base = `SPDXRef-${parts.map(sanitiseSpdxIdPart).join('-')}`;
    let id = base;
    for (let counter = 2; this.#used.has(id); counter++) id = `${base}-${counter}`;
    this.#used.add(id);
    return id;
  }
}
