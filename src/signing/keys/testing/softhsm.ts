/**
 * A throwaway SoftHSM2 token for tests, made by scripts/softhsm-setup.sh in a temporary directory
 * (with an ECDSA P-256 key pair generated inside it by pkcs11-tool). Sets SOFTHSM2_CONF for this
 * process so pkcs11-tool child processes find the token; remove() deletes everything.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const setupScript = fileURLToPath(new URL('../../../../scripts/softhsm-setup.sh', import.meta.url));

export interface TestToken {
  dir: string;
  module: string;
  token: string;
  pin: string;
  /** pkcs11: URI of an object in the token, with module-path and (unless withoutPin) pin-value. */
  uri(object: string, options?: { withoutPin?: boolean; pin?: string }): string;
  remove(): void;
}

export function createTestToken(): TestToken {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-softhsm-'));
  const pin = '1234';
  let output: string;
  try {
    output = execFileSync('bash', [setupScript, dir], { encoding: 'utf8', env: { ...process.env, PORTCULLIS_PKCS11_PIN: pin } });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`scripts/softhsm-setup.sh failed (needs Debian packages softhsm2 and opensc: bash scripts/test-setup.sh): ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
  const values = Object.fromEntries(output.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  process.env.SOFTHSM2_CONF = values.SOFTHSM2_CONF!;
  const module = values.MODULE!;
  const token = values.TOKEN!;
  return {
    dir,
    module,
    token,
    pin,
    uri: (object, options = {}) => `pkcs11:token=${token};object=${object}?module-path=${module}${options.withoutPin ? '' : `&pin-value=${options.pin ?? pin}`}`,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
