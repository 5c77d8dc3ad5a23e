/**
 * Reads a V8 CPU profile (`node --cpu-prof`, a .cpuprofile file) into the functions that used the
 * most CPU themselves (self time), summed over every call site, for the benchmark's "where did the
 * server's time go" table. Idle time is kept as its own row so busy shares stay honest.
 */
import { readFile } from 'node:fs/promises';

export interface HotFunction {
  /** `name (file:line)`, file relative to the checkout when inside it. */
  where: string;
  selfMs: number;
  /** Share of the profile's non-idle time. */
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  hot: HotFunction[];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

function parseProfile(text: string, path: string): { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not JSON (${(error as Error).message})`);
  }
  const { nodes, samples, timeDeltas } = (raw ?? {}) as Record<string, unknown>;
  if (!Array.isArray(nodes) || !Array.isArray(samples) || !Array.isArray(timeDeltas) || samples.length !== timeDeltas.length) throw new Error(`${path}: not a V8 CPU profile`);
  for (const node of nodes as ProfileNode[]) {
    if (typeof node?.id !== 'number' || typeof node.callFrame?.functionName !== 'string' || typeof node.callFrame.url !== 'string') throw new Error(`${path}: a profile node without id or call frame`);
  }
  return { nodes: nodes as ProfileNode[], samples: samples as number[], timeDeltas: timeDeltas as number[] };
}

function label(frame: ProfileNode['callFrame'], root: string): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return name;
  const file = frame.url.replace(/^file:\/\//, '').replace(root, '');
  return `${name} (${file}:${frame.lineNumber + 1})`;
}

/** The `top` functions by self time in the profile at `path`; `root` is stripped from file names. */
export async function summarizeProfile(path: string, root: string, top = 15): Promise<ProfileSummary> {
  const { nodes, samples, timeDeltas } = parseProfile(await readFile(path, 'utf8'), path);
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const selfUs = new Map<string, number>();
  let idleUs = 0;
  let totalUs = 0;
  samples.forEach((id, i) => {
    const node = byId.get(id);
    const delta = timeDeltas[i] ?? 0;
    totalUs += delta;
    if (node === undefined) return;
    if (node.callFrame.functionName === '(idle)') idleUs += delta;
    else selfUs.set(label(node.callFrame, root), (selfUs.get(label(node.callFrame, root)) ?? 0) + delta);
  });
  const busyUs = Math.max(totalUs - idleUs, 1);
  const hot = [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, us]) => ({ where, selfMs: us / 1000, share: us / busyUs }));
  return { totalMs: totalUs / 1000, idleMs: idleUs / 1000, hot };
}
