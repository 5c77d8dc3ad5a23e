/** What goes into the image through ADD and COPY: no unverified downloads, no ADD magic where COPY does. */
import type { Instruction } from '../model.ts';
import type { DockerfileCheck, Hit } from './check.ts';

/** Sources and destination of ADD or COPY, in either form; undefined for heredoc forms (inline content). */
function sourcesAndDestination(instruction: Instruction): { sources: string[]; destination: string } | undefined {
  if (instruction.heredocs.length > 0) return undefined;
  const words = instruction.exec ?? instruction.words;
  const destination = words.at(-1);
  return destination === undefined || words.length < 2 ? undefined : { sources: words.slice(0, -1), destination };
}

const REMOTE = /^(https?|ftp):\/\/|^git@|\.git(#.*)?$/i;
/** ADD unpacks these, which is the one thing COPY cannot do. */
const ARCHIVE = /\.(tar|tar\.(gz|bz2|xz|zst)|tgz|tbz2?|txz|tzst)$/i;

function adds(instructions: readonly Instruction[]): Array<{ instruction: Instruction; sources: string[]; destination: string }> {
  return instructions.flatMap((instruction) => {
    if (instruction.keyword !== 'ADD') return [];
    const parts = sourcesAndDestination(instruction);
    return parts === undefined ? [] : [{ instruction, ...parts }];
  });
}

export const addRemote: DockerfileCheck = {
  definition: {
    id: 'PC-DF-005',
    title: 'ADD downloads a remote URL',
    severity: 'MEDIUM',
    description: 'ADD with a URL fetches content at build time without verifying it, so whoever controls the URL (or the network path) controls what lands in the image.',
    fix: 'Download with curl or wget in a RUN that verifies a checksum or signature, or use `ADD --checksum=sha256:...`.',
    compliance: { 'cis-docker': ['4.9'], 'nist-800-190': ['4.1.3', '4.1.5'] },
  },
  run(dockerfile) {
    return adds(dockerfile.instructions)
      .filter(({ instruction }) => !instruction.flags.some((flag) => flag.name === 'checksum'))
      .flatMap(({ instruction, sources }) => sources.filter((source) => REMOTE.test(source)).map((source): Hit => ({ instruction, message: `ADD fetches ${source} without verifying its checksum` })));
  },
};

export const addLocal: DockerfileCheck = {
  definition: {
    id: 'PC-DF-006',
    title: 'ADD used where COPY would do',
    severity: 'LOW',
    description: 'ADD also unpacks archives and downloads URLs; using it for plain files hides that behaviour where nobody expects it.',
    fix: 'Use COPY for local files and directories; keep ADD for local tar archives that should be unpacked.',
    compliance: { 'cis-docker': ['4.9'] },
  },
  run(dockerfile) {
    return adds(dockerfile.instructions)
      .filter(({ sources }) => sources.some((source) => !REMOTE.test(source) && !ARCHIVE.test(source)))
      .map(({ instruction, sources }) => ({ instruction, message: `ADD ${sources.join(' ')} copies local files: use COPY` }));
  },
};

export const copyDestination: DockerfileCheck = {
  definition: {
    id: 'PC-DF-028',
    title: 'COPY or ADD of several sources to a destination without a trailing /',
    severity: 'LOW',
    description: 'With more than one source the destination must be a directory; without the trailing slash the build fails or writes somewhere unexpected.',
    fix: 'End the destination with `/` (`COPY a b /app/`).',
    compliance: {},
  },
  run(dockerfile) {
    return dockerfile.instructions.flatMap((instruction) => {
      if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') return [];
      const parts = sourcesAndDestination(instruction);
      if (parts === undefined || parts.sources.length < 2 || parts.destination.endsWith('/')) return [];
      return [{ instruction, message: `${instruction.keyword} has ${parts.sources.length} sources but its destination ${parts.destination} does not end with /` }];
    });
  },
};
