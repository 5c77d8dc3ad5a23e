/**
 * `portcullis keys generate|import|export-public|list|delete`: signing keys as cosign users know
 * them (`P.key` encrypted in cosign's format plus `P.pub`) and keys in a PKCS#11 token (the vault).
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PortcullisError } from '../../core/index.ts';
import {
  DEFAULT_KEY_TYPE,
  KEY_TYPES,
  algorithmOf,
  createPkcs11KeyProvider,
  decryptCosignKey,
  generateKeyPair,
  isEncryptedCosignKey,
  isPkcs11Uri,
  keyIdOf,
  openPublicKey,
  parseEncryptedKeyEnvelope,
  passphraseSource,
  privateKeyFromPlainPem,
  promptHidden,
  publicKeyFromPem,
  publicKeyToPem,
  readKeyFile,
  readPemBlock,
  writeKeyPairFiles,
  type KeyOptions,
  type KeyType,
} from '../../signing/keys/index.ts';
import { GLOBAL_OPTIONS, GLOBAL_OPTIONS_HELP, choice, parseCommandLine, usageError } from '../args.ts';
import { writeReport } from '../output.ts';

export const KEYS_HELP = `Usage: portcullis keys COMMAND [options]

Manages signing keys: cosign-compatible key files and keys in a PKCS#11 token.

Commands:
  generate              create a key pair: P.key (encrypted, cosign format) and P.pub,
                        or with --pkcs11 URI inside the token (the private key never leaves it)
  import FILE           encrypt an existing private key (PEM, or a cosign key) as P.key + P.pub
  export-public REF     print the public key (SPKI PEM) of a key file or pkcs11: URI
  list [DIR]            key files in DIR (default .), or with --pkcs11 URI the keys in the token
  delete REF --yes      delete P.key and P.pub, or the key pair a pkcs11: URI names

Options:
      --type TYPE               generate: ${KEY_TYPES.join(', ')} (default ${DEFAULT_KEY_TYPE})
      --output-key-prefix P     generate, import: write P.key and P.pub (default cosign)
      --pkcs11 URI              generate, list: the token, e.g.
                                pkcs11:token=T;object=K?module-path=/usr/lib/softhsm/libsofthsm2.so
      --passphrase-file FILE    key passphrase (else $PORTCULLIS_PASSWORD, $COSIGN_PASSWORD, or a prompt)
      --force                   generate, import: overwrite existing P.key and P.pub
      --yes                     delete: really delete
  -f, --format FORMAT           list: table (default) or json

The token PIN comes from the URI (pin-value, pin-source), $PORTCULLIS_PKCS11_PIN, or a prompt.

${GLOBAL_OPTIONS_HELP}`;

const KEYS_OPTIONS = {
  ...GLOBAL_OPTIONS,
  type: { type: 'string' },
  'output-key-prefix': { type: 'string' },
  pkcs11: { type: 'string' },
  'passphrase-file': { type: 'string' },
  force: { type: 'boolean' },
  yes: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseCommandLine<typeof KEYS_OPTIONS>>['values'];

function keyOptions(values: Values, confirm = false): KeyOptions {
  return {
    passphrase: passphraseSource({ ...(values['passphrase-file'] !== undefined ? { file: values['passphrase-file'] } : {}), confirm }),
    pin: () => promptHidden('Enter PIN for the PKCS#11 token: '),
  };
}

function note(values: Values, message: string): void {
  if (!values.quiet) process.stderr.write(`${message}\n`);
}

async function runGenerate(values: Values): Promise<void> {
  const type = choice('type', values.type, KEY_TYPES, DEFAULT_KEY_TYPE) as KeyType;
  if (values.pkcs11 !== undefined) {
    if (values['output-key-prefix'] !== undefined) throw usageError('give --pkcs11 or --output-key-prefix, not both');
    const publicKey = await createPkcs11KeyProvider().generate(values.pkcs11, type, keyOptions(values));
    note(values, `Key pair generated inside the token (${type}); its public key:`);
    await writeReport(publicKeyToPem(publicKey), values.output);
    return;
  }
  const pair = await generateKeyPair(type);
  const prefix = values['output-key-prefix'] ?? 'cosign';
  const passphrase = await keyOptions(values, true).passphrase!();
  const written = await writeKeyPairFiles(prefix, pair.privateKey, passphrase, { overwrite: values.force ?? false });
  note(values, `Private key written to ${written.privateKeyPath}\nPublic key written to ${written.publicKeyPath}`);
}

async function runImport(file: string | undefined, values: Values): Promise<void> {
  if (file === undefined) throw usageError('keys import takes the private key FILE');
  const text = await readKeyFile(file);
  const options = keyOptions(values, true);
  const passphrase = await options.passphrase!();
  const privateKey = isEncryptedCosignKey(text) ? await decryptCosignKey(text, passphrase, file) : privateKeyFromPlainPem(text, file);
  const prefix = values['output-key-prefix'] ?? 'import-cosign';
  const written = await writeKeyPairFiles(prefix, privateKey, passphrase, { overwrite: values.force ?? false });
  note(values, `Private key written to ${written.privateKeyPath}\nPublic key written to ${written.publicKeyPath}`);
}

interface ListedKey {
  ref: string;
  kind: string;
  algorithm: string;
  keyId: string;
}

/** What a key file is, read without decrypting anything. */
async function describeKeyFile(path: string): Promise<ListedKey> {
  try {
    const text = await readKeyFile(path);
    if (path.endsWith('.pub')) {
      const publicKey = publicKeyFromPem(text, path);
      return { ref: path, kind: 'public key', algorithm: algorithmOf(publicKey) ?? `unsupported (${publicKey.asymmetricKeyType})`, keyId: keyIdOf(publicKey) };
    }
    const block = readPemBlock(text, path);
    const { scrypt } = parseEncryptedKeyEnvelope(block.body, path);
    return { ref: path, kind: `encrypted private key (${block.label}, scrypt N=${scrypt.N})`, algorithm: '-', keyId: '-' };
  } catch (error) {
    return { ref: path, kind: `unreadable: ${error instanceof Error ? error.message : String(error)}`, algorithm: '-', keyId: '-' };
  }
}

async function runList(dir: string | undefined, values: Values): Promise<void> {
  const format = choice('format', values.format, ['table', 'json'] as const, 'table');
  let keys: ListedKey[];
  if (values.pkcs11 !== undefined) {
    const tokenKeys = await createPkcs11KeyProvider().list(values.pkcs11, keyOptions(values));
    keys = tokenKeys.map((key) => ({ ref: key.uri, kind: `token key (${key.access.join(', ')})`, algorithm: key.keyType ?? '-', keyId: key.keyId ?? '-' }));
  } else {
    const directory = dir ?? '.';
    let names: string[];
    try {
      names = await readdir(directory);
    } catch (error) {
      throw new PortcullisError('NOT_FOUND', `cannot read directory ${directory}`, { cause: error });
    }
    const files = names.filter((name) => name.endsWith('.key') || name.endsWith('.pub')).sort();
    keys = await Promise.all(files.map((name) => describeKeyFile(join(directory, name))));
  }
  if (format === 'json') {
    await writeReport(JSON.stringify(keys, null, 2), values.output);
    return;
  }
  const rows = [['KEY', 'KIND', 'ALGORITHM', 'KEY ID'], ...keys.map((key) => [key.ref, key.kind, key.algorithm, key.keyId])];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  await writeReport(rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n'), values.output);
}

async function runDelete(ref: string | undefined, values: Values): Promise<void> {
  if (ref === undefined) throw usageError('keys delete takes a key file or pkcs11: URI');
  if (!values.yes) throw usageError(`refusing to delete ${isPkcs11Uri(ref) ? 'a token key' : ref} without --yes`);
  if (isPkcs11Uri(ref)) {
    await createPkcs11KeyProvider().delete(ref, keyOptions(values));
    note(values, 'Key pair deleted from the token');
    return;
  }
  await readKeyFile(ref);
  const prefix = ref.replace(/\.(key|pub)$/, '');
  const paths = ref === prefix ? [ref] : [`${prefix}.key`, `${prefix}.pub`];
  for (const path of paths) await rm(path, { force: true });
  note(values, `Deleted ${paths.join(' and ')}`);
}

export async function keysCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, KEYS_OPTIONS);
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(`${KEYS_HELP}\n`);
    return values.help ? 0 : 2;
  }
  if (rest.length > 1) throw usageError(`keys ${command} takes at most one argument`);
  switch (command) {
    case 'generate':
      if (rest.length > 0) throw usageError('keys generate takes no argument (see --output-key-prefix, --pkcs11)');
      await runGenerate(values);
      return 0;
    case 'import':
      await runImport(rest[0], values);
      return 0;
    case 'export-public': {
      if (rest[0] === undefined) throw usageError('keys export-public takes a key file or pkcs11: URI');
      await writeReport(publicKeyToPem(await openPublicKey(rest[0], keyOptions(values))), values.output);
      return 0;
    }
    case 'list':
      await runList(rest[0], values);
      return 0;
    case 'delete':
      await runDelete(rest[0], values);
      return 0;
    default:
      throw new PortcullisError('USAGE', `unknown keys command ${JSON.stringify(command)} (generate, import, export-public, list, delete)`);
  }
}
