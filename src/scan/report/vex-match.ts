/**
 * Which OpenVEX statement speaks about a finding. A statement applies when it names one of the
 * finding's ids and one of its products is
 *   - the finding's package (a purl; qualifiers ignored when the statement writes none), or
 *   - the scanned image (its manifest digest, bare or as a `pkg:oci` purl's version), with no
 *     subcomponents (the whole image) or a subcomponent that is the finding's package.
 * When several apply, the latest (statement timestamp, else the document's) wins, as OpenVEX says.
 */
import { PackageURL } from 'packageurl-js';
import { isDigest } from '../../core/index.ts';
import type { Finding } from '../../vuln/index.ts';
import { findingIds } from './ignore-match.ts';
import type { VexNote } from './model.ts';
import { isPurl, purlMatcher } from './purl-match.ts';
import type { VexDocument, VexProduct, VexStatement } from './vex.ts';

type PackageTest = (purl: string) => boolean;

interface CompiledStatement {
  ids: Set<string>;
  /** Tests on the finding's package purl, one per way a product can name it. */
  packageTests: PackageTest[];
  note: VexNote;
  time: number;
}

/** Compiles the documents once; the returned function decides per finding. */
export function vexDecider(documents: readonly VexDocument[], imageDigest: string | undefined): (finding: Finding) => VexNote | undefined {
  const compiled = documents.flatMap((document) => document.statements.map((statement) => compile(document, statement, imageDigest)));
  return (finding) => {
    const ids = findingIds(finding);
    let best: CompiledStatement | undefined;
    for (const statement of compiled) {
      if (![...statement.ids].some((id) => ids.has(id))) continue;
      if (!statement.packageTests.some((test) => test(finding.package.purl))) continue;
      // Later wins; at equal times the later statement (in document order) restates the earlier.
      if (best === undefined || statement.time >= best.time) best = statement;
    }
    return best?.note;
  };
}

function compile(document: VexDocument, statement: VexStatement, imageDigest: string | undefined): CompiledStatement {
  const note: VexNote = { document: document.id, source: document.source, vulnerability: statement.vulnerability, status: statement.status, timestamp: statement.timestamp };
  if (statement.justification !== undefined) note.justification = statement.justification;
  if (statement.impactStatement !== undefined) note.impactStatement = statement.impactStatement;
  if (statement.actionStatement !== undefined) note.actionStatement = statement.actionStatement;
  if (statement.statusNotes !== undefined) note.statusNotes = statement.statusNotes;
  return {
    ids: new Set(statement.vulnerabilityIds.map((id) => id.toUpperCase())),
    packageTests: statement.products.flatMap((product) => productTests(product, imageDigest)),
    note,
    time: Date.parse(statement.timestamp) || 0,
  };
}

function productTests(product: VexProduct, imageDigest: string | undefined): PackageTest[] {
  const direct = purlTests(product.ids);
  const isImage = imageDigest !== undefined && product.ids.some((id) => digestOf(id) === imageDigest);
  if (!isImage) return direct;
  if (product.subcomponents.length === 0) return [() => true];
  return [...direct, ...product.subcomponents.flatMap(purlTests)];
}

function purlTests(ids: readonly string[]): PackageTest[] {
  return ids.filter(isPurl).flatMap((id) => {
    const test = purlMatcher(id);
    return test === undefined ? [] : [test];
  });
}

/** The image digest an identifier names: a bare digest, or the version of a `pkg:oci` purl. */
function digestOf(id: string): string | undefined {
  if (isDigest(id)) return id;
  if (!id.startsWith('pkg:oci/')) return undefined;
  try {
    return PackageURL.fromString(id).version;
  } catch {
    return undefined;
  }
}
