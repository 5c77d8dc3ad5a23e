/**
 * Pairs two tools' configuration findings by file, topic and line. The tools cut findings
 * differently (Trivy: one finding each for CPU and memory limits, anchored on the container block;
 * Portcullis: one for both, anchored on the offending field), so pairing goes from strict to loose:
 *   1. one to one, same file and topic, overlapping lines;
 *   2. what is left, with a finding already paired in step 1 that overlaps (one tool split it);
 *   3. one to one, same file and topic, anywhere in the file;
 *   4. what is left, with any finding of the same file and topic.
 */
export interface Issue {
  /** Path relative to the fixtures directory. */
  file: string;
  /** First and last line; undefined when the tool names no line (the whole file). */
  start: number | undefined;
  end: number | undefined;
  id: string;
  title: string;
  topic: string;
}

export interface Pair {
  ours?: Issue;
  theirs?: Issue;
  /** Paired by file and topic only: the lines differ. */
  lineDiffers?: boolean;
  /** The partner is also paired with another finding: one tool reports as several what the other reports as one. */
  shared?: boolean;
}

function overlaps(a: Issue, b: Issue): boolean {
  if (a.start === undefined || b.start === undefined) return true;
  return a.start <= (b.end ?? b.start) && b.start <= (a.end ?? a.start);
}

const sameTopic = (a: Issue, b: Issue) => a.file === b.file && a.topic === b.topic;

export function pairIssues(ours: readonly Issue[], theirs: readonly Issue[]): Pair[] {
  const pairs: Pair[] = [];
  const open = { ours: new Set(ours), theirs: new Set(theirs) };
  const paired = { ours: [] as Issue[], theirs: [] as Issue[] };

  const oneToOne = (loose: boolean) => {
    for (const issue of [...open.ours]) {
      const match = [...open.theirs].find((other) => sameTopic(issue, other) && (loose || overlaps(issue, other)));
      if (match === undefined) continue;
      open.ours.delete(issue);
      open.theirs.delete(match);
      paired.ours.push(issue);
      paired.theirs.push(match);
      pairs.push({ ours: issue, theirs: match, ...(loose && !overlaps(issue, match) && { lineDiffers: true }) });
    }
  };
  const share = (loose: boolean) => {
    for (const issue of [...open.ours]) {
      const match = paired.theirs.find((other) => sameTopic(issue, other) && (loose || overlaps(issue, other)));
      if (match === undefined) continue;
      open.ours.delete(issue);
      pairs.push({ ours: issue, theirs: match, shared: true, ...(!overlaps(issue, match) && { lineDiffers: true }) });
    }
    for (const issue of [...open.theirs]) {
      const match = paired.ours.find((other) => sameTopic(issue, other) && (loose || overlaps(issue, other)));
      if (match === undefined) continue;
      open.theirs.delete(issue);
      pairs.push({ ours: match, theirs: issue, shared: true, ...(!overlaps(issue, match) && { lineDiffers: true }) });
    }
  };
  oneToOne(false);
  share(false);
  oneToOne(true);
  share(true);
  for (const issue of open.ours) pairs.push({ ours: issue });
  for (const issue of open.theirs) pairs.push({ theirs: issue });

  const line = (pair: Pair) => pair.ours?.start ?? pair.theirs?.start ?? 0;
  const file = (pair: Pair) => (pair.ours ?? pair.theirs)?.file ?? '';
  return pairs.sort((a, b) => file(a).localeCompare(file(b)) || line(a) - line(b));
}
