/**
 * Opening the key of an auto-sign rule. Secrets never come from the rule store: a PKCS#11 PIN comes
 * from the URI's pin-source, PORTCULLIS_PKCS11_PIN, the rule's pinFile or the server's PIN file (in
 * that order); a key file's passphrase from the rule's passphraseFile, the server's passphrase file,
 * PORTCULLIS_PASSWORD or COSIGN_PASSWORD. Signers are opened once per key and kept, so a token is not
 * searched again for every image.
 */
import { readFile } from 'node:fs/promises';
import { PortcullisError } from '../core/index.ts';
import { openSigner, passphraseSource, type Signer } from '../signing/keys/index.ts';
import type { AutoSignRule } from './rule.ts';

/** Where the server reads secrets that a rule does not name files for. */
export interface ServerSecrets {
  pinFile?: string;
  passphraseFile?: string;
}

async function readSecret(path: string, what: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).replace(/\r?\n$/, '');
  } catch (error) {
    // The path may be named; the content never is.
    throw new PortcullisError('NOT_FOUND', `cannot read the ${what} file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** A server never prompts on a terminal: without a file, the environment has the passphrase or nothing does. */
async function passphraseFromEnvironment(): Promise<string> {
  const value = process.env.PORTCULLIS_PASSWORD ?? process.env.COSIGN_PASSWORD;
  if (value === undefined) throw new PortcullisError('AUTH', 'the key file needs a passphrase: give passphraseFile, --auto-sign-passphrase-file or PORTCULLIS_PASSWORD');
  return value;
}

export class RuleKeys {
  readonly #secrets: ServerSecrets;
  readonly #signers = new Map<string, Promise<Signer>>();

  constructor(secrets: ServerSecrets) {
    this.#secrets = secrets;
  }

  signerFor(rule: Pick<AutoSignRule, 'keyRef' | 'pinFile' | 'passphraseFile'>): Promise<Signer> {
    const key = JSON.stringify([rule.keyRef, rule.pinFile, rule.passphraseFile]);
    let signer = this.#signers.get(key);
    if (signer === undefined) {
      signer = this.#open(rule);
      this.#signers.set(key, signer);
      // A key that failed to open (token absent, wrong PIN) is tried again next time.
      signer.catch(() => this.#signers.delete(key));
    }
    return signer;
  }

  #open(rule: Pick<AutoSignRule, 'keyRef' | 'pinFile' | 'passphraseFile'>): Promise<Signer> {
    const pinFile = rule.pinFile ?? this.#secrets.pinFile;
    const passphraseFile = rule.passphraseFile ?? this.#secrets.passphraseFile;
    return openSigner(rule.keyRef, {
      passphrase: passphraseFile === undefined ? passphraseFromEnvironment : passphraseSource({ file: passphraseFile }),
      ...(pinFile !== undefined && { pin: () => readSecret(pinFile, 'PIN') }),
    });
  }
}
