/** cosign's tag scheme read backwards: `sha256-<hex>.sig` / `.att` / `.sbom` names the image `sha256:<hex>`. */
const ATTACHMENT_TAG = /^(sha256|sha512)-([a-f0-9]{64}|[a-f0-9]{128})\.(sig|att|sbom)$/;

export function attachmentDigest(tag: string): string | undefined {
  const match = ATTACHMENT_TAG.exec(tag);
  return match === null ? undefined : `${match[1]}:${match[2]}`;
}
