/**
 * A policy file: schemas/policy.schema.json, read through the bounded YAML reader.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { PolicyDocument } from './model.ts';
import { parseYamlDocument, schemaProblems, type ParsedYaml } from './yaml-document.ts';

/** Largest policy file accepted: a policy with thousands of exceptions fits in far less. */
export const MAX_POLICY_FILE_BYTES = 1024 * 1024;

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
addFormats(ajv);

function readSchema(file: string): object {
  return JSON.parse(readFileSync(new URL(`../../schemas/${file}`, import.meta.url), 'utf8')) as object;
}

/** A validator for one of the published schemas (schemas/FILE); call once per file. */
export function compileSchema<T>(file: string): ValidateFunction<T> {
  return ajv.compile<T>(readSchema(file));
}

export const POLICY_SCHEMA: object = readSchema('policy.schema.json');
const validate = ajv.compile<PolicyDocument>(POLICY_SCHEMA);

export function parsePolicyDocument(bytes: Uint8Array, source: string): ParsedYaml<PolicyDocument> {
  return parseYamlDocument(bytes, source, validate, 'policy', MAX_POLICY_FILE_BYTES);
}

/** Schema problems of a policy built in code; empty when it is a valid policy. */
export function validatePolicyData(data: unknown): string[] {
  return schemaProblems(validate, data);
}
