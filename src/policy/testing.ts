/**
 * Test support: a PolicyInput with plausible defaults, and policies from YAML text, so each test
 * states only the facts and rules it is about.
 */
import { parsePolicy, type LoadPolicyOptions } from './load.ts';
import type { CompiledPolicy } from './model.ts';
import type { PolicyFinding, PolicyInput } from './types.ts';

export const TEST_DIGEST = `sha256:${'ab'.repeat(32)}`;
export const TEST_NOW = '2026-06-01T00:00:00.000Z';

type InputOverrides = Omit<Partial<PolicyInput>, 'image'> & { image?: Partial<PolicyInput['image']> };

export function policyInput(overrides: InputOverrides = {}): PolicyInput {
  const { image, ...rest } = overrides;
  return {
    action: 'admit',
    image: { reference: `registry.example/team/app:1.0`, registry: 'registry.example', repository: 'team/app', digest: TEST_DIGEST, tag: '1.0', ...image },
    labels: {},
    signatures: [],
    attestations: [],
    scan: { state: 'completed', completedAt: '2026-05-31T00:00:00Z', findings: [] },
    now: TEST_NOW,
    ...rest,
  };
}

export function finding(id: string, severity: PolicyFinding['severity'], extra: Partial<PolicyFinding> = {}): PolicyFinding {
  return { id, aliases: [], severity, package: { name: `pkg-${id.toLowerCase()}`, version: '1.0.0' }, ...extra };
}

export function policyFromYaml(text: string, options: LoadPolicyOptions = {}, source = 'policy.yaml'): Promise<CompiledPolicy> {
  return parsePolicy(new TextEncoder().encode(text), source, options);
}
