/**
 * `npm run bench:lint`: configuration-check accuracy against Trivy's `config` scanner. Both tools
 * read the same hand-written insecure Dockerfiles and Kubernetes manifests (bench/fixtures/lint/)
 * in one run; every issue either raises is printed side by side, paired by file, line and topic
 * (bench/lib/lint-topics.ts), with counts and wall times. Trivy-only issues are marked: MISSED when
 * Portcullis has a check on that topic that did not fire there, NO CHECK (with a verdict) when it
 * has none.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { type Issue, type Pair, pairIssues } from './lib/lint-match.ts';
import { PORTCULLIS_TOPICS, TRIVY_ONLY_NOTES, TRIVY_TOPICS } from './lib/lint-topics.ts';
import { measure } from './lib/run.ts';
import { trivyBinary } from './lib/trivy.ts';

const CLI = new URL('../bin/portcullis.js', import.meta.url).pathname;
const FIXTURES = new URL('./fixtures/lint/', import.meta.url).pathname;

interface ToolRun {
  seconds: number;
  issues: Issue[];
}

interface LintJson {
  findings: Array<{ checkId: string; title: string; file: string; line: number; endLine?: number }>;
}

async function portcullis(work: string): Promise<ToolRun> {
  const dockerfileDir = join(FIXTURES, 'dockerfile');
  const dockerfiles = (await readdir(dockerfileDir)).sort().map((name) => join(dockerfileDir, name, 'Dockerfile'));
  const runs = [
    ['dockerfile', ...dockerfiles],
    ['k8s', join(FIXTURES, 'k8s')],
  ];
  const result: ToolRun = { seconds: 0, issues: [] };
  for (const [kind, ...paths] of runs) {
    const out = join(work, `portcullis-${kind}.json`);
    const measured = await measure(process.execPath, [CLI, 'lint', kind!, ...paths, '--format', 'json', '--output', out, '--quiet']);
    result.seconds += measured.seconds;
    const report = JSON.parse(await readFile(out, 'utf8')) as LintJson;
    for (const finding of report.findings) {
      result.issues.push({
        file: relative(FIXTURES, finding.file),
        start: finding.line,
        end: finding.endLine ?? finding.line,
        id: finding.checkId,
        title: finding.title,
        topic: PORTCULLIS_TOPICS[finding.checkId] ?? finding.checkId,
      });
    }
  }
  return result;
}

interface TrivyJson {
  Results?: Array<{ Target: string; Misconfigurations?: Array<{ ID: string; Title: string; Status: string; CauseMetadata?: { StartLine?: number; EndLine?: number } }> }>;
}

async function trivy(work: string): Promise<ToolRun> {
  const binary = await trivyBinary();
  const out = join(work, 'trivy.json');
  // A fresh cache, and no --skip-policy-update: offline, Trivy falls back to its embedded checks.
  const cache = await mkdtemp(join(work, 'trivy-cache-'));
  const measured = await measure(binary, ['config', '--format', 'json', '--cache-dir', cache, '--output', out, '--quiet', FIXTURES]);
  const report = JSON.parse(await readFile(out, 'utf8')) as TrivyJson;
  const issues = (report.Results ?? []).flatMap((result) =>
    (result.Misconfigurations ?? [])
      .filter((misconfiguration) => misconfiguration.Status === 'FAIL')
      .map((misconfiguration): Issue => ({
        file: result.Target,
        start: misconfiguration.CauseMetadata?.StartLine || undefined,
        end: misconfiguration.CauseMetadata?.EndLine || undefined,
        id: misconfiguration.ID,
        title: misconfiguration.Title,
        topic: TRIVY_TOPICS[misconfiguration.ID] ?? misconfiguration.ID,
      })),
  );
  return { seconds: measured.seconds, issues };
}

const PORTCULLIS_TOPIC_SET = new Set(Object.values(PORTCULLIS_TOPICS));

/** Why a Trivy issue has no Portcullis partner. */
function trivyOnlyMark(issue: Issue): string {
  if (PORTCULLIS_TOPIC_SET.has(issue.topic)) return 'MISSED (Portcullis has a check on this topic)';
  return `NO CHECK: ${TRIVY_ONLY_NOTES[issue.id] ?? 'no verdict yet: review'}`;
}

function lines(issue: Issue | undefined): string {
  if (issue === undefined) return '';
  if (issue.start === undefined) return 'file';
  return issue.end !== undefined && issue.end !== issue.start ? `${issue.start}-${issue.end}` : String(issue.start);
}

function cell(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

function printPairs(pairs: Pair[]): void {
  let file: string | undefined;
  for (const pair of pairs) {
    const issue = (pair.ours ?? pair.theirs)!;
    if (issue.file !== file) {
      file = issue.file;
      console.log(`\n${file}`);
      console.log(`  ${cell('line', 7)} ${cell('Portcullis', 11)} ${cell('line', 7)} ${cell('Trivy', 7)} ${cell('title', 52)} note`);
    }
    const mark =
      pair.ours === undefined
        ? `TRIVY ONLY, ${trivyOnlyMark(pair.theirs!)}`
        : pair.theirs === undefined
          ? 'PORTCULLIS ONLY'
          : [pair.shared ? 'one finding on one side, several on the other' : '', pair.lineDiffers ? 'same topic, other line' : ''].filter(Boolean).join('; ');
    console.log(`  ${cell(lines(pair.ours), 7)} ${cell(pair.ours?.id ?? '-', 11)} ${cell(lines(pair.theirs), 7)} ${cell(pair.theirs?.id ?? '-', 7)} ${cell((pair.ours ?? pair.theirs)!.title, 52)} ${mark}`);
  }
}

const work = await mkdtemp(join(tmpdir(), 'portcullis-bench-lint-'));
try {
  const ours = await portcullis(work);
  const theirs = await trivy(work);
  const pairs = pairIssues(ours.issues, theirs.issues);
  printPairs(pairs);

  const both = pairs.filter((pair) => pair.ours !== undefined && pair.theirs !== undefined);
  const oursOnly = pairs.filter((pair) => pair.theirs === undefined);
  const trivyOnly = pairs.filter((pair) => pair.ours === undefined);
  const missed = trivyOnly.filter((pair) => PORTCULLIS_TOPIC_SET.has(pair.theirs!.topic)).length;
  const files = new Set([...ours.issues, ...theirs.issues].map((issue) => issue.file));
  console.log(`\nLint accuracy on ${files.size} files under bench/fixtures/lint/`);
  console.log(`  ${cell('', 12)} ${cell('issues', 8)} ${cell('seconds', 8)}`);
  console.log(`  ${cell('portcullis', 12)} ${cell(String(ours.issues.length), 8)} ${cell(ours.seconds.toFixed(2), 8)} (lint dockerfile + lint k8s)`);
  console.log(`  ${cell('trivy', 12)} ${cell(String(theirs.issues.length), 8)} ${cell(theirs.seconds.toFixed(2), 8)} (config)`);
  const oursPaired = new Set(both.map((pair) => pair.ours)).size;
  const theirsPaired = new Set(both.map((pair) => pair.theirs)).size;
  console.log(`  paired rows ${both.length} (${oursPaired} Portcullis and ${theirsPaired} Trivy findings), Portcullis only ${oursOnly.length}, Trivy only ${trivyOnly.length} (${missed} MISSED on a topic Portcullis checks, ${trivyOnly.length - missed} NO CHECK)`);
  const byId = (list: Pair[], side: 'ours' | 'theirs') => {
    const counts = new Map<string, number>();
    for (const pair of list) counts.set(pair[side]!.id, (counts.get(pair[side]!.id) ?? 0) + 1);
    return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([id, count]) => `${id} x${count}`).join(', ');
  };
  console.log(`  Portcullis only by check: ${byId(oursOnly, 'ours') || 'none'}`);
  console.log(`  Trivy only by check: ${byId(trivyOnly, 'theirs') || 'none'}`);
  const dockerfiles = [...files].filter((file) => file.endsWith('Dockerfile'));
  const trivyFiles = new Set(theirs.issues.map((issue) => issue.file));
  for (const file of dockerfiles.filter((each) => !trivyFiles.has(each))) console.log(`  note: Trivy reported nothing for ${file}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
