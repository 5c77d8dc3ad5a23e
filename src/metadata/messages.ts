/**
 * The building blocks of the Grafeas v1 message tables (schema.ts): field types, note kinds,
 * severities, and the messages several kinds share (Version, CVSS, RelatedUrl, VexAssessment, ...),
 * with their proto3 JSON field names. Source: grafeas/grafeas proto/v1/*.proto.
 */

export type FieldType =
  | 'string'
  | 'int'
  | 'float'
  | 'bool'
  | 'timestamp'
  | 'bytes'
  | 'json'
  | { enum: readonly string[] }
  /** An enum with many values that all share a prefix (CVSS metrics): `PREFIX_[A-Z_]+`. */
  | { enumPrefix: string }
  | { message: Shape }
  | { repeated: FieldType }
  | { map: FieldType };

export type Shape = { readonly [field: string]: FieldType };

export const NOTE_KINDS = [
  'VULNERABILITY',
  'BUILD',
  'IMAGE',
  'PACKAGE',
  'DEPLOYMENT',
  'DISCOVERY',
  'ATTESTATION',
  'UPGRADE',
  'COMPLIANCE',
  'DSSE_ATTESTATION',
  'VULNERABILITY_ASSESSMENT',
  'SBOM_REFERENCE',
] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

export const SEVERITIES = ['SEVERITY_UNSPECIFIED', 'MINIMAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type GrafeasSeverity = (typeof SEVERITIES)[number];

export const severity = { enum: SEVERITIES } as const;
export const repeatedString = { repeated: 'string' } as const;
export const relatedUrl: Shape = { url: 'string', label: 'string' };
export const version: Shape = {
  epoch: 'int',
  name: 'string',
  revision: 'string',
  inclusive: 'bool',
  kind: { enum: ['VERSION_KIND_UNSPECIFIED', 'NORMAL', 'MINIMUM', 'MAXIMUM'] },
  fullName: 'string',
};
export const license: Shape = { expression: 'string', comments: 'string' };
export const layerDetails: Shape = {
  index: 'int',
  diffId: 'string',
  chainId: 'string',
  command: 'string',
  baseImages: { repeated: { message: { name: 'string', repository: 'string', layerCount: 'int', registry: 'string' } } },
};
export const fileLocation: Shape = { filePath: 'string', layerDetails: { message: layerDetails }, lineNumber: 'int' };
export const envelope: Shape = { payload: 'bytes', payloadType: 'string', signatures: { repeated: { message: { sig: 'bytes', keyid: 'string' } } } };
export const cvss: Shape = {
  baseScore: 'float',
  exploitabilityScore: 'float',
  impactScore: 'float',
  attackVector: { enumPrefix: 'ATTACK_VECTOR_' },
  attackComplexity: { enumPrefix: 'ATTACK_COMPLEXITY_' },
  authentication: { enumPrefix: 'AUTHENTICATION_' },
  privilegesRequired: { enumPrefix: 'PRIVILEGES_REQUIRED_' },
  userInteraction: { enumPrefix: 'USER_INTERACTION_' },
  scope: { enumPrefix: 'SCOPE_' },
  confidentialityImpact: { enumPrefix: 'IMPACT_' },
  integrityImpact: { enumPrefix: 'IMPACT_' },
  availabilityImpact: { enumPrefix: 'IMPACT_' },
  attackRequirements: { enumPrefix: 'ATTACK_REQUIREMENTS_' },
  vulnerableSystemConfidentialityImpact: { enumPrefix: 'IMPACT_' },
  vulnerableSystemIntegrityImpact: { enumPrefix: 'IMPACT_' },
  vulnerableSystemAvailabilityImpact: { enumPrefix: 'IMPACT_' },
  subsequentSystemConfidentialityImpact: { enumPrefix: 'IMPACT_' },
  subsequentSystemIntegrityImpact: { enumPrefix: 'IMPACT_' },
  subsequentSystemAvailabilityImpact: { enumPrefix: 'IMPACT_' },
  exploitMaturity: { enumPrefix: 'EXPLOIT_MATURITY_' },
};
export const cvssVersion = { enum: ['CVSS_VERSION_UNSPECIFIED', 'CVSS_VERSION_2', 'CVSS_VERSION_3', 'CVSS_VERSION_4'] } as const;

export const VEX_STATES = ['STATE_UNSPECIFIED', 'AFFECTED', 'NOT_AFFECTED', 'FIXED', 'UNDER_INVESTIGATION'] as const;
export type VexState = (typeof VEX_STATES)[number];
export const justification: Shape = {
  justificationType: {
    enum: [
      'JUSTIFICATION_TYPE_UNSPECIFIED',
      'COMPONENT_NOT_PRESENT',
      'VULNERABLE_CODE_NOT_PRESENT',
      'VULNERABLE_CODE_NOT_IN_EXECUTE_PATH',
      'VULNERABLE_CODE_CANNOT_BE_CONTROLLED_BY_ADVERSARY',
      'INLINE_MITIGATIONS_ALREADY_EXIST',
    ],
  },
  details: 'string',
};
export const remediation: Shape = {
  remediationType: { enum: ['REMEDIATION_TYPE_UNSPECIFIED', 'MITIGATION', 'NO_FIX_PLANNED', 'NONE_AVAILABLE', 'VENDOR_FIX', 'WORKAROUND'] },
  details: 'string',
  remediationUri: { message: relatedUrl },
};
/** VulnerabilityOccurrence.VexAssessment: a VEX statement about one vulnerability in one resource. */
export const VEX_ASSESSMENT: Shape = {
  cve: 'string',
  vulnerabilityId: 'string',
  relatedUris: { repeated: { message: relatedUrl } },
  noteName: 'string',
  state: { enum: VEX_STATES },
  impacts: repeatedString,
  remediations: { repeated: { message: remediation } },
  justification: { message: justification },
};

export const packageIssue: Shape = {
  affectedCpeUri: 'string',
  affectedPackage: 'string',
  affectedVersion: { message: version },
  fixedCpeUri: 'string',
  fixedPackage: 'string',
  fixedVersion: { message: version },
  fixAvailable: 'bool',
  packageType: 'string',
  effectiveSeverity: severity,
  fileLocation: { repeated: { message: fileLocation } },
};
export const fingerprint: Shape = { v1Name: 'string', v2Blob: repeatedString, v2Name: 'string' };
export const upgradeDistribution: Shape = { cpeUri: 'string', classification: 'string', severity: 'string', cve: repeatedString };
export const windowsUpdate: Shape = {
  identity: { message: { updateId: 'string', revision: 'int' } },
  title: 'string',
  description: 'string',
  categories: { repeated: { message: { categoryId: 'string', name: 'string' } } },
  kbArticleIds: repeatedString,
  supportUrl: 'string',
  lastPublishedTimestamp: 'timestamp',
};
export const complianceVersion: Shape = { cpeUri: 'string', benchmarkDocument: 'string', version: 'string' };
export const rpcStatus: Shape = { code: 'int', message: 'string', details: { repeated: 'json' } };
export const architecture = { enum: ['ARCHITECTURE_UNSPECIFIED', 'X86', 'X64'] } as const;
export const digest: Shape = { algo: 'string', digestBytes: 'bytes' };

