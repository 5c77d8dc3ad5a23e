/** Instructions that are wrong or risky on their own: EXPOSE, WORKDIR, MAINTAINER, RUN --security. */
import type { Instruction } from '../model.ts';
import type { DockerfileCheck, Hit } from './check.ts';

function ofKeyword(instructions: readonly Instruction[], keyword: string): Instruction[] {
  return instructions.filter((instruction) => instruction.keyword === keyword);
}

/** `80`, `8080/tcp`, `7000-7010/udp` -> the port range; undefined when not a port spec. Variables are skipped by the caller. */
function portRange(word: string): { from: number; to: number } | undefined {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?(?:\/(tcp|udp|sctp))?$/i.exec(word);
  if (match === null) return undefined;
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  return from >= 1 && to <= 65535 && from <= to ? { from, to } : undefined;
}

function exposed(instructions: readonly Instruction[]): Array<{ instruction: Instruction; word: string }> {
  return ofKeyword(instructions, 'EXPOSE').flatMap((instruction) => instruction.words.filter((word) => !word.includes('$')).map((word) => ({ instruction, word })));
}

export const invalidPort: DockerfileCheck = {
  definition: {
    id: 'PC-DF-021',
    title: 'EXPOSE with an invalid port',
    severity: 'MEDIUM',
    description: 'Ports are 1 to 65535 with an optional /tcp, /udp or /sctp; anything else is a typo that documents the wrong port or breaks the build.',
    fix: 'Write the port as `8080` or `8080/tcp` (ranges as `7000-7010`).',
    compliance: {},
  },
  run(dockerfile) {
    return exposed(dockerfile.instructions)
      .filter(({ word }) => portRange(word) === undefined)
      .map(({ instruction, word }): Hit => ({ instruction, message: `EXPOSE ${word} is not a valid port (1-65535, optionally /tcp, /udp or /sctp)` }));
  },
};

export const sshPort: DockerfileCheck = {
  definition: {
    id: 'PC-DF-022',
    title: 'EXPOSE of the SSH port 22',
    severity: 'MEDIUM',
    description: 'An SSH server in a container is a second way in that bypasses the orchestrator; containers are entered with `docker exec` or `kubectl exec`.',
    fix: 'Remove the SSH server and EXPOSE 22; use exec for debugging.',
    compliance: { 'nist-800-190': ['4.4.2'] },
  },
  run(dockerfile) {
    return exposed(dockerfile.instructions)
      .filter(({ word }) => {
        const range = portRange(word);
        return range !== undefined && range.from <= 22 && 22 <= range.to && !/\/(udp|sctp)$/i.test(word);
      })
      .map(({ instruction, word }) => ({ instruction, message: `EXPOSE ${word} exposes SSH` }));
  },
};

export const relativeWorkdir: DockerfileCheck = {
  definition: {
    id: 'PC-DF-024',
    title: 'WORKDIR is a relative path',
    severity: 'LOW',
    description: 'A relative WORKDIR depends on every WORKDIR before it (and on the base image), so files land somewhere other than the reader expects.',
    fix: 'Use an absolute path (`WORKDIR /app`).',
    compliance: {},
  },
  run(dockerfile) {
    return ofKeyword(dockerfile.instructions, 'WORKDIR')
      .filter((instruction) => {
        const path = instruction.text.trim().replace(/^["']|["']$/g, '');
        return path !== '' && !path.startsWith('/') && !path.startsWith('$') && !/^[A-Za-z]:[\\/]/.test(path);
      })
      .map((instruction) => ({ instruction, message: `WORKDIR ${instruction.text.trim()} is relative` }));
  },
};

export const insecureBuild: DockerfileCheck = {
  definition: {
    id: 'PC-DF-025',
    title: 'RUN --security=insecure',
    severity: 'HIGH',
    description: 'An insecure RUN executes with all capabilities and no sandbox on the build host, like a `--privileged` container: a hostile dependency can take over the builder.',
    fix: 'Remove `--security=insecure`; do privileged steps outside the image build.',
    compliance: { 'nist-800-190': ['4.4.3'] },
  },
  run(dockerfile) {
    return ofKeyword(dockerfile.instructions, 'RUN')
      .filter((instruction) => instruction.flags.some((flag) => flag.name === 'security' && flag.value === 'insecure'))
      .map((instruction) => ({ instruction, message: 'RUN --security=insecure runs this step privileged on the build host' }));
  },
};

export const maintainer: DockerfileCheck = {
  definition: {
    id: 'PC-DF-026',
    title: 'MAINTAINER is deprecated',
    severity: 'LOW',
    description: 'MAINTAINER has been deprecated since Docker 1.13 and is not in the OCI image configuration.',
    fix: 'Use `LABEL org.opencontainers.image.authors="..."`.',
    compliance: {},
  },
  run(dockerfile) {
    return ofKeyword(dockerfile.instructions, 'MAINTAINER').map((instruction) => ({ instruction, message: 'MAINTAINER is deprecated' }));
  },
};
