/**
 * The policy-as-code model shared by every configuration check (Dockerfiles, Kubernetes manifests,
 * custom CEL rules): what a check is, what a finding of it says, and the report the formatters and
 * the compliance command read.
 */
import type { Severity } from '../vuln/model.ts';

/** Frameworks a check maps to; each value lists the framework's control ids the check covers. */
export interface ComplianceMapping {
  /** CIS Docker Benchmark (section 4 for images and Dockerfiles): "4.1", "4.6", ... */
  'cis-docker'?: string[];
  /** CIS Kubernetes Benchmark (section 5, policies): "5.2.2", "5.1.3", ... */
  'cis-k8s'?: string[];
  /** NSA/CISA Kubernetes Hardening Guide: short section names ("pod-security", "network-separation", ...). */
  'nsa-k8s'?: string[];
  /** NIST SP 800-190 countermeasures: "4.1.1" (image vulnerabilities), "4.1.4" (embedded secrets), ... */
  'nist-800-190'?: string[];
  /** Pod Security Standards profile the check belongs to. */
  pss?: Array<'baseline' | 'restricted'>;
}

export interface CheckDefinition {
  /** Stable id: `PC-DF-NNN` for Dockerfile checks, `PC-K8S-NNN` for Kubernetes, user ids for custom rules. */
  id: string;
  title: string;
  severity: Severity;
  /** Why it matters, one or two sentences. */
  description: string;
  /** How to fix it, one sentence. */
  fix: string;
  kind: 'dockerfile' | 'kubernetes';
  compliance: ComplianceMapping;
  references?: string[];
}

export interface LintFinding {
  checkId: string;
  severity: Severity;
  /** Specific to this occurrence: names the instruction, image, container or rule. */
  message: string;
  /** The file as the user named it ('-' for stdin). */
  file: string;
  /** 1-based line of the instruction or YAML node; 1 when nothing better is known. */
  line: number;
  endLine?: number;
  /** Kubernetes: `Kind/namespace/name` of the object; Dockerfile: the stage name or index. */
  resource?: string;
  /** Set when an inline ignore (`# portcullis:ignore=ID reason`) suppressed the finding. */
  suppressed?: { reason: string };
}

export interface LintReport {
  kind: 'dockerfile' | 'kubernetes';
  /** The files read. */
  files: string[];
  /** Every check that ran, so reports can show passes as well as failures. */
  checks: CheckDefinition[];
  findings: LintFinding[];
  /** Problems reading input that did not stop the run. */
  warnings: Array<{ file: string; message: string }>;
}
