/**
 * Text for XML 1.0 content and attribute values: the five specials as entities; tab, newline and
 * carriage return as character references (attribute values would otherwise normalise them away);
 * characters XML 1.0 forbids (other C0 controls, lone surrogates, U+FFFE/U+FFFF) as U+FFFD.
 */
export function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/[&<>"'\t\n\r]/g, (char) => ENTITY[char] ?? char);
}

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };
