/**
 * Loading policies: one file (loadPolicy / parsePolicy) or a layered set (loadPolicySet). Attestors
 * are resolved here, once: a PEM inline or in a file, a public key read from a PKCS#11 token, or a
 * name the server knows (the resolver callback). After loading, evaluation needs no I/O.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { PortcullisError, inputError } from '../core/index.ts';
import { keyIdOf, openPublicKey, type KeyOptions } from '../signing/keys/index.ts';
import { compileLayer } from './compile.ts';
import { MAX_POLICY_FILE_BYTES, parsePolicyDocument } from './document.ts';
import type { PolicyDocument } from './model.ts';
import type { ParsedYaml } from './yaml-document.ts';
import type { CompiledLayer, CompiledPolicy, ResolvedAttestor } from './model.ts';

export interface LoadPolicyOptions {
  /** The layer's name in decisions; the file name when absent. */
  layer?: string;
  /**
   * The keys of an attestor stored in the server (public keys, or `sha256:` fingerprints when only
   * those are known), or undefined when it has none of that name.
   */
  resolveAttestor?: (name: string) => Promise<Array<KeyObject | string> | undefined>;
  /** PIN or passphrase prompts for keys read from tokens or files. */
  keyOptions?: KeyOptions;
  /** Directory relative `publicKeyFile` paths start from (the policy file's own for loadPolicy). */
  baseDir?: string;
}

export interface PolicyLayerFile {
  layer: string;
  file: string;
}

/** Loads one policy file as a one-layer policy. */
export async function loadPolicy(file: string, options: LoadPolicyOptions = {}): Promise<CompiledPolicy> {
  const layer = await loadLayer(file, options);
  return { layers: [layer.compiled], revision: revisionOf([layer]) };
}

/** Loads a layered set: every layer is evaluated and the strictest wins (see evaluate). */
export async function loadPolicySet(files: readonly PolicyLayerFile[], options: Omit<LoadPolicyOptions, 'layer'> = {}): Promise<CompiledPolicy> {
  if (files.length === 0) throw new PortcullisError('USAGE', 'a policy set needs at least one layer');
  const names = new Set<string>();
  const layers: LoadedLayer[] = [];
  for (const { layer, file } of files) {
    if (names.has(layer)) throw new PortcullisError('USAGE', `policy layer ${JSON.stringify(layer)} is given twice`);
    names.add(layer);
    layers.push(await loadLayer(file, { ...options, layer }));
  }
  return { layers: layers.map((entry) => entry.compiled), revision: revisionOf(layers) };
}

/** Parses policy bytes already in memory (`source` names them in messages). */
export async function parsePolicy(bytes: Uint8Array, source: string, options: LoadPolicyOptions = {}): Promise<CompiledPolicy> {
  const layer = await compileBytes(bytes, source, options);
  return { layers: [layer.compiled], revision: revisionOf([layer]) };
}

interface LoadedLayer {
  compiled: CompiledLayer;
  sourceHash: string;
}

async function loadLayer(file: string, options: LoadPolicyOptions): Promise<LoadedLayer> {
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new PortcullisError(error.code === 'ENOENT' ? 'NOT_FOUND' : 'INPUT', `cannot read policy file ${file}: ${error.message}`);
  });
  if (bytes.byteLength > MAX_POLICY_FILE_BYTES) throw new PortcullisError('LIMIT', `${file}: policy file is ${bytes.byteLength} bytes, over the limit of ${MAX_POLICY_FILE_BYTES}`);
  return compileBytes(bytes, file, { baseDir: dirname(file), layer: basename(file), ...options });
}

async function compileBytes(bytes: Uint8Array, source: string, options: LoadPolicyOptions): Promise<LoadedLayer> {
  const parsed = parsePolicyDocument(bytes, source);
  const attestors = await resolveAttestors(parsed, options);
  const compiled = compileLayer(parsed.data, { layer: options.layer ?? basename(source), locate: parsed.locate, position: parsed.position, attestors });
  return { compiled, sourceHash: createHash('sha256').update(bytes).digest('hex') };
}

async function resolveAttestors(parsed: ParsedYaml<PolicyDocument>, options: LoadPolicyOptions): Promise<Map<string, ResolvedAttestor>> {
  const { data: document, locate } = parsed;
  const attestors = new Map<string, ResolvedAttestor>();
  for (const [index, attestor] of (document.attestors ?? []).entries()) {
    const where = locate(['attestors', index]);
    if (attestors.has(attestor.name)) throw inputError(`${where}: attestor ${attestor.name} is declared twice`);
    const sources = [attestor.publicKeyFile, attestor.publicKeyPem, attestor.pkcs11Uri].filter((value) => value !== undefined);
    if (sources.length > 1) throw inputError(`${where}: attestor ${attestor.name} takes one of publicKeyFile, publicKeyPem or pkcs11Uri`);
    const keys = sources.length === 0 ? await storedAttestor(attestor.name, where, options) : [await attestorKey(attestor, where, options)];
    attestors.set(attestor.name, resolved(attestor.name, keys));
  }
  // Attestors a rule names without declaring them are the server's.
  const named = [document.defaultAdmissionRule, ...Object.values(document.clusterAdmissionRules ?? {}), ...Object.values(document.kubernetesNamespaceAdmissionRules ?? {}), ...Object.values(document.kubernetesServiceAccountAdmissionRules ?? {})].flatMap(
    (rule) => rule?.requireAttestationsBy ?? [],
  );
  for (const name of new Set(named)) {
    if (attestors.has(name) || options.resolveAttestor === undefined) continue;
    const keys = await options.resolveAttestor(name);
    if (keys !== undefined) attestors.set(name, resolved(name, keys));
  }
  return attestors;
}

function resolved(name: string, keys: ReadonlyArray<KeyObject | string>): ResolvedAttestor {
  const publicKeys = keys.filter((key): key is KeyObject => typeof key !== 'string');
  return { name, keyFingerprints: keys.map((key) => (typeof key === 'string' ? key : keyIdOf(key))), publicKeys };
}

/** Every public key the policy's attestors have: what signatures must be verified against. */
export function attestorKeys(policy: CompiledPolicy): KeyObject[] {
  const byFingerprint = new Map<string, KeyObject>();
  for (const layer of policy.layers) for (const attestor of layer.attestors.values()) for (const key of attestor.publicKeys) byFingerprint.set(keyIdOf(key), key);
  return [...byFingerprint.values()];
}

async function storedAttestor(name: string, where: string, options: LoadPolicyOptions): Promise<Array<KeyObject | string>> {
  if (options.resolveAttestor === undefined) throw inputError(`${where}: attestor ${name} has no key (publicKeyFile, publicKeyPem or pkcs11Uri) and no server to look it up in`);
  const keys = await options.resolveAttestor(name);
  if (keys === undefined) throw inputError(`${where}: attestor ${name} has no key and the server has no attestor of that name`);
  return keys;
}

async function attestorKey(attestor: { name: string; publicKeyFile?: string; publicKeyPem?: string; pkcs11Uri?: string }, where: string, options: LoadPolicyOptions): Promise<KeyObject> {
  try {
    if (attestor.publicKeyPem !== undefined) return createPublicKey(attestor.publicKeyPem);
    const ref = attestor.pkcs11Uri ?? resolve(options.baseDir ?? '.', attestor.publicKeyFile ?? '');
    return await openPublicKey(ref, options.keyOptions ?? {});
  } catch (error) {
    const what = attestor.pkcs11Uri !== undefined ? 'from the PKCS#11 token' : attestor.publicKeyFile !== undefined ? `from ${attestor.publicKeyFile}` : 'from publicKeyPem';
    throw inputError(`${where}: attestor ${attestor.name}: cannot read the public key ${what}: ${(error as Error).message.split('\n')[0] ?? ''}`, error);
  }
}

/** A hash of every layer's name, source and resolved keys: a changed key file changes the revision. */
function revisionOf(layers: readonly LoadedLayer[]): string {
  const hash = createHash('sha256');
  for (const { compiled, sourceHash } of layers) {
    const keys = [...compiled.attestors.values()].map((attestor) => `${attestor.name}=${[...attestor.keyFingerprints].sort().join(',')}`).sort();
    hash.update(JSON.stringify([compiled.layer, sourceHash, keys]));
  }
  return `sha256:${hash.digest('hex')}`;
}
