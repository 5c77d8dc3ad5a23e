/**
 * Reads the package URLs out of a CycloneDX JSON document, normalised for comparison across tools:
 * qualifiers and subpath dropped (tools disagree on them), percent-decoding applied, lower case.
 */
import { readFile } from 'node:fs/promises';

interface Component {
  purl?: string;
  components?: Component[];
}

export function normalisePurl(purl: string): string {
  const withoutQualifiers = purl.split(/[?#]/)[0]!;
  return decodeURIComponent(withoutQualifiers).toLowerCase();
}

export async function purlsOf(file: string): Promise<Set<string>> {
  const bom = JSON.parse(await readFile(file, 'utf8')) as { components?: Component[] };
  const purls = new Set<string>();
  const visit = (components: Component[] | undefined) => {
    for (const component of components ?? []) {
      if (component.purl) purls.add(normalisePurl(component.purl));
      visit(component.components);
    }
  };
  visit(bom.components);
  return purls;
}

export function purlType(purl: string): string {
  return /^pkg:([^/]+)\//.exec(purl)?.[1] ?? 'unknown';
}
