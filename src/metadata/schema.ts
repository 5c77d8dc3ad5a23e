/**
 * The Grafeas v1 messages Portcullis accepts, as data: each message is a table of its JSON field
 * names (proto3 JSON mapping: lowerCamelCase) and what each holds. validate.ts walks untrusted
 * bodies against these tables, so every field of every kind is checked by one walker instead of a
 * hand-written validator per message. Source: grafeas/grafeas proto/v1/*.proto.
 *
 * Deep provenance messages (SLSA, in-toto) are `json`: bounded JSON objects kept as sent, because
 * Portcullis stores them for clients and never interprets them.
 */
import {
  architecture,
  complianceVersion,
  cvss,
  cvssVersion,
  digest,
  envelope,
  fingerprint,
  justification,
  license,
  NOTE_KINDS,
  packageIssue,
  relatedUrl,
  remediation,
  repeatedString,
  rpcStatus,
  severity,
  upgradeDistribution,
  version,
  VEX_ASSESSMENT,
  VEX_STATES,
  windowsUpdate,
  type NoteKind,
  type Shape,
} from './messages.ts';

export { NOTE_KINDS, SEVERITIES, VEX_ASSESSMENT, VEX_STATES, type FieldType, type GrafeasSeverity, type NoteKind, type Shape, type VexState } from './messages.ts';

/** The details of an occurrence, by kind: the field that holds them and its shape. */
export const OCCURRENCE_DETAILS: Readonly<Record<NoteKind, { field: string; shape: Shape }>> = {
  VULNERABILITY: {
    field: 'vulnerability',
    shape: {
      type: 'string',
      severity,
      cvssScore: 'float',
      cvssv3: { message: cvss },
      packageIssue: { repeated: { message: packageIssue } },
      shortDescription: 'string',
      longDescription: 'string',
      relatedUrls: { repeated: { message: relatedUrl } },
      effectiveSeverity: severity,
      fixAvailable: 'bool',
      cvssVersion,
      cvssV2: { message: cvss },
      vexAssessment: { message: VEX_ASSESSMENT },
      extraDetails: 'string',
      risk: 'json',
      cvssV4: { message: cvss },
    },
  },
  BUILD: {
    field: 'build',
    shape: { provenance: 'json', provenanceBytes: 'string', intotoProvenance: 'json', intotoStatement: 'json', inTotoSlsaProvenanceV1: 'json' },
  },
  IMAGE: {
    field: 'image',
    shape: { fingerprint: { message: fingerprint }, distance: 'int', layerInfo: { repeated: { message: { directive: 'string', arguments: 'string' } } }, baseResourceUrl: 'string' },
  },
  PACKAGE: {
    field: 'package',
    shape: {
      name: 'string',
      location: { repeated: { message: { cpeUri: 'string', version: { message: version }, path: 'string' } } },
      packageType: 'string',
      cpeUri: 'string',
      architecture,
      license: { message: license },
      version: { message: version },
    },
  },
  DEPLOYMENT: {
    field: 'deployment',
    shape: {
      userEmail: 'string',
      deployTime: 'timestamp',
      undeployTime: 'timestamp',
      config: 'string',
      address: 'string',
      resourceUri: repeatedString,
      platform: { enum: ['PLATFORM_UNSPECIFIED', 'GKE', 'FLEX', 'CUSTOM'] },
    },
  },
  DISCOVERY: {
    field: 'discovery',
    shape: {
      continuousAnalysis: { enum: ['CONTINUOUS_ANALYSIS_UNSPECIFIED', 'ACTIVE', 'INACTIVE'] },
      analysisStatus: { enum: ['ANALYSIS_STATUS_UNSPECIFIED', 'PENDING', 'SCANNING', 'FINISHED_SUCCESS', 'COMPLETE', 'FINISHED_FAILED', 'FINISHED_UNSUPPORTED'] },
      analysisCompleted: { message: { analysisType: repeatedString } },
      analysisError: { repeated: { message: rpcStatus } },
      analysisStatusError: { message: rpcStatus },
      cpe: 'string',
      lastScanTime: 'timestamp',
      archiveTime: 'timestamp',
      sbomStatus: { message: { sbomState: { enum: ['SBOM_STATE_UNSPECIFIED', 'PENDING', 'COMPLETE'] }, error: 'string' } },
      vulnerabilityAttestation: {
        message: { lastAttemptTime: 'timestamp', state: { enum: ['VULNERABILITY_ATTESTATION_STATE_UNSPECIFIED', 'SUCCESS', 'FAILURE'] }, error: 'string' },
      },
      files: { repeated: { message: { name: 'string', digest: { map: 'string' } } } },
      lastVulnerabilityUpdateTime: 'timestamp',
    },
  },
  ATTESTATION: {
    field: 'attestation',
    shape: {
      serializedPayload: 'bytes',
      signatures: { repeated: { message: { signature: 'bytes', publicKeyId: 'string' } } },
      jwts: { repeated: { message: { compactJwt: 'string' } } },
    },
  },
  UPGRADE: {
    field: 'upgrade',
    shape: { package: 'string', parsedVersion: { message: version }, distribution: { message: upgradeDistribution }, windowsUpdate: { message: windowsUpdate } },
  },
  COMPLIANCE: {
    field: 'compliance',
    shape: {
      nonCompliantFiles: { repeated: { message: { path: 'string', displayCommand: 'string', reason: 'string' } } },
      nonComplianceReason: 'string',
      version: { message: complianceVersion },
    },
  },
  DSSE_ATTESTATION: { field: 'dsseAttestation', shape: { envelope: { message: envelope }, statement: 'json' } },
  // Grafeas v1 has no occurrence details for this kind; Portcullis accepts a VexAssessment here
  // (documented extension) so a triage decision about one image is one occurrence.
  VULNERABILITY_ASSESSMENT: { field: 'vulnerabilityAssessment', shape: VEX_ASSESSMENT },
  SBOM_REFERENCE: {
    field: 'sbomReference',
    shape: {
      payload: {
        message: {
          _type: 'string',
          predicateType: 'string',
          subject: { repeated: { message: { name: 'string', digest: { map: 'string' } } } },
          predicate: { message: { referrerId: 'string', location: 'string', mimeType: 'string', digest: { map: 'string' } } },
        },
      },
      payloadType: 'string',
      signatures: { repeated: { message: { sig: 'bytes', keyid: 'string' } } },
    },
  },
};

/** The type-specific part of a note, by kind. */
export const NOTE_DETAILS: Readonly<Record<NoteKind, { field: string; shape: Shape }>> = {
  VULNERABILITY: {
    field: 'vulnerability',
    shape: {
      cvssScore: 'float',
      severity,
      details: {
        repeated: {
          message: {
            severityName: 'string',
            description: 'string',
            packageType: 'string',
            affectedCpeUri: 'string',
            affectedPackage: 'string',
            affectedVersionStart: { message: version },
            affectedVersionEnd: { message: version },
            fixedCpeUri: 'string',
            fixedPackage: 'string',
            fixedVersion: { message: version },
            isObsolete: 'bool',
            sourceUpdateTime: 'timestamp',
            source: 'string',
            vendor: 'string',
          },
        },
      },
      cvssV3: { message: cvss },
      windowsDetails: 'json',
      sourceUpdateTime: 'timestamp',
      cvssVersion,
      cvssV2: { message: cvss },
      advisoryPublishTime: 'timestamp',
      cvssV4: { message: cvss },
    },
  },
  BUILD: { field: 'build', shape: { builderVersion: 'string' } },
  IMAGE: { field: 'image', shape: { resourceUrl: 'string', fingerprint: { message: fingerprint } } },
  PACKAGE: {
    field: 'package',
    shape: {
      name: 'string',
      distribution: {
        repeated: {
          message: { cpeUri: 'string', architecture, latestVersion: { message: version }, maintainer: 'string', url: 'string', description: 'string' },
        },
      },
      packageType: 'string',
      cpeUri: 'string',
      architecture,
      version: { message: version },
      maintainer: 'string',
      url: 'string',
      description: 'string',
      license: { message: license },
      digest: { repeated: { message: digest } },
    },
  },
  DEPLOYMENT: { field: 'deployment', shape: { resourceUri: repeatedString } },
  DISCOVERY: { field: 'discovery', shape: { analysisKind: { enum: ['NOTE_KIND_UNSPECIFIED', ...NOTE_KINDS] } } },
  ATTESTATION: { field: 'attestation', shape: { hint: { message: { humanReadableName: 'string' } } } },
  UPGRADE: {
    field: 'upgrade',
    shape: { package: 'string', version: { message: version }, distributions: { repeated: { message: upgradeDistribution } }, windowsUpdate: { message: windowsUpdate } },
  },
  COMPLIANCE: {
    field: 'compliance',
    shape: {
      title: 'string',
      description: 'string',
      version: { repeated: { message: complianceVersion } },
      rationale: 'string',
      remediation: 'string',
      cisBenchmark: { message: { profileLevel: 'int', severity } },
      scanInstructions: 'bytes',
      impact: 'string',
    },
  },
  DSSE_ATTESTATION: { field: 'dsseAttestation', shape: { hint: { message: { humanReadableName: 'string' } } } },
  VULNERABILITY_ASSESSMENT: {
    field: 'vulnerabilityAssessment',
    shape: {
      title: 'string',
      shortDescription: 'string',
      longDescription: 'string',
      languageCode: 'string',
      publisher: { message: { name: 'string', issuingAuthority: 'string', publisherNamespace: 'string' } },
      product: { message: { name: 'string', id: 'string', genericUri: 'string' } },
      assessment: {
        message: {
          cve: 'string',
          vulnerabilityId: 'string',
          shortDescription: 'string',
          longDescription: 'string',
          relatedUris: { repeated: { message: relatedUrl } },
          state: { enum: VEX_STATES },
          impacts: repeatedString,
          justification: { message: justification },
          remediations: { repeated: { message: remediation } },
        },
      },
    },
  },
  SBOM_REFERENCE: { field: 'sbomReference', shape: { format: 'string', version: 'string' } },
};

/** Fields common to every occurrence, besides its details (name and times are set by the server). */
export const OCCURRENCE_COMMON: Shape = {
  name: 'string',
  resourceUri: 'string',
  noteName: 'string',
  kind: { enum: NOTE_KINDS },
  remediation: 'string',
  createTime: 'timestamp',
  updateTime: 'timestamp',
  envelope: { message: envelope },
};

export const NOTE_COMMON: Shape = {
  name: 'string',
  shortDescription: 'string',
  longDescription: 'string',
  kind: { enum: NOTE_KINDS },
  relatedUrl: { repeated: { message: relatedUrl } },
  expirationTime: 'timestamp',
  createTime: 'timestamp',
  updateTime: 'timestamp',
  relatedNoteNames: repeatedString,
};
