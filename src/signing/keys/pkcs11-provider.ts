/**
 * The vault: keys held in a PKCS#11 token (an HSM, a smart card, SoftHSM2), named by RFC 7512 URIs.
 * Signing happens inside the token; the private key never leaves it (keys Portcullis generates are
 * created sensitive and non-extractable, and that is checked after generation). Only the public key
 * is ever read out. Every signature the token returns is verified against that public key before it
 * is handed back, so a token that signs with another key than the URI names is caught at once.
 */
import { createHash, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { PortcullisError } from '../../core/index.ts';
import { requireSupportedKey, type KeyType } from './key-material.ts';
import { listTokenObjects, runPkcs11Tool, type TokenObject, type TokenTarget } from './pkcs11-tool.ts';
import { formatPkcs11Uri, isPkcs11Uri, parsePkcs11Uri, type Pkcs11Uri } from './pkcs11-uri.ts';
import { keyIdOf, verifySignature, type KeyOptions, type KeyProvider, type Signer } from './types.ts';

/** A key pair in a token, as `keys list` shows it. */
export interface TokenKey {
  /** pkcs11: URI of the key (without module or PIN) */
  uri: string;
  label?: string;
  id?: string;
  keyType?: string;
  /** Present when the public half is in the token and Portcullis can sign with the key. */
  keyId?: string;
  access: string[];
}

export interface Pkcs11KeyProvider extends KeyProvider {
  /** Creates a key pair inside the token under the URI's object label; returns its public key. */
  generate(ref: string, type: KeyType, options: KeyOptions): Promise<KeyObject>;
  /** The private keys in the token (URI path attributes other than token/slot are ignored). */
  list(ref: string, options: KeyOptions): Promise<TokenKey[]>;
  /** Deletes the key pair (private and public objects) the URI names. */
  delete(ref: string, options: KeyOptions): Promise<void>;
}

/** DER prefix of a PKCS#1 v1.5 DigestInfo for SHA-256 (RFC 8017 section 9.2, note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

interface OpenedUri {
  uri: Pkcs11Uri;
  target: TokenTarget;
}

async function open(ref: string): Promise<OpenedUri> {
  const uri = parsePkcs11Uri(ref);
  const modulePath = uri.modulePath ?? process.env.PORTCULLIS_PKCS11_MODULE;
  if (!modulePath) {
    throw new PortcullisError('USAGE', 'the pkcs11 URI needs module-path=/path/to/module.so (or set PORTCULLIS_PKCS11_MODULE)');
  }
  if (!isAbsolute(modulePath)) throw new PortcullisError('USAGE', `module-path must be an absolute path: got ${JSON.stringify(modulePath)}`);
  if (uri.token === undefined && uri.slotId === undefined) throw new PortcullisError('USAGE', 'the pkcs11 URI must name the token (token=LABEL or slot-id=N)');
  for (const unsupported of ['serial', 'manufacturer', 'model', 'slotDescription', 'slotManufacturer', 'moduleName'] as const) {
    if (uri[unsupported] !== undefined) {
      throw new PortcullisError('UNSUPPORTED', `the pkcs11 URI attribute ${unsupported} cannot be used to select a token here: select it with token= or slot-id= (and module-path=)`);
    }
  }
  try {
    await access(modulePath);
  } catch {
    throw new PortcullisError('NOT_FOUND', `PKCS#11 module ${modulePath} not found`);
  }
  const description = `token ${uri.token !== undefined ? JSON.stringify(uri.token) : `in slot ${uri.slotId}`}`;
  return { uri, target: { modulePath, description, ...(uri.token !== undefined ? { token: uri.token } : {}), ...(uri.slotId !== undefined ? { slotId: uri.slotId } : {}) } };
}

/** The PIN from the URI, its pin-source file, PORTCULLIS_PKCS11_PIN, or the caller's prompt. */
async function resolvePin(uri: Pkcs11Uri, options: KeyOptions, required: boolean): Promise<string | undefined> {
  if (uri.pinValue !== undefined) return uri.pinValue;
  if (uri.pinSource !== undefined) {
    const path = uri.pinSource.startsWith('file:') ? new URL(uri.pinSource).pathname : uri.pinSource;
    try {
      return (await readFile(path, 'utf8')).replace(/\r?\n$/, '');
    } catch (error) {
      throw new PortcullisError('NOT_FOUND', `cannot read the PIN from pin-source ${path}`, { cause: error });
    }
  }
  if (process.env.PORTCULLIS_PKCS11_PIN !== undefined) return process.env.PORTCULLIS_PKCS11_PIN;
  if (!required) return undefined;
  if (options.pin) return options.pin();
  throw new PortcullisError('AUTH', 'the token needs a PIN: give pin-value or pin-source in the URI, or set PORTCULLIS_PKCS11_PIN');
}

function sameId(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a !== undefined && b !== undefined && a.equals(b);
}

/** The one object of `type` the URI names; pkcs11-tool can only address it by a unique CKA_ID. */
function findObject(objects: TokenObject[], uri: Pkcs11Uri, type: 'private' | 'public', target: TokenTarget): TokenObject & { id: Buffer } {
  if (uri.object === undefined && uri.id === undefined) throw new PortcullisError('USAGE', 'the pkcs11 URI must name the key (object=LABEL or id=%XX)');
  const name = formatPkcs11Uri({ ...(uri.object !== undefined ? { object: uri.object } : {}), ...(uri.id ? { id: uri.id } : {}) }).slice('pkcs11:'.length);
  const ofType = objects.filter((object) => object.type === type);
  const matches = ofType.filter((object) => (uri.object === undefined || object.label === uri.object) && (uri.id === undefined || sameId(object.id, uri.id)));
  const [match] = matches;
  if (!match) throw new PortcullisError('NOT_FOUND', `no ${type} key ${name} in ${target.description}`);
  if (matches.length > 1) throw new PortcullisError('USAGE', `${matches.length} ${type} keys match ${name} in ${target.description}: add id= to the URI`);
  if (!match.id) throw new PortcullisError('UNSUPPORTED', `the ${type} key ${name} has no CKA_ID, which Portcullis needs to address it`);
  if (ofType.filter((object) => sameId(object.id, match.id)).length > 1) {
    throw new PortcullisError('UNSUPPORTED', `the ${type} key ${name} shares its CKA_ID with another key in ${target.description}: give each key its own id`);
  }
  return match as TokenObject & { id: Buffer };
}

async function readPublicKey(target: TokenTarget, id: Buffer, pin: string | undefined): Promise<KeyObject> {
  const der = await runPkcs11Tool(target, ['--read-object', '--type', 'pubkey', '--id', id.toString('hex')], { what: 'reading the public key', ...(pin === undefined ? {} : { pin }) });
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch (error) {
    throw new PortcullisError('UNSUPPORTED', `the public key in ${target.description} is not one Portcullis reads`, { cause: error });
  }
  requireSupportedKey(publicKey, target.description);
  return publicKey;
}

/** The public key needs no login unless the token keeps it private; a PIN is used only if already known. */
async function publicKey(ref: string, options: KeyOptions): Promise<KeyObject> {
  const { uri, target } = await open(ref);
  const pin = await resolvePin(uri, options, false);
  const object = findObject(await listTokenObjects(target, pin), uri, 'public', target);
  return readPublicKey(target, object.id, pin);
}

async function signer(ref: string, options: KeyOptions): Promise<Signer> {
  const opened = await open(ref);
  const pin = await resolvePin(opened.uri, options, true);
  const objects = await listTokenObjects(opened.target, pin);
  const { id } = findObject(objects, opened.uri, 'private', opened.target);
  const publicKey = await readPublicKey(opened.target, id, pin);
  const algorithm = requireSupportedKey(publicKey, opened.target.description);
  if (algorithm === 'ed25519') throw new PortcullisError('UNSUPPORTED', 'Ed25519 keys in PKCS#11 tokens are not supported: use ECDSA P-256 or RSA');
  const mechanism = algorithm === 'ecdsa-p256-sha256' ? ['--mechanism', 'ECDSA', '--signature-format', 'openssl'] : ['--mechanism', 'RSA-PKCS'];
  return {
    algorithm,
    keyId: keyIdOf(publicKey),
    publicKey: () => publicKey,
    async sign(data: Buffer): Promise<Buffer> {
      // The digest is computed here so only 32 bytes (plus the DigestInfo for RSA) cross into the token.
      const digest = createHash('sha256').update(data).digest();
      const input = algorithm === 'ecdsa-p256-sha256' ? digest : Buffer.concat([SHA256_DIGEST_INFO, digest]);
      const signature = await runPkcs11Tool(opened.target, ['--sign', '--id', id.toString('hex'), ...mechanism], { what: 'signing', pin: pin!, input });
      if (!verifySignature(publicKey, data, signature)) {
        throw new PortcullisError('INTERNAL', `${opened.target.description} returned a signature that its own public key does not verify`);
      }
      return signature;
    },
  };
}

const TOKEN_KEY_TYPES: Record<KeyType, string | undefined> = {
  'ecdsa-p256': 'EC:prime256v1',
  'rsa-3072': 'rsa:3072',
  'rsa-4096': 'rsa:4096',
  ed25519: undefined,
};

async function generate(ref: string, type: KeyType, options: KeyOptions): Promise<KeyObject> {
  const opened = await open(ref);
  const { uri, target } = opened;
  const keyType = TOKEN_KEY_TYPES[type];
  if (!keyType) throw new PortcullisError('UNSUPPORTED', `${type} keys cannot be generated in a PKCS#11 token by Portcullis: use ecdsa-p256, rsa-3072 or rsa-4096`);
  if (uri.object === undefined) throw new PortcullisError('USAGE', 'to generate a key, the pkcs11 URI must give its label (object=LABEL)');
  const pin = await resolvePin(uri, options, true);
  const before = await listTokenObjects(target, pin);
  if (before.some((object) => object.label === uri.object)) throw new PortcullisError('USAGE', `${target.description} already holds an object labelled ${JSON.stringify(uri.object)}`);
  const id = uri.id ?? randomBytes(8);
  if (before.some((object) => sameId(object.id, id))) throw new PortcullisError('USAGE', `${target.description} already holds an object with id ${id.toString('hex')}`);
  await runPkcs11Tool(target, ['--keypairgen', '--key-type', keyType, '--label', uri.object, '--id', id.toString('hex'), '--usage-sign', '--sensitive'], { what: 'generating a key', pin: pin! });
  const created = findObject(await listTokenObjects(target, pin), { ...uri, id }, 'private', target);
  if (!created.access.includes('never extractable') || !created.access.includes('sensitive')) {
    await deleteObjects(target, id, pin!);
    throw new PortcullisError('UNSUPPORTED', `${target.description} created the key extractable or not sensitive (${created.access.join(', ')}); it was deleted`);
  }
  return readPublicKey(target, id, pin);
}

/** Deletes the private key with this id and its public half when the token holds one. */
async function deleteObjects(target: TokenTarget, id: Buffer, pin: string): Promise<void> {
  const objects = await listTokenObjects(target, pin);
  const toolTypes = { private: 'privkey', public: 'pubkey' } as const;
  for (const type of ['private', 'public'] as const) {
    if (!objects.some((object) => object.type === type && sameId(object.id, id))) continue;
    await runPkcs11Tool(target, ['--delete-object', '--type', toolTypes[type], '--id', id.toString('hex')], { what: `deleting the ${type} key`, pin });
  }
}

async function list(ref: string, options: KeyOptions): Promise<TokenKey[]> {
  const { uri, target } = await open(ref);
  const pin = await resolvePin(uri, options, true);
  const objects = await listTokenObjects(target, pin);
  const keys: TokenKey[] = [];
  for (const object of objects.filter((candidate) => candidate.type === 'private')) {
    const name: Pkcs11Uri = { ...(uri.token !== undefined ? { token: uri.token } : {}), ...(uri.slotId !== undefined ? { slotId: uri.slotId } : {}) };
    if (object.label !== undefined) name.object = object.label;
    if (object.id) name.id = object.id;
    const entry: TokenKey = { uri: formatPkcs11Uri({ ...name, type: 'private' }), access: object.access };
    if (object.label !== undefined) entry.label = object.label;
    if (object.id) entry.id = object.id.toString('hex');
    if (object.keyType !== undefined) entry.keyType = object.keyType;
    const hasPublic = objects.some((candidate) => candidate.type === 'public' && sameId(candidate.id, object.id));
    if (object.id && hasPublic) {
      // A key type Portcullis does not sign with is still listed, just without a key id.
      const publicKey = await readPublicKey(target, object.id, pin).catch(() => undefined);
      if (publicKey) entry.keyId = keyIdOf(publicKey);
    }
    keys.push(entry);
  }
  return keys;
}

async function remove(ref: string, options: KeyOptions): Promise<void> {
  const { uri, target } = await open(ref);
  const pin = await resolvePin(uri, options, true);
  const { id } = findObject(await listTokenObjects(target, pin), uri, 'private', target);
  await deleteObjects(target, id, pin!);
}

export function createPkcs11KeyProvider(): Pkcs11KeyProvider {
  return {
    scheme: 'pkcs11',
    canOpen: isPkcs11Uri,
    signer,
    publicKey,
    generate,
    list,
    delete: remove,
  };
}
