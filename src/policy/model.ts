/**
 * The policy model in two stages. A PolicyDocument is a policy file after schema validation (plain
 * data, exactly the fields of schemas/policy.schema.json). A CompiledPolicy is what evaluate() reads:
 * one or more layers with globs compiled, attestors resolved to key fingerprints, thresholds as
 * severity ranks and CEL programs compiled once.
 */
import type { KeyObject } from 'node:crypto';
import type { ScanRule } from '../signing/index.ts';
import type { Severity } from '../vuln/index.ts';
import type { CelRuleProgram } from './cel.ts';
import type { Glob } from './glob.ts';

export const EVALUATION_MODES = ['ALWAYS_ALLOW', 'ALWAYS_DENY', 'REQUIRE_ATTESTATION'] as const;
export type EvaluationMode = (typeof EVALUATION_MODES)[number];
export const ENFORCEMENT_MODES = ['ENFORCED_BLOCK_AND_AUDIT_LOG', 'DRYRUN_AUDIT_LOG_ONLY'] as const;
export type EnforcementMode = (typeof ENFORCEMENT_MODES)[number];
/** A Kritis threshold: the highest severity tolerated, or one of the two absolutes. */
export type SeverityThreshold = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'NONE' | 'UNKNOWN' | 'ALLOW_ALL' | 'BLOCK_ALL';

export interface AdmissionRuleDocument {
  evaluationMode: EvaluationMode;
  requireAttestationsBy?: string[];
  enforcementMode?: EnforcementMode;
}

export interface AttestorDocument {
  name: string;
  publicKeyFile?: string;
  publicKeyPem?: string;
  pkcs11Uri?: string;
}

export interface ExceptionDocument {
  vulnerability: string;
  image?: string;
  repository?: string;
  reason: string;
  owner: string;
  /** RFC 3339 time; YAML may hand it over as a Date. */
  expires: string | Date;
}

export interface CelRuleDocument {
  name: string;
  expression: string;
  message?: string;
  severity?: 'deny' | 'warn';
}

export interface PolicyDocument {
  name?: string;
  description?: string;
  admissionWhitelistPatterns?: Array<{ namePattern: string }>;
  defaultAdmissionRule?: AdmissionRuleDocument;
  clusterAdmissionRules?: Record<string, AdmissionRuleDocument>;
  kubernetesNamespaceAdmissionRules?: Record<string, AdmissionRuleDocument>;
  kubernetesServiceAccountAdmissionRules?: Record<string, AdmissionRuleDocument>;
  attestors?: AttestorDocument[];
  packageVulnerabilityRequirements?: {
    maximumSeverity?: SeverityThreshold;
    maximumFixUnavailableSeverity?: SeverityThreshold;
    allowlistCVEs?: string[];
  };
  trustedRegistries?: string[];
  requiredLabels?: Record<string, string | number | boolean>;
  forbiddenLabels?: Record<string, string | number | boolean>;
  maxImageAgeDays?: number;
  gracePeriodDays?: Partial<Record<Severity, number>>;
  exceptions?: ExceptionDocument[];
  requireScan?: boolean;
  scanRule?: string;
  rules?: CelRuleDocument[];
}

export interface AdmissionRule {
  evaluationMode: EvaluationMode;
  requireAttestationsBy: string[];
  enforcementMode: EnforcementMode;
  /** Where it came from, for messages: "defaultAdmissionRule", "kubernetesNamespaceAdmissionRules.prod". */
  origin: string;
}

export interface ResolvedAttestor {
  name: string;
  /** `sha256:<hex>` of each public key's DER SubjectPublicKeyInfo. */
  keyFingerprints: string[];
  /** The keys themselves, when known (a server-stored attestor may give fingerprints only). */
  publicKeys: KeyObject[];
}

export interface CompiledException {
  vulnerability: string;
  image?: Glob;
  repository?: Glob;
  reason: string;
  owner: string;
  /** ms since the epoch; the exception no longer applies from this instant. */
  expiresAt: number;
}

/** A finding counts against a threshold when its severity rank is at least `blockFromRank`. */
export interface VulnerabilityRequirements {
  /** Findings with a fix; undefined blocks none. */
  fixableBlockFromRank?: number;
  /** Findings without a fix; undefined blocks none. */
  unfixableBlockFromRank?: number;
  /** How the thresholds were written, for messages. */
  text: string;
}

export interface CompiledLayer {
  /** "organisation", "project:team", "namespace:prod", or the file name. */
  layer: string;
  whitelist: Glob[];
  defaultRule?: AdmissionRule;
  clusterRules: Map<string, AdmissionRule>;
  namespaceRules: Map<string, AdmissionRule>;
  /** Keyed "namespace:serviceaccount". */
  serviceAccountRules: Map<string, AdmissionRule>;
  attestors: Map<string, ResolvedAttestor>;
  vulnerabilities?: VulnerabilityRequirements;
  /** Upper-cased finding ids tolerated without expiry (Kritis allowlistCVEs). */
  allowlistCves: Set<string>;
  trustedRegistries: Glob[];
  requiredLabels: Array<[string, string]>;
  forbiddenLabels: Array<[string, string]>;
  maxImageAgeDays?: number;
  gracePeriodDays: Partial<Record<Severity, number>>;
  exceptions: CompiledException[];
  requireScan: boolean;
  scanRule?: ScanRule;
  rules: CelRuleProgram[];
}

export interface CompiledPolicy {
  layers: CompiledLayer[];
  /** A content hash of every layer (name, source and resolved keys): caches key decisions by it. */
  revision: string;
}
