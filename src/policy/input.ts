/**
 * A PolicyInput read from a file (policy test cases, `portcullis policy eval --input`): validated
 * against schemas/policy-input.schema.json, with defaults for the lists a hand-written input may
 * leave out.
 */
import { readFile } from 'node:fs/promises';
import { PortcullisError } from '../core/index.ts';
import { compileSchema } from './document.ts';
import type { PolicyInput } from './types.ts';
import { parseYamlDocument, schemaProblems } from './yaml-document.ts';

/** A hand-written input with 100,000 findings fits well within this. */
export const MAX_INPUT_FILE_BYTES = 32 * 1024 * 1024;

type WrittenInput = Omit<PolicyInput, 'labels' | 'signatures' | 'attestations' | 'scan'> & Partial<Pick<PolicyInput, 'labels' | 'signatures' | 'attestations' | 'scan'>>;

const validate = compileSchema<WrittenInput>('policy-input.schema.json');

export function parsePolicyInput(bytes: Uint8Array, source: string): PolicyInput {
  return completeInput(parseYamlDocument(bytes, source, validate, 'policy input', MAX_INPUT_FILE_BYTES).data);
}

export async function loadPolicyInput(file: string): Promise<PolicyInput> {
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new PortcullisError(error.code === 'ENOENT' ? 'NOT_FOUND' : 'INPUT', `cannot read policy input ${file}: ${error.message}`);
  });
  return parsePolicyInput(bytes, file);
}

/** Schema problems of an input held in memory (e.g. inline in a test case); empty when valid. */
export function policyInputProblems(data: unknown): string[] {
  return schemaProblems(validate, data);
}

export function completeInput(written: WrittenInput): PolicyInput {
  const scan = written.scan ?? { state: 'none', findings: [] };
  return {
    ...written,
    labels: written.labels ?? {},
    signatures: (written.signatures ?? []).map((signature) => ({ ...signature, annotations: signature.annotations ?? {}, source: signature.source ?? 'referrer' })),
    attestations: written.attestations ?? [],
    scan: { ...scan, findings: (scan.findings ?? []).map((finding) => ({ ...finding, aliases: finding.aliases ?? [] })) },
  };
}
