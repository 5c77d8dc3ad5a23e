/**
 * PullGate: decides, for a manifest about to be served, whether its project's gate lets it out.
 * It reads the settings from the PolicyStore and the scan state from the registry's scanner on
 * every call (both are SQLite lookups by key), so an admin change or a finished scan applies to the
 * next pull. Only container images are gated: indexes pass (their platform manifests are gated when
 * the client fetches them), and so do referrers and other artifacts, which are never scanned.
 */
import { parseImageDocument } from '../oci/index.ts';
import { findingKey } from '../registry-scan/index.ts';
import type { CompiledLayer } from '../policy/index.ts';
import type { Finding } from '../vuln/index.ts';
import { type GateDecision, type ImageScan, evaluateGate } from './evaluate.ts';
import type { PolicyStore } from './store.ts';

/** What the gate reads from the registry's scanner (RegistryScanner provides it). */
export interface ScanReader {
  scanResult(digest: string): { findings: Finding[]; scannedAt: number } | undefined;
  scanState(digest: string): { state: string; lastError?: string } | undefined;
  findingFirstSeen(digest: string): Map<string, number>;
}

export interface PullRequest {
  repository: string;
  digest: string;
  mediaType: string;
  content: Uint8Array;
}

/** A refused pull, as the "pull.blocked" webhook reports it. */
export interface PullBlocked {
  repository: string;
  digest: string;
  reason: string;
  findings: string[];
}

export interface PullGateOptions {
  store: PolicyStore;
  scans: ScanReader;
  now?: () => number;
  /** Policy layers that apply to pulls from a project besides its gate settings (organisation, project). */
  layers?: (project: string) => CompiledLayer[];
  /** The host clients pull from ("registry.example:5000"), for trusted-registry rules of those layers. */
  registryHost?: string;
  /** Called for every refused pull (the webhook sender, an audit). Errors thrown here are ignored. */
  onBlocked?: (blocked: PullBlocked) => void;
}

/** Manifests bigger than this are not container images worth parsing here (the registry limit is 4 MiB). */
const MAX_PARSED_BYTES = 4 * 1024 * 1024;

function isContainerImage(pull: PullRequest): boolean {
  try {
    const document = parseImageDocument(pull.content, pull.mediaType, { maxBytes: MAX_PARSED_BYTES });
    return document.kind === 'manifest' && document.manifest.subject === undefined;
  } catch {
    return false;
  }
}

export class PullGate {
  readonly #options: PullGateOptions;
  readonly #now: () => number;

  constructor(options: PullGateOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** The decision for one pull, or undefined when no gate applies (no settings, or not an image). */
  check(pull: PullRequest): GateDecision | undefined {
    const project = pull.repository.split('/', 1)[0] ?? '';
    const layers = this.#options.layers?.(project) ?? [];
    const stored = this.#options.store.gate(project);
    const gated = stored !== undefined && (stored.minSeverity !== undefined || stored.blockUnscanned);
    if (!gated && layers.length === 0) return undefined;
    const gate = stored ?? { project, blockUnscanned: false, graceDays: {} };
    const scan = this.#scanOf(pull);
    if (scan === undefined) return undefined;
    const now = this.#now();
    const exceptions = gate.minSeverity === undefined ? [] : this.#options.store.exceptionsFor(pull.repository, pull.digest, now);
    const labels = layers.length === 0 ? {} : this.#options.store.labels(pull.digest);
    const registry = this.#options.registryHost ?? '';
    const decision = evaluateGate({ gate, repository: pull.repository, digest: pull.digest, scan, exceptions, now, layers, labels, registry });
    if (!decision.allowed) this.#blocked({ repository: pull.repository, digest: pull.digest, reason: decision.reason, findings: decision.blocking.map((finding) => finding.id) });
    return decision;
  }

  #scanOf(pull: PullRequest): ImageScan | undefined {
    const { scans } = this.#options;
    const result = scans.scanResult(pull.digest);
    if (result !== undefined) {
      const firstSeen = scans.findingFirstSeen(pull.digest);
      // A finding without a record predates first-seen tracking: the scan time is the safe bound.
      return { state: 'scanned', findings: result.findings, firstSeen: (finding) => firstSeen.get(findingKey(finding)) ?? result.scannedAt };
    }
    const state = scans.scanState(pull.digest);
    if (state !== undefined) {
      const detail = state.state === 'failed' ? `a failed scan (${(state.lastError ?? 'unknown error').slice(0, 200)})` : `${state.state} for scanning`;
      return { state: 'unscanned', detail };
    }
    // No job yet: the push event may still be on its way to the scanner, or it predates scanning.
    return isContainerImage(pull) ? { state: 'unscanned', detail: 'not scanned yet' } : undefined;
  }

  #blocked(blocked: PullBlocked): void {
    try {
      this.#options.onBlocked?.(blocked);
    } catch {
      // A notification failure must not turn a refusal into a server error.
    }
  }
}
