/**
 * A second, deliberately separate implementation of cosign's encrypted key envelope for tests:
 * scrypt and tweetnacl called directly, no Portcullis code. Used to check that files Portcullis
 * writes decrypt without Portcullis, and to build hostile files Portcullis must refuse.
 */
import { scryptSync, randomBytes } from 'node:crypto';
import nacl from 'tweetnacl';

export interface EnvelopeParts {
  N?: number;
  r?: number;
  p?: number;
  passphrase?: string;
  salt?: Buffer;
  nonce?: Buffer;
  label?: string;
}

/** Encrypts `plaintext` (normally PKCS#8 DER) into a PEM envelope; small N by default for speed. */
export function sealEnvelope(plaintext: Buffer, parts: EnvelopeParts = {}): string {
  const { N = 1024, r = 8, p = 1, passphrase = 'test', label = 'ENCRYPTED SIGSTORE PRIVATE KEY' } = parts;
  const salt = parts.salt ?? randomBytes(32);
  const nonce = parts.nonce ?? randomBytes(24);
  const key = scryptSync(passphrase, salt, 32, { N, r, p, maxmem: 256 * 1024 * 1024 });
  // A nonce of the wrong length (hostile tests) is written as given; sealing uses it padded to 24 bytes.
  const sealingNonce = Buffer.alloc(24);
  nonce.copy(sealingNonce);
  const ciphertext = Buffer.from(nacl.secretbox(plaintext, sealingNonce, key));
  const json = { kdf: { name: 'scrypt', params: { N, r, p }, salt: salt.toString('base64') }, cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') }, ciphertext: ciphertext.toString('base64') };
  return armour(label, Buffer.from(JSON.stringify(json)));
}

/** PEM armour around any body, for hand-made hostile envelopes. */
export function armour(label: string, body: Buffer): string {
  const lines = body.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Opens a PEM envelope the way cosign does, returning the plaintext (PKCS#8 DER) or null. */
export function openEnvelope(pem: string, passphrase: string): { plaintext: Buffer | null; label: string; document: Record<string, any> } {
  const match = /-----BEGIN ([A-Z ]+)-----\n([\s\S]*?)\n-----END \1-----/.exec(pem);
  if (!match) throw new Error('no PEM block');
  const document = JSON.parse(Buffer.from(match[2]!.replace(/\n/g, ''), 'base64').toString('utf8'));
  const { N, r, p } = document.kdf.params;
  const key = scryptSync(passphrase, Buffer.from(document.kdf.salt, 'base64'), 32, { N, r, p, maxmem: 256 * 1024 * 1024 });
  const opened = nacl.secretbox.open(Buffer.from(document.ciphertext, 'base64'), Buffer.from(document.cipher.nonce, 'base64'), key);
  return { plaintext: opened ? Buffer.from(opened) : null, label: match[1]!, document };
}
