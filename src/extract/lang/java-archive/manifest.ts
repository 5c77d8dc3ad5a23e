/**
 * The main section of a JAR manifest (META-INF/MANIFEST.MF): `Name: value` headers, each line at
 * most 72 bytes with longer values continued on lines that start with one space, ended by a blank
 * line. Header names are case-insensitive, so they are kept lower-cased.
 */

export function parseManifestMainSection(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  let current: { name: string; value: string } | undefined;
  const commit = () => {
    if (current !== undefined && !headers.has(current.name)) headers.set(current.name, current.value.trim());
  };
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') break;
    if (line.startsWith(' ')) {
      if (current !== undefined) current.value += line.slice(1);
      continue;
    }
    commit();
    const colon = line.indexOf(': ');
    current = colon > 0 ? { name: line.slice(0, colon).toLowerCase(), value: line.slice(colon + 2) } : undefined;
  }
  commit();
  return headers;
}
