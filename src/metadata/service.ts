/**
 * MetadataService: what the rest of the server calls to record facts as Grafeas occurrences and to
 * read triage back. It knows the registry host that resourceUris name, follows the scanner's events,
 * and is handed to the signer (recordAttestation) and admission (recordDeployment).
 */
import type { EventEmitter } from 'node:events';
import { type Logger, silentLogger } from '../core/index.ts';
import type { FindingAssessment } from '../policy/types.ts';
import type { RegistryScannerEvents, RescanReport, ScanFailed, ScanResult } from '../registry-scan/index.ts';
import { type ExceptionReader, assessmentsFor } from './assessments.ts';
import type { Occurrence } from './model.ts';
import { imageResourceUri } from './names.ts';
import { type AttestationRecord, type DeploymentRecord, recordAttestation, recordDeployment } from './records.ts';
import { recordScanFailure, recordScanResult } from './scan-writer.ts';
import type { MetadataStore } from './store.ts';

export interface MetadataServiceOptions {
  store: MetadataStore;
  /** The registry host (and port) clients pull from: the HOST of every image resourceUri. */
  host: string;
  /** Pull-gate exceptions in force, mirrored into assessments. */
  exceptions?: ExceptionReader;
  logger?: Logger;
  now?: () => number;
}

/** The part of RegistryScanner the service follows. */
export interface ScanEvents {
  events: EventEmitter<RegistryScannerEvents>;
  scanResult(digest: string): ScanResult | undefined;
}

/** What the server-side signer announces after signing an image (registry-sign's AutoSigner). */
export interface SignedEvents {
  events: {
    on(event: 'signed', listener: (signed: AttestationRecord) => void): unknown;
    off(event: 'signed', listener: (signed: AttestationRecord) => void): unknown;
  };
}

export class MetadataService {
  readonly store: MetadataStore;
  readonly host: string;
  readonly #exceptions: ExceptionReader | undefined;
  readonly #logger: Logger;
  readonly #now: () => number;

  constructor(options: MetadataServiceOptions) {
    this.store = options.store;
    this.host = options.host;
    this.#exceptions = options.exceptions;
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
  }

  /** `https://{host}/{repository}@{digest}` */
  resourceUri(repository: string, digest: string): string {
    return imageResourceUri(this.host, repository, digest);
  }

  recordScan(result: ScanResult): void {
    recordScanResult(this.store, this.host, result);
  }

  recordScanFailed(failed: ScanFailed): void {
    recordScanFailure(this.store, this.host, failed, this.#now());
  }

  /** Records the new state of every image a rescan changed (unchanged ones keep their revisions). */
  recordRescan(report: RescanReport, resultOf: (digest: string) => ScanResult | undefined): void {
    for (const image of report.changed) {
      const result = resultOf(image.digest);
      if (result !== undefined) this.recordScan(result);
    }
  }

  recordAttestation(record: AttestationRecord): Occurrence {
    return recordAttestation(this.store, this.host, record);
  }

  recordDeployment(record: DeploymentRecord): Occurrence {
    return recordDeployment(this.store, record);
  }

  /** Triage of the image's vulnerabilities, by vulnerability id (see assessments.ts). */
  assessmentsFor(resourceUri: string): Map<string, FindingAssessment> {
    return assessmentsFor(this.store, resourceUri, this.#exceptions);
  }

  /** Runs a writer; a failure to record is logged, never thrown into the component that reported. */
  #guard(what: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.#logger.error(`metadata: recording ${what} failed: ${(error as Error).message}`);
    }
  }

  /** Records every scan, failure and rescan of the scanner from now on; returns the unsubscribe. */
  follow(scanner: ScanEvents): () => void {
    const guard = (what: string, work: () => void) => this.#guard(what, work);
    const completed = (result: ScanResult) => guard(`the scan of ${result.repository}@${result.digest}`, () => this.recordScan(result));
    const failed = (failure: ScanFailed) => guard(`the failed scan of ${failure.repository}@${failure.digest}`, () => this.recordScanFailed(failure));
    const rescanned = (report: RescanReport) => guard('a rescan', () => this.recordRescan(report, (digest) => scanner.scanResult(digest)));
    scanner.events.on('scanCompleted', completed);
    scanner.events.on('scanFailed', failed);
    scanner.events.on('rescanCompleted', rescanned);
    return () => {
      scanner.events.off('scanCompleted', completed);
      scanner.events.off('scanFailed', failed);
      scanner.events.off('rescanCompleted', rescanned);
    };
  }

  /** Records every signature the server-side signer makes from now on; returns the unsubscribe. */
  followSigner(signer: SignedEvents): () => void {
    const signed = (event: AttestationRecord) => this.#guard(`the signature of ${event.repository}@${event.digest}`, () => this.recordAttestation(event));
    signer.events.on('signed', signed);
    return () => signer.events.off('signed', signed);
  }
}
