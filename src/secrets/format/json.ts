/** The scan result as JSON, exactly the SecretScanResult model (documented in docs/commands/secrets.md). */
import type { SecretScanResult } from '../types.ts';

export function formatSecretsJson(result: SecretScanResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
