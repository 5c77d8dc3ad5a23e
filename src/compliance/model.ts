/**
 * The compliance model: framework control catalogs (data), the evidence a control is decided by,
 * and the report that says, control by control, pass / fail / manual / not evaluated and why.
 */
import type { ComplianceMapping } from '../lint/index.ts';

/** Frameworks `portcullis compliance` reports on; the ids are the lint checks' mapping keys. */
export type FrameworkId = 'cis-docker' | 'cis-k8s' | 'nist-800-190';

export const FRAMEWORK_IDS: readonly FrameworkId[] = ['cis-docker', 'cis-k8s', 'nist-800-190'];

/**
 * What can decide a control automatically. Lint sources decide through the checks whose own
 * `compliance` mapping names the control; the catalog never lists check ids itself.
 */
export type EvidenceSource = 'dockerfile-lint' | 'k8s-lint' | 'secrets' | 'vulnerabilities';

export const EVIDENCE_SOURCES: readonly EvidenceSource[] = ['dockerfile-lint', 'k8s-lint', 'secrets', 'vulnerabilities'];

export type ControlDecision =
  | { kind: 'automated'; sources: EvidenceSource[] }
  /** Not decidable from an image or a manifest; `review` tells a person what to look at. */
  | { kind: 'manual'; review: string };

export interface Control {
  /** The framework's own section number: "4.1", "5.2.7", "4.1.4". */
  id: string;
  /** What the control asks for, in Portcullis's words. */
  title: string;
  /** Title of the group the control sits in ("Container images and build files"). */
  group: string;
  decision: ControlDecision;
}

export interface Framework {
  id: FrameworkId;
  /** Full name with the version whose numbering the catalog follows. */
  name: string;
  controls: Control[];
}

/** Which part of a ComplianceMapping a framework reads. */
export type MappingKey = keyof ComplianceMapping & FrameworkId;

export type ControlStatus = 'pass' | 'fail' | 'manual' | 'not-evaluated';

/** One finding behind a failed control. */
export interface EvidenceItem {
  source: EvidenceSource;
  /** Check id, secret rule id or vulnerability id. */
  id: string;
  severity: string;
  message: string;
  /** The image the finding is in (secrets, vulnerabilities). */
  target?: string;
  /** File (Dockerfile, manifest, or path inside the image). */
  file?: string;
  line?: number;
  /** Kubernetes object or Dockerfile stage. */
  resource?: string;
}

/** How one evidence source stood for one control. */
export type SourceState =
  | { source: EvidenceSource; state: 'ran'; /** lint sources: the checks that decided it */ checks?: string[] }
  /** The source applies to the targets but could not run (no advisory database, check disabled). */
  | { source: EvidenceSource; state: 'unavailable'; reason: string }
  /** No input of the kind the source reads was given (no Dockerfile, no manifests, no image). */
  | { source: EvidenceSource; state: 'not-applicable'; reason: string };

export interface ControlResult {
  id: string;
  title: string;
  group: string;
  status: ControlStatus;
  /** Why the control is manual or not evaluated; for a pass, which sources did not cover it. */
  reason?: string;
  sources: SourceState[];
  evidence: EvidenceItem[];
}

export interface ComplianceReport {
  schemaVersion: 1;
  tool: { name: 'portcullis'; version: string };
  framework: { id: FrameworkId; name: string };
  /** Images, Dockerfiles and manifests the evidence came from. */
  targets: { images: string[]; dockerfiles: string[]; manifests: string[] };
  controls: ControlResult[];
  counts: Record<ControlStatus, number>;
  /** Problems reading input that did not stop the run. */
  warnings: string[];
}
