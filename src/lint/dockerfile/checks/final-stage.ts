/** What the shipped image (the last stage) is: who it runs as, whether it can be health-checked, what it carries. */
import type { ParsedDockerfile, Stage } from '../model.ts';
import { type DockerfileCheck, type Hit, finalStage, inherited, listed, operands } from './check.ts';
import { packageManagerInstall } from './packages.ts';

function rootBase(dockerfile: ParsedDockerfile, stage: Stage): Stage['base'] {
  let current = stage;
  for (let hops = 0; current.base.kind === 'stage' && hops < dockerfile.stages.length; hops += 1) {
    current = dockerfile.stages[current.base.index] ?? current;
  }
  return current.base;
}

export const rootUser: DockerfileCheck = {
  definition: {
    id: 'PC-DF-004',
    title: 'Final stage runs as root',
    severity: 'HIGH',
    description: 'A container that runs as root turns any code-execution bug into root in the container and makes every container escape more dangerous.',
    fix: 'Create an unprivileged user and end the final stage with `USER <name or uid>` (not root or 0).',
    compliance: { 'cis-docker': ['4.1'], 'nist-800-190': ['4.1.2', '4.4.3'] },
    references: ['https://docs.docker.com/build/building/best-practices/#user'],
  },
  run(dockerfile) {
    const stage = finalStage(dockerfile);
    if (stage === undefined) return [];
    const user = inherited(dockerfile, stage, 'USER');
    if (user === undefined) {
      const base = rootBase(dockerfile, stage);
      const why = base.kind === 'scratch' ? 'an image built FROM scratch runs as root' : "the container runs as the base image's user, root for most images";
      return [{ instruction: stage.from, message: `the final stage sets no USER: ${why}` }];
    }
    const name = (user.words[0] ?? '').split(':')[0] ?? '';
    return name === 'root' || /^0+$/.test(name) ? [{ instruction: user, message: `USER ${user.text} makes the final image run as root` }] : [];
  },
};

export const noHealthcheck: DockerfileCheck = {
  definition: {
    id: 'PC-DF-019',
    title: 'Final stage has no HEALTHCHECK',
    severity: 'LOW',
    description: 'Without a health check the runtime cannot tell a hung or compromised service from a healthy one, so it keeps serving traffic.',
    fix: 'Add `HEALTHCHECK CMD ...` that probes the service (for Kubernetes, define liveness and readiness probes instead and ignore this check with that reason).',
    compliance: { 'cis-docker': ['4.6'] },
  },
  run(dockerfile) {
    const stage = finalStage(dockerfile);
    if (stage === undefined) return [];
    const healthcheck = inherited(dockerfile, stage, 'HEALTHCHECK');
    if (healthcheck === undefined) return [{ instruction: stage.from, message: 'the final stage has no HEALTHCHECK' }];
    return healthcheck.words[0]?.toUpperCase() === 'NONE' ? [{ instruction: healthcheck, message: 'HEALTHCHECK NONE disables the health check of the final image' }] : [];
  },
};

/** Compilers and build systems: needed to build, an attacker's toolkit at run time. */
const BUILD_TOOL = /^(gcc|g\+\+|gcc-c\+\+|cpp|cc|clang|llvm|make|cmake|build-essential|build-base|autoconf|automake|libtool|gfortran|golang|golang-go|rustc|cargo|maven|gradle|nasm|ninja-build|meson|bison|flex|development tools)(-\d[\w.]*)?$/i;
/** Commands that take packages out again in the same RUN (`apk del .build-deps`). */
const REMOVES = /^(purge|remove|autoremove|del|erase)$/;

export const buildToolsInFinalStage: DockerfileCheck = {
  definition: {
    id: 'PC-DF-020',
    title: 'Build tools installed in the final stage',
    severity: 'MEDIUM',
    description: 'Compilers and build systems in the shipped image enlarge its attack surface and let an intruder build tools inside the container.',
    fix: 'Build in an earlier stage and COPY --from it only the artefacts into a slim final stage (or remove the tools in the same RUN that installed them).',
    compliance: { 'cis-docker': ['4.3'], 'nist-800-190': ['4.1.2'] },
  },
  run(dockerfile) {
    const stage = finalStage(dockerfile);
    if (stage === undefined) return [];
    const hits: Hit[] = [];
    for (const instruction of stage.instructions) {
      const commands = instruction.commands.flat();
      if (commands.some((command) => REMOVES.test(command.args[0] ?? ''))) continue;
      const tools = commands.flatMap((command) => {
        const install = packageManagerInstall(command);
        return install === undefined ? [] : operands(install.args, install.subcommandIndex, install.valued).map(packageName).filter((name) => BUILD_TOOL.test(name));
      });
      if (tools.length > 0) hits.push({ instruction, message: `RUN installs build tools (${listed([...new Set(tools)])}) into the final image` });
    }
    return hits;
  },
};

/** `gcc=4:12.2.0-3`, `make~=4.3`, `gcc>=12` -> the package name. */
function packageName(operand: string): string {
  return operand.split(/[=<>~]/)[0] ?? operand;
}
